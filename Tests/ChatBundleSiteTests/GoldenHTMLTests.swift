import ChatBundle
import ChatBundleTestSupport
import Foundation
import Testing

@testable import ChatBundleSite

/// Pins the HTML of each message kind. Run with RECORD_GOLDEN=1 to rewrite the files after a
/// deliberate change, then read the diff before committing it.
@Suite struct GoldenHTMLTests {
  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

  func renderer() throws -> MessageRenderer {
    let clock = try #require(LocalClock(identifier: "Asia/Shanghai"))
    var renderer = MessageRenderer(people: SampleBundle.people, clock: clock, strings: SiteStrings(language: .en))
    for (key, bytes) in SampleBundle.mediaFiles {
      renderer.mediaNames[SHA256Digest.hex(of: bytes)] = SHA256Digest.hex(of: bytes) + "." + key.prefix(3)
    }
    return renderer
  }

  /// The sample's messages with their media resolved as the packer would.
  func messages() -> [Message] {
    SampleBundle.messages(withRedactionMarker: true).map { pair in
      var message = pair.0
      message.updateMediaReferences { _, reference in
        if let key = reference.sourceReference, let bytes = SampleBundle.mediaFiles[key] {
          reference.sha256 = SHA256Digest.hex(of: bytes)
          reference.size = Int64(bytes.count)
        } else {
          reference.missing = "not_found"
        }
      }
      return message
    }
  }

  @Test(arguments: MessageKind.allCases)
  func eachKindMatchesItsGoldenFile(_ kind: MessageKind) throws {
    let renderer = try renderer()
    let matching = messages().filter { $0.kind == kind }
    #expect(!matching.isEmpty)
    var html = HTML()
    for message in matching { renderer.render(message, into: &html) }
    let file = Self.directory.appendingPathComponent("\(kind.rawValue).html")
    if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1" {
      try Data(html.bytes).write(to: file)
      Issue.record("recorded \(file.lastPathComponent); unset RECORD_GOLDEN and run again")
      return
    }
    let golden = try String(contentsOf: file, encoding: .utf8)
    #expect(html.string == golden, "\(kind.rawValue): rendered HTML differs from Golden/\(kind.rawValue).html")
  }
}
