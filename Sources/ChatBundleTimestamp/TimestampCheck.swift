import ChatBundle
import X509

/// What checking one timestamp token found: what it says, whether its signature and its
/// signer are sound (`valid`), and whether its signer chains to a root the recipient named
/// at genTime (`trusted`, nil when no root was named).
public struct TimestampCheck: Sendable {
  public var token: TimestampToken?
  /// The TSA's certificate, found among the token's and the record's.
  public var signer: Certificate?
  /// The token verifies for this bundle id: imprint, nonce, CMS signature, ESS binding, EKU.
  public var valid = false
  public var trusted: Bool?
  /// The first thing that failed, in the order of spec/timestamps.md.
  public var problem: String?
  /// When trusted: the validated chain, the TSA's certificate first, as DER.
  public var chain: [[UInt8]] = []

  public init() {}

  /// The token's info, when it could be read.
  public var info: TSTInfo? { token?.info }

  /// The TSA's name: the token's `tsa` field, else the signer certificate's subject.
  public var authority: String? { info?.tsaText ?? signer.map { $0.subject.description } }

  public var summary: ProvenanceSummary.Timestamp {
    ProvenanceSummary.Timestamp(
      time: info?.genTime.milliseconds, authority: authority, valid: valid, trusted: trusted, problem: problem,
      timeText: info?.genTime.text, policy: info?.policy.description, serialNumber: info?.serialText)
  }
}
