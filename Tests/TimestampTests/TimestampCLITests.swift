import ArchiveIO
import ChatBundle
import ChatBundleTestSupport
import ChatBundleTimestamp
import Foundation
import Testing

/// `chatbundle timestamp` and `verify --tsa-root` as a person runs them, against openssl's
/// TSA behind HTTP on 127.0.0.1 or through files.
@Suite(.enabled(if: OpenSSL.available, "openssl is not installed: the TSA of these tests is openssl ts"))
struct TimestampCLITests {
  let pki: TestPKI
  let directory: TemporaryDirectory
  let bundle: String
  let bundleID: String

  init() throws {
    pki = try TestPKI.shared.get()
    directory = try TemporaryDirectory("chatbundle-tsa-cli")
    bundle = directory.file("b.tar.gz")
    let example = repositoryRoot().appendingPathComponent("examples/easemob").path
    let packed = try ChatBundleBinary.run([
      "pack", "--source", "easemob", example + "/export", "--media", example + "/media", "-o", bundle, "-q",
    ])
    guard packed.status == 0, let id = BundleVerifier(path: bundle).verify().bundleID else {
      throw OpenSSL.Failure(description: "pack failed: \(packed.standardError)")
    }
    bundleID = id
  }

  func run(_ arguments: [String]) throws -> ProcessResult { try ChatBundleBinary.run(arguments) }

  func json(_ result: ProcessResult) throws -> JSONObject {
    try #require(try JSONParser.parse(Array(result.standardOutput.utf8)).objectValue)
  }

  @Test func aTimestampFromATSAIsTrustedAtVerifyAndOpenSSLAgrees() async throws {
    let stamped = directory.file("stamped.tar.gz")
    let result = try await TSAServer.serve([pki.good]) { base in
      try run(["timestamp", bundle, "--tsa", base + "/good", "--tsa-root", pki.root.certificate, "-o", stamped])
    }
    #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
    #expect(result.standardOutput.contains("TRUSTED"))
    let report = BundleVerifier(path: stamped).verify()
    #expect(report.isValid && report.bundleID == bundleID)
    #expect(BundleVerifier(path: bundle).verify().attachments.isEmpty, "-o leaves the original as it was")
    guard case .timestamp(let record)? = report.attachments.first else {
      Issue.record("no timestamp attached")
      return
    }
    #expect(record.bundleID == bundleID && !record.certificates.isEmpty)

    let trusted = try run(["verify", stamped, "--tsa-root", pki.root.certificate])
    #expect(trusted.status == 0, "\(trusted.standardOutput)")
    #expect(trusted.standardOutput.contains("timestamp  valid, 20"))
    #expect(trusted.standardOutput.contains("policy 1.2.3.4.1, serial 0x"))
    #expect(trusted.standardOutput.contains("TRUSTED"))
    let object = try json(try run(["verify", stamped, "--tsa-root", pki.root.certificate, "--json"]))
    let stamp = try #require(object["provenance"]?.objectValue?["timestamps"]?.arrayValue?.first?.objectValue)
    #expect(stamp["trusted"]?.boolValue == true && stamp["valid"]?.boolValue == true)
    #expect(stamp["policy"]?.stringValue == "1.2.3.4.1")
    #expect(stamp["time"]?.stringValue?.hasSuffix("Z") == true)
    #expect(stamp["authority"]?.stringValue?.contains("CN=Test TSA good") == true)
    #expect(object["requirements_unmet"]?.arrayValue?.isEmpty == true)

    let wrongRoot = try run(["verify", stamped, "--tsa-root", pki.otherRoot.certificate, "--json"])
    #expect(wrongRoot.status == 1)
    let unmet = try json(wrongRoot)["requirements_unmet"]?.arrayValue?.compactMap(\.stringValue) ?? []
    #expect(unmet.contains { $0.contains("no valid timestamp by a trusted authority") }, "\(unmet)")
    let unchecked = try run(["verify", stamped])
    #expect(unchecked.status == 0 && unchecked.standardOutput.contains("not checked against a root"))
    let unstamped = try run(["verify", bundle, "--tsa-root", pki.root.certificate])
    #expect(unstamped.status == 1 && unstamped.standardOutput.contains("timestamp  no"))

    // The certificate and the site state the timestamp and whether its authority is trusted.
    let certificate = directory.file("certificate.html")
    let certify = try run([
      "certify", stamped, "--tsa-root", pki.root.certificate, "-o", certificate, "--json", directory.file("c.json"),
    ])
    #expect(certify.status == 0, "\(certify.standardError)")
    let page = try String(contentsOfFile: certificate, encoding: .utf8)
    #expect(page.contains("CN=Test TSA good") && page.contains("valid, trusted"), "the timestamp on the certificate")
    let facts = try #require(try JSONParser.parse(readBytes(directory.file("c.json"))).objectValue)
    #expect(facts["provenance"]?.objectValue?["timestamps"]?.arrayValue?.first?.objectValue?["trusted"] == .bool(true))
    let site = directory.file("site")
    let render = try run(["render", stamped, "--tsa-root", pki.root.certificate, "--lang", "en", "-o", site])
    #expect(render.status == 0, "\(render.standardError)")
    let index = try String(contentsOfFile: site + "/index.html", encoding: .utf8)
    #expect(index.contains("timestamp 20") && index.contains("CN=Test TSA good (trusted authority)"), "\(index)")

    // openssl, knowing nothing of chatbundle, accepts the token for the bundle id.
    let tokenFile = try directory.write("token.der", record.token)
    let openssl = try OpenSSL.run([
      "ts", "-verify", "-digest", bundleID, "-token_in", "-in", tokenFile, "-CAfile", pki.root.certificate,
    ])
    #expect(openssl.standardOutput.contains("Verification: OK"), "\(openssl.standardOutput)")
  }

