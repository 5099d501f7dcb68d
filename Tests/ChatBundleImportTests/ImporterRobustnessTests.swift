import ArchiveIO
import ChatBundle
import ChatBundleImport
import ChatBundleTestSupport
import Foundation
import Testing

/// Damaged and random export files: the importer must end in a clear error or a valid
/// bundle, never in a crash, a hang or an invalid bundle.
@Suite struct ImporterRobustnessTests {
  static let example = repositoryRoot().appendingPathComponent("examples/easemob/export")

  func attempt(_ name: String, _ bytes: [UInt8], skipInvalid: Bool) throws -> Bool? {
    let directory = try TemporaryDirectory()
    let path = try directory.write(name, bytes)
    var options = PackOptions(platform: "easemob", timeZone: "Asia/Shanghai")
    options.skipInvalid = skipInvalid
    options.maximumSkipped = 1_000_000
    let output = directory.file("out.tar.gz")
    do {
      let builder = try BundleBuilder(options: options, outputPath: output)
      try EasemobImporter(builder: builder, mediaDirectory: nil).importFile(path)
      _ = try builder.finish(outputPath: output)
    } catch is ImportError {
      return nil
    } catch is ChatBundleError {
      return nil
    }
    return BundleVerifier(path: output).verify().isValid
  }

  @Test(arguments: ["2025031009.gz", "2025031010.jsonl", "2025031011.json"])
  func mutatedExportsFailCleanlyOrPackValid(_ name: String) throws {
    let original = try readBytes(Self.example.appendingPathComponent(name).path)
    var random = RandomMessages(seed: UInt64(name.utf8.count) * 7919)
    var errors = 0
    for round in 0..<150 {
      var bytes = original
      for _ in 0..<random.int(1...6) {
        let index = random.int(0...(bytes.count - 1))
        bytes[index] =
          random.chance(50)
          ? bytes[index] ^ UInt8(random.int(1...255)) : [0x22, 0x7B, 0x7D, 0x5C, 0x0A, 0x2C][random.int(0...5)]
      }
      if random.chance(20) { bytes.removeLast(random.int(1...min(200, bytes.count - 1))) }
      for skip in [false, true] {
        let outcome = try attempt(name, bytes, skipInvalid: skip)
        if let valid = outcome {
          #expect(valid, "\(name) round \(round): packed a bundle that does not verify")
        } else {
          errors += 1
        }
      }
    }
    #expect(errors > 0, "no mutation of \(name) was ever refused")
  }

  @Test func randomBytesAreRefusedWithAnError() throws {
    var random = RandomMessages(seed: 42)
    for _ in 0..<100 {
      let bytes = (0..<random.int(0...4000)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
      #expect(try attempt("noise.jsonl", bytes, skipInvalid: false) != false)
    }
  }
}
