import ChatBundleTestSupport
import Foundation
import Synchronization

/// Certificate authorities and TSAs made with openssl in a temporary directory: a root, a
/// second root nobody trusts, and TSA certificates of several kinds, each with the openssl
/// `ts` configuration that makes it answer requests.
final class TestPKI: Sendable {
  let directory: TemporaryDirectory
  let root: CA
  let otherRoot: CA
  /// RSA, signingCertificateV2 (SHA-256), valid for a year.
  let good: TSA
  /// EC P-256, signingCertificate (ESSCertID, SHA-1).
  let sha1ESS: TSA
  /// Valid from tomorrow.
  let notYetValid: TSA
  /// Expired yesterday.
  let expired: TSA
  /// An intermediate CA under `root`, and a TSA under it whose tokens carry it…
  let intermediate: CA
  let viaIntermediate: TSA
  /// …and one whose tokens carry only the TSA's own certificate.
  let viaIntermediateBare: TSA

  /// Made once for all the tests that need it.
  static let shared: Result<TestPKI, any Error> = Result { try TestPKI() }

  struct CA: Sendable {
    let name: String
    let certificate: String
    let key: String
  }

  /// openssl ts keeps its serial in a file, which two requests at once would both write.
  private static let replyLock = Mutex(())

  struct TSA: Sendable {
    let name: String
    let certificate: String
    let key: String
    let config: String

    /// openssl's reply to `query` (DER).
    func reply(to query: [UInt8], in directory: TemporaryDirectory) throws -> [UInt8] {
      let label = UUID().uuidString
      let queryFile = try directory.write("\(label).tsq", query)
      let replyFile = directory.file("\(label).tsr")
      try TestPKI.replyLock.withLock { _ in
        _ = try OpenSSL.run(["ts", "-reply", "-config", config, "-queryfile", queryFile, "-out", replyFile])
      }
      return Array(try Data(contentsOf: URL(fileURLWithPath: replyFile)))
    }
  }

  init() throws {
    directory = try TemporaryDirectory("chatbundle-pki")
    let now = Date()
    root = try Self.makeRoot("Test Root CA", in: directory)
    otherRoot = try Self.makeRoot("Other Root CA", in: directory)
    good = try Self.issueTSA("good", by: root, in: directory)
    sha1ESS = try Self.issueTSA("sha1", by: root, key: .ec, ess: "sha1", in: directory)
    notYetValid = try Self.issueTSA(
      "notyet", by: root, from: now.addingTimeInterval(86_400), until: now.addingTimeInterval(2 * 86_400), in: directory
    )
    expired = try Self.issueTSA(
      "expired", by: root, from: now.addingTimeInterval(-2 * 86_400), until: now.addingTimeInterval(-86_400),
      in: directory)
    intermediate = try Self.issueCA("Test Intermediate CA", by: root, in: directory)
    viaIntermediate = try Self.issueTSA("chained", by: intermediate, carrying: intermediate, in: directory)
    viaIntermediateBare = try Self.issueTSA("chainedbare", by: intermediate, in: directory)
  }

  /// An intermediate CA issued by `ca`.
  static func issueCA(_ name: String, by ca: CA, in directory: TemporaryDirectory) throws -> CA {
    let (certificate, key) = try issue(
      subject: "/CN=\(name)/O=chatbundle tests", by: ca, key: .ec,
      extensions: [
        "basicConstraints=critical,CA:TRUE", "keyUsage=critical,keyCertSign,cRLSign", "subjectKeyIdentifier=hash",
        "authorityKeyIdentifier=keyid",
      ], from: Date().addingTimeInterval(-3600), until: Date().addingTimeInterval(365 * 86_400), in: directory)
    return CA(name: name, certificate: certificate, key: key)
  }

