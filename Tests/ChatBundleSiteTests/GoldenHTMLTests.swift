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

  /// The sample's conversations in the chat layout as the site writes them: runs of one
  /// sender's messages under one avatar, and with `perspective`, that user's on the right.
  @Test(arguments: [("layout-grouped", nil), ("layout-perspective-alice", "alice")] as [(String, String?)])
  func theChatLayoutMatchesItsGoldenFile(_ name: String, _ perspective: String?) throws {
    let renderer = try renderer()
    var html = HTML()
    let byConversation = Dictionary(grouping: messages(), by: \.conversation)
    for conversation in byConversation.keys.sorted() {
      var grouping = MessageGrouping(perspective: perspective.map { Identifier($0) })
      html.raw("<section class=\"messages\">\n")
      for message in (byConversation[conversation] ?? []).sorted(by: { $0.timestamp < $1.timestamp }) {
        renderer.render(message, placement: grouping.place(message), into: &html)
      }
      html.raw("</section>\n")
    }
    try compare(html, to: name)
    // The layout holds runs, and the perspective's user is on the right, no one else.
    #expect(html.string.contains(perspective == nil ? " cont\"" : " cont mine\""))
    #expect(html.string.contains(" mine\"") == (perspective != nil))
  }

  func compare(_ html: HTML, to name: String) throws {
    let file = Self.directory.appendingPathComponent("\(name).html")
    if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1" {
      try Data(html.bytes).write(to: file)
      Issue.record("recorded \(file.lastPathComponent); unset RECORD_GOLDEN and run again")
      return
    }
    let golden = try String(contentsOf: file, encoding: .utf8)
    #expect(html.string == golden, "rendered HTML differs from Golden/\(name).html")
  }

  @Test func initialsAreOneIdeographOrTwoLetters() {
    #expect(MessageRenderer.initials(of: "王芳老师（班主任）") == "王")
    #expect(MessageRenderer.initials(of: "Emily Zhang（张一诺妈妈）") == "EZ")
    #expect(MessageRenderer.initials(of: "bob") == "B")
    #expect(MessageRenderer.initials(of: "  ") == "?")
    #expect(MessageRenderer.initials(of: "<b>Carol</b>") == "BC")
  }

  @Test(arguments: MessageKind.allCases)
  func eachKindMatchesItsGoldenFile(_ kind: MessageKind) throws {
    let renderer = try renderer()
    let matching = messages().filter { $0.kind == kind }
    #expect(!matching.isEmpty)
    var html = HTML()
    for message in matching { renderer.render(message, into: &html) }
    try compare(html, to: kind.rawValue)
  }
}
