import ArchiveIO
import ChatBundle
import ChatBundleTestSupport
import Foundation
import Testing

/// Keys, signing while packing and afterwards, and `verify --trust`: what a recipient who
/// pinned a key can rely on.
@Suite struct SignatureTests {
  let example = repositoryRoot().appendingPathComponent("examples/easemob").path

  func makeKey(_ name: String, in directory: TemporaryDirectory) throws -> (key: String, pub: String) {
    let result = try ChatBundleBinary.run(["key", "new", "-o", directory.file(name), "--name", "key " + name])
    #expect(result.status == 0, "\(result.standardError)")
    return (directory.file(name + ".key"), directory.file(name + ".pub"))
  }

  func pack(to output: String, signing keys: [String] = []) throws -> ProcessResult {
    try ChatBundleBinary.run(
      ["pack", "--source", "easemob", example + "/export", "--media", example + "/media", "-o", output, "-q"]
        + keys.flatMap { ["--sign", $0] })
  }

  func verify(_ bundle: String, trusting keys: [String] = []) throws -> ProcessResult {
    try ChatBundleBinary.run(["verify", bundle] + keys.flatMap { ["--trust", $0] })
  }

  @Test func keysAreWrittenOnceWithTheirFingerprint() throws {
    let directory = try TemporaryDirectory()
    let result = try ChatBundleBinary.run(["key", "new", "-o", directory.file("office")])
    #expect(result.status == 0)
    let privateMode = try FileManager.default.attributesOfItem(atPath: directory.file("office.key"))[.posixPermissions]
    #expect((privateMode as? NSNumber)?.intValue == 0o600)
    let publicText = try String(contentsOfFile: directory.file("office.pub"), encoding: .utf8)
    let key = try PublicSigningKey(fileText: publicText, path: "office.pub")
    #expect(result.standardOutput.contains(key.groupedFingerprint))
    #expect(!result.standardOutput.contains(try String(contentsOfFile: directory.file("office.key"), encoding: .utf8)))
    let again = try ChatBundleBinary.run(["key", "new", "-o", directory.file("office")])
    #expect(again.status != 0, "a key must never be overwritten")
    // A public key file whose fingerprint line was altered is refused.
    try directory.write("forged.pub", publicText.replacingOccurrences(of: "fingerprint: ", with: "fingerprint: 0"))
    #expect(throws: ProvenanceError.self) {
      try PublicSigningKey(fileText: String(contentsOfFile: directory.file("forged.pub"), encoding: .utf8), path: "x")
    }
  }

  @Test func aSignedBundleVerifiesOnlyAgainstItsKey() throws {
    let directory = try TemporaryDirectory()
    let office = try makeKey("office", in: directory)
    let other = try makeKey("other", in: directory)
    let signed = directory.file("signed.tar.gz")
    let packed = try pack(to: signed, signing: [office.key])
    #expect(packed.status == 0, "\(packed.standardError)")
    #expect(try verify(signed, trusting: [office.pub]).status == 0)
    let wrongKey = try verify(signed, trusting: [other.pub])
    #expect(wrongKey.status == 1 && wrongKey.standardOutput.contains("no valid signature by a trusted key"))
    #expect(try verify(signed).status == 0, "without --trust a signed bundle is just valid")
    let unsigned = directory.file("unsigned.tar.gz")
    #expect(try pack(to: unsigned).status == 0)
    let plain = try verify(unsigned)
    #expect(plain.status == 0 && plain.standardOutput.contains("signed     no"))
    #expect(try verify(unsigned, trusting: [office.pub]).status == 1)
    // Tar and gzip tools read a signed bundle as they read any other.
    let listing = try runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["tar", "-tzf", signed])
    let plainListing = try runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["tar", "-tzf", unsigned])
    #expect(listing.status == 0 && listing.standardOutput == plainListing.standardOutput)
  }

  @Test func aBundleEditedAndResealedFailsVerifyTrust() throws {
    let directory = try TemporaryDirectory()
    let office = try makeKey("office", in: directory)
    let signed = directory.file("signed.tar.gz")
    #expect(try pack(to: signed, signing: [office.key]).status == 0)
    let original = BundleVerifier(path: signed).verify()
    // A forger changes a message and recomputes every digest, the indexes and the
    // manifest, and keeps the signature that came with the bundle.
    var bundle = try FixtureBundle.load(signed)
    let path = try #require(bundle.conversationPaths.first)
    bundle.editLines(path) { lines in
      lines[0] = Array(
        String(decoding: lines[0], as: UTF8.self).replacingOccurrences(of: "\"text\":\"", with: "\"text\":\"FORGED ")
          .utf8)
    }
    try bundle.rederiveConversationFacts()
    var forged = try bundle.gzipped()
    for attachment in original.attachments { forged += try GzipAttachment.member(carrying: attachment.bytes) }
    let forgedPath = try directory.write("forged.tar.gz", forged)
    let plain = try verify(forgedPath)
    #expect(plain.status == 0, "the forgery is self-consistent: \(plain.standardOutput)")
    #expect(plain.standardOutput.contains("signature  INVALID"), "\(plain.standardOutput)")
    #expect(try verify(forgedPath, trusting: [office.pub]).status == 1)
  }

  @Test func twoSignersAndTheBundleIdStays() throws {
    let directory = try TemporaryDirectory()
    let exporter = try makeKey("exporter", in: directory)
    let approver = try makeKey("approver", in: directory)
    let bundle = directory.file("b.tar.gz")
    #expect(try pack(to: bundle, signing: [exporter.key]).status == 0)
    let before = BundleVerifier(path: bundle).verify()
    let copy = directory.file("approved.tar.gz")
    let signed = try ChatBundleBinary.run(["sign", bundle, "--key", approver.key, "-o", copy])
    #expect(signed.status == 0, "\(signed.standardError)")
    // -o leaves the original as it was.
    #expect(BundleVerifier(path: bundle).verify().attachments.count == 1)
    let after = BundleVerifier(path: copy).verify()
    #expect(after.isValid && after.bundleID == before.bundleID)
    #expect(after.attachments.count == 2)
    #expect(try verify(copy, trusting: [exporter.pub]).status == 0)
    #expect(try verify(copy, trusting: [approver.pub]).status == 0)
    // In place, through a temporary file.
    #expect(try ChatBundleBinary.run(["sign", bundle, "--key", approver.key]).status == 0)
    #expect(BundleVerifier(path: bundle).verify().bundleID == before.bundleID)
  }

  @Test func anInvalidBundleIsNotSigned() throws {
    let directory = try TemporaryDirectory()
    let office = try makeKey("office", in: directory)
    let bundle = directory.file("b.tar.gz")
    #expect(try pack(to: bundle).status == 0)
    var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: bundle)))
    bytes.removeLast(bytes.count / 3)
    try directory.write("cut.tar.gz", bytes)
    let result = try ChatBundleBinary.run(["sign", directory.file("cut.tar.gz"), "--key", office.key])
    #expect(result.status == 1 && result.standardError.contains("was not signed"))
    #expect(Array(try Data(contentsOf: URL(fileURLWithPath: directory.file("cut.tar.gz")))) == bytes)
  }
}
