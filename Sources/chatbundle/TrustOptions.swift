import ArgumentParser
import ChatBundle
import ChatBundleTimestamp

/// What the recipient trusts, for every command that states a bundle's provenance
/// (verify, certify, render): keys whose signatures they accept and roots of timestamp
/// authorities. Given, each becomes a requirement the bundle must meet.
struct TrustOptions: ParsableArguments {
  @Option(
    name: .customLong("trust"),
    help: "A public key (NAME.pub) whose signature you accept. Repeatable; then a valid signature by one is required."
  )
  var trustedKeys: [String] = []

  @Option(
    name: .customLong("tsa-root"),
    help:
      "A root CA certificate (PEM or DER) of timestamp authorities you accept. Repeatable; then a valid timestamp chaining to one is required."
  )
  var tsaRoots: [String] = []

  /// The files read, before any long work, so that a wrong path fails at once.
  func load() throws -> Trust {
    Trust(keys: try trustedKeys.map(loadPublicKey), roots: try tsaRoots.flatMap(loadCertificates))
  }

  struct Trust: Sendable {
    let keys: [PublicSigningKey]
    let roots: [LoadedCertificate]

    /// Every signature and timestamp the bundle carries, checked against what is trusted.
    func provenance(of report: VerificationReport) async -> ProvenanceSummary {
      var provenance = ProvenanceSummary(signaturesOf: report, trusting: keys.isEmpty ? nil : keys)
      provenance.timestamps = await TimestampVerifier(trusting: roots).summaries(of: report)
      return provenance
    }

    /// What the recipient asked for and the bundle does not give.
    func unmet(by provenance: ProvenanceSummary) -> [String] {
      var unmet: [String] = []
      if !keys.isEmpty && !provenance.isSignedByTrustedKey {
        unmet.append("no valid signature by a trusted key (--trust)")
      }
      if !roots.isEmpty && !provenance.isTimestampedByTrustedAuthority {
        unmet.append("no valid timestamp by a trusted authority (--tsa-root)")
      }
      return unmet
    }
  }
}