  static func makeRoot(_ name: String, in directory: TemporaryDirectory) throws -> CA {
    let label = name.replacingOccurrences(of: " ", with: "-")
    let key = directory.file("\(label).key")
    let certificate = directory.file("\(label).pem")
    try OpenSSL.run([
      "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out",
      certificate, "-days", "3650", "-subj", "/CN=\(name)/O=chatbundle tests",
      "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    ])
    return CA(name: name, certificate: certificate, key: key)
  }

  enum KeyKind { case rsa, ec }

  /// A TSA certificate issued by `ca` for [from, until], with `usage` as its extended key
  /// usage line, and the openssl ts configuration to answer with it; `carrying` is put in
  /// every token beside the TSA's certificate.
  static func issueTSA(
    _ name: String, by ca: CA, key kind: KeyKind = .rsa, ess: String = "sha256",
    usage: String = "critical,timeStamping", from: Date = Date().addingTimeInterval(-3600),
    until: Date = Date().addingTimeInterval(365 * 86_400), carrying chain: CA? = nil,
    in directory: TemporaryDirectory
  ) throws -> TSA {
    let extensions =
      [
        "basicConstraints=CA:FALSE", "keyUsage=critical,digitalSignature", "subjectKeyIdentifier=hash",
        "authorityKeyIdentifier=keyid",
      ] + (usage.isEmpty ? [] : ["extendedKeyUsage=\(usage)"])
    let (certificate, key) = try issue(
      subject: "/CN=Test TSA \(name)/O=chatbundle tests", by: ca, key: kind, extensions: extensions, from: from,
      until: until, in: directory)
    let home = (certificate as NSString).deletingLastPathComponent
    try "01\n".write(toFile: home + "/tsaserial", atomically: true, encoding: .utf8)
    let config = """
      [ tsa ]
      default_tsa = this_tsa
      [ this_tsa ]
      serial = \(home)/tsaserial
      crypto_device = builtin
      signer_cert = \(certificate)
      signer_key = \(key)
      signer_digest = sha256
      default_policy = 1.2.3.4.1
      other_policies = 1.2.3.4.5
      digests = sha256, sha384, sha512
      accuracy = secs:1, millisecs:500, microsecs:100
      clock_precision_digits = 3
      ordering = no
      tsa_name = yes
      ess_cert_id_chain = no
      ess_cert_id_alg = \(ess)
      \(chain.map { "certs = \($0.certificate)" } ?? "")

      """
    try config.write(toFile: home + "/tsa.cnf", atomically: true, encoding: .utf8)
    return TSA(name: name, certificate: certificate, key: key, config: home + "/tsa.cnf")
  }

  /// A certificate for `subject` issued by `ca` with `openssl ca`, and its key.
  static func issue(
    subject: String, by ca: CA, key kind: KeyKind, extensions: [String], from: Date, until: Date,
    in directory: TemporaryDirectory
  ) throws -> (certificate: String, key: String) {
    let home = directory.file("issued-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(atPath: home + "/newcerts", withIntermediateDirectories: true)
    let key = home + "/cert.key"
    let request = home + "/cert.csr"
    let certificate = home + "/cert.pem"
    let keyOptions =
      kind == .rsa ? ["-newkey", "rsa:2048"] : ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]
    try OpenSSL.run(["req"] + keyOptions + ["-nodes", "-keyout", key, "-out", request, "-subj", subject])
    try extensions.joined(separator: "\n").appending("\n").write(
      toFile: home + "/cert.ext", atomically: true, encoding: .utf8)
    // Each issue with a database of its own and a random serial: tests issue in parallel.
    _ = FileManager.default.createFile(atPath: home + "/index.txt", contents: Data())
    let serial = (0..<16).map { index in
      String(format: "%02X", UInt8.random(in: 0...255) & (index == 0 ? 0x7F : 0xFF))
    }
    try (serial.joined() + "\n").write(toFile: home + "/serial", atomically: true, encoding: .utf8)
    let caConfig = """
      [ ca ]
      default_ca = issuer
      [ issuer ]
      database = \(home)/index.txt
      new_certs_dir = \(home)/newcerts
      serial = \(home)/serial
      default_md = sha256
      policy = anything
      unique_subject = no
      [ anything ]
      commonName = supplied
      organizationName = optional

      """
    try caConfig.write(toFile: home + "/ca.cnf", atomically: true, encoding: .utf8)
    try OpenSSL.run([
      "ca", "-batch", "-notext", "-config", home + "/ca.cnf", "-cert", ca.certificate, "-keyfile", ca.key, "-in",
      request, "-out", certificate, "-startdate", OpenSSL.date(from), "-enddate", OpenSSL.date(until), "-extfile",
      home + "/cert.ext",
    ])
    return (certificate, key)
  }
}