  @Test func aQueryFileAndAReplyFileMakeTheSameTimestamp() throws {
    let query = directory.file("q.tsq")
    let written = try run(["timestamp", bundle, "--query-out", query])
    #expect(written.status == 0, "\(written.standardError)")
    let request = try TimestampRequest(derEncoded: Array(try Data(contentsOf: URL(fileURLWithPath: query))))
    #expect(written.standardOutput.contains("nonce      \(try #require(request.nonceText))"))
    #expect(BundleVerifier(path: bundle).verify().attachments.isEmpty, "--query-out attaches nothing")
    let reply = directory.file("r.tsr")
    try OpenSSL.run(["ts", "-reply", "-config", pki.good.config, "-queryfile", query, "-out", reply])
    // A query of another request: its nonce is not the reply's.
    let otherQuery = directory.file("other.tsq")
    #expect(try run(["timestamp", bundle, "--query-out", otherQuery]).status == 0)
    let mismatch = try run(["timestamp", bundle, "--reply", reply, "--query", otherQuery])
    #expect(mismatch.status == 1 && mismatch.standardError.contains("nonce"), "\(mismatch.standardError)")
    let attached = try run([
      "timestamp", bundle, "--reply", reply, "--query", query, "--tsa-root", pki.root.certificate,
    ])
    #expect(attached.status == 0, "\(attached.standardError)")
    #expect(try run(["verify", bundle, "--tsa-root", pki.root.certificate]).status == 0)
    // A bare token, as `openssl ts -reply -token_out` writes it, is taken as well.
    let token = directory.file("t.der")
    try OpenSSL.run(["ts", "-reply", "-config", pki.good.config, "-queryfile", query, "-token_out", "-out", token])
    #expect(try run(["timestamp", bundle, "--reply", token]).status == 0)
    #expect(BundleVerifier(path: bundle).verify().attachments.count == 2)
  }

