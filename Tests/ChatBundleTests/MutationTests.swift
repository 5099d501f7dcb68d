import ArchiveIO
import ChatBundle
import ChatBundleTestSupport
import Foundation
import Testing

/// Flips bytes of a valid bundle, in the spirit of libarchive's test_fuzz: verify must never
/// crash or hang, and must never call a bundle valid, under the id its sender announced,
/// unless what it holds is unchanged. (A change to the manifest alone yields a valid bundle
/// with a different id: the id is what a recipient compares, so that is detection too.)
@Suite struct MutationTests {
  /// Everything a reader sees: entry names and their bytes, in order.
  func content(_ path: String) -> [(String, [UInt8])]? {
    guard let reader = try? TarGzReader(path: path) else { return nil }
    var entries: [(String, [UInt8])] = []
    do {
      while let header = try reader.nextEntry() {
        var bytes: [UInt8] = []
        try reader.readData { bytes.append(contentsOf: $0) }
        entries.append((header.path ?? "?", bytes))
      }
    } catch {
      return nil
    }
    return entries
  }

  @Test(arguments: [false, true])
  func thousandsOfByteFlipsNeverPassDamage(flipInsideTheTar: Bool) throws {
    let directory = try TemporaryDirectory()
    let sample = try FixtureBundle.sample()
    let original = flipInsideTheTar ? sample.tar().bytes : try sample.gzipped()
    let originalID = SHA256Digest.hex(of: sample.manifest.serialized())
    let originalPath = try directory.write("original.tar.gz", sample.gzipped())
    let originalContent = try #require(content(originalPath))
    var generator = SplitMix64(seed: flipInsideTheTar ? 0x7A4 : 0x5EED_C0DE)
    var validCount = 0
    var detected = 0
    let started = Date()
    for round in 0..<1200 {
      var bytes = original
      // One to four flips: single bytes anywhere, sometimes a burst.
      for _ in 0..<(1 + Int(generator.next() % 4)) {
        let index = Int(generator.next() % UInt64(bytes.count))
        bytes[index] ^= UInt8(1 + generator.next() % 255)
      }
      if flipInsideTheTar { bytes = try GzipDeflater.compress(bytes, level: 1) }
      let path = try directory.write("m\(round % 4).tar.gz", bytes)
      let roundStart = Date()
      let report = BundleVerifier(path: path).verify()
      #expect(Date().timeIntervalSince(roundStart) < 10, "round \(round) took too long")
      if !report.isValid || report.bundleID != originalID { detected += 1 }
      if report.isValid && report.bundleID == originalID {
        validCount += 1
        // Acceptable only if the bundle still says exactly the same thing: a flip in the
        // gzip header's time stamp or OS byte, or in tar padding, which nothing reads.
        let mutated = try #require(content(path))
        #expect(mutated.map(\.0) == originalContent.map(\.0), "round \(round): entries changed yet valid")
        #expect(mutated.map(\.1) == originalContent.map(\.1), "round \(round): bytes changed yet valid")
      }
    }
    #expect(detected > 1000, "only \(detected) of 1200 mutations were detected")
    #expect(Date().timeIntervalSince(started) < 600)
  }

  @Test func truncationAtEveryHundredthByteIsInvalid() throws {
    let directory = try TemporaryDirectory()
    let original = try FixtureBundle.sample().gzipped()
    for cut in stride(from: 0, to: original.count, by: max(1, original.count / 100)) {
      let path = try directory.write("cut.tar.gz", Array(original[..<cut]))
      let report = BundleVerifier(path: path).verify()
      #expect(!report.isValid, "cut at \(cut) of \(original.count)")
    }
  }
}