  @Test func anIntermediateGivenAtAttachIsKeptForVerify() throws {
    let query = directory.file("q.tsq")
    #expect(try run(["timestamp", bundle, "--query-out", query]).status == 0)
    let reply = directory.file("r.tsr")
    try OpenSSL.run(["ts", "-reply", "-config", pki.viaIntermediateBare.config, "-queryfile", query, "-out", reply])
    let root = pki.root.certificate
    let missing = try run(["timestamp", bundle, "--reply", reply, "--query", query, "--tsa-root", root])
    #expect(missing.status == 1, "without the intermediate there is no chain: \(missing.standardError)")
    let attached = try run([
      "timestamp", bundle, "--reply", reply, "--query", query, "--tsa-root", root, "--tsa-cert",
      pki.intermediate.certificate,
    ])
    #expect(attached.status == 0, "\(attached.standardError)")
    // The record keeps it: verify needs only the root.
    let verified = try run(["verify", bundle, "--tsa-root", root])
    #expect(verified.status == 0 && verified.standardOutput.contains("TRUSTED"), "\(verified.standardOutput)")
  }

  @Test func aReplyForAnotherBundleIsRefusedAndAForeignTokenIsInvalidAtVerify() throws {
    let otherID = TimestampVerificationTests.randomBundleID()
    let query = directory.file("other.tsq")
    try OpenSSL.run(["ts", "-query", "-digest", otherID, "-sha256", "-cert", "-out", query])
    let reply = directory.file("other.tsr")
    try OpenSSL.run(["ts", "-reply", "-config", pki.good.config, "-queryfile", query, "-out", reply])
    let refused = try run(["timestamp", bundle, "--reply", reply])
    #expect(refused.status == 1 && refused.standardError.contains("another bundle"), "\(refused.standardError)")
    #expect(BundleVerifier(path: bundle).verify().attachments.isEmpty)
    // Put in by hand, the token is reported invalid.
    let token = try TimestampResponse.token(fromReplyOrToken: Array(try Data(contentsOf: URL(fileURLWithPath: reply))))
    let record = BundleAttachment.timestamp(TimestampRecord(bundleID: bundleID, token: token, certificates: []))
    var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: bundle)))
    bytes += try GzipAttachment.member(carrying: record.bytes)
    let forged = try directory.write("forged.tar.gz", bytes)
    let strict = try run(["verify", forged, "--tsa-root", pki.root.certificate])
    #expect(strict.status == 1, "\(strict.standardOutput)")
    #expect(strict.standardOutput.contains("timestamp  INVALID"), "\(strict.standardOutput)")
    #expect(strict.standardOutput.contains("for another bundle"))
    let plain = try run(["verify", forged])
    #expect(plain.status == 0 && plain.standardOutput.contains("timestamp  INVALID"))
  }

  @Test func refusalsAndTransportErrorsAttachNothing() async throws {
    let results = try await TSAServer.serve([pki.good]) { base in
      [
        ("nonce", try run(["timestamp", bundle, "--tsa", base + "/good/wrong-nonce"])),
        ("unacceptedPolicy", try run(["timestamp", bundle, "--tsa", base + "/good", "--policy", "1.9.9.9"])),
        ("HTTP 500", try run(["timestamp", bundle, "--tsa", base + "/status/500"])),
        ("Content-Type text/html", try run(["timestamp", bundle, "--tsa", base + "/html"])),
        (
          "no chain from the TSA certificate",
          try run(["timestamp", bundle, "--tsa", base + "/good", "--tsa-root", pki.otherRoot.certificate])
        ),
      ]
    }
    let expectedStatus: [String: Int32] = [
      "nonce": 1, "unacceptedPolicy": 1, "HTTP 500": 2, "Content-Type text/html": 2,
      "no chain from the TSA certificate": 1,
    ]
    for (words, result) in results {
      #expect(result.status == expectedStatus[words], "\(words): \(result.standardError)")
      #expect(result.standardError.contains(words), "\(words): \(result.standardError)")
    }
    let unreachable = try run(["timestamp", bundle, "--tsa", "http://127.0.0.1:9/", "--timeout", "5"])
    #expect(unreachable.status == 2, "\(unreachable.standardError)")
    #expect(BundleVerifier(path: bundle).verify().attachments.isEmpty)
  }
}
