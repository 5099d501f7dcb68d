import ChatBundle
import ChatBundleTestSupport
import Foundation
import Testing

@testable import ChatBundleSite

/// A recalled message and its tombstone: shown marked by default, hidden with
/// `hideRecalled` (no text, no attachment name, no media file, no search entry).
@Suite struct RecallRenderingTests {
  /// A group where bob sends a photo and a text, then recalls both; carol's text stays.
  func packRecalls(to path: String) throws {
    let scratch = try TemporaryDirectory("recall-media")
    let photo = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array("secret photo".utf8)
    try scratch.write("photo.png", photo)
    let builder = try BundleBuilder(
      options: PackOptions(platform: "test", timeZone: "Asia/Shanghai"), outputPath: path)
    let input = builder.addInput(name: "in.ndjson", size: 0, sha256: String(repeating: "0", count: 64), records: 0)
    let group = ConversationInfo(id: "group:g1", kind: .group, sourceID: "g1")
    func message(_ id: Identifier, _ body: MessageBody, _ sender: Identifier, _ minute: Int64) -> Message {
      Message.test(
        id, in: group.id, at: 1_741_568_400_000 + minute * 60_000, from: sender, body,
        raw: .object(JSONObject(["id": .string(id.text)])))
    }
    let stored = try builder.storeMedia(localPath: scratch.file("photo.png"), name: "holiday-secret.png")
    let photoReference = MediaReference(sha256: stored.sha256, size: stored.size, name: "holiday-secret.png")
    let image = message("p1", .media(MediaContent(.image, reference: photoReference)), "bob", 1)
    let text = message("t1", .text("the password is swordfish"), "bob", 2)
    let kept = message("t2", .text("lunch at noon"), "carol", 3)
    let recallImage = message("r1", .recall(target: "p1"), "bob", 4)
    let recallText = message("r2", .recall(target: "t1"), "bob", 5)
    for (line, item) in [image, text, kept, recallImage, recallText].enumerated() {
      try builder.add(item, conversation: group, input: input, line: Int64(line + 1))
    }
    _ = try builder.finish(outputPath: path)
  }

  func render(hide: Bool) async throws -> (TemporaryDirectory, String) {
    let directory = try TemporaryDirectory()
    try packRecalls(to: directory.file("r.tar.gz"))
    var options = RenderOptions()
    options.language = .en
    options.hideRecalled = hide
    _ = try await SiteGenerator.render(bundle: directory.file("r.tar.gz"), to: directory.file("site"), options: options)
    var all = ""
    for case let relative as String in FileManager.default.enumerator(atPath: directory.file("site"))?.allObjects ?? []
    where relative.hasSuffix(".html") || relative.hasSuffix(".js") {
      all += try String(contentsOfFile: directory.file("site") + "/" + relative, encoding: .utf8)
    }
    return (directory, all)
  }

  @Test func theScannerFindsEachTombstoneAheadOfThePass() async throws {
    let directory = try TemporaryDirectory()
    try packRecalls(to: directory.file("r.tar.gz"))
    let notices = try RecallScanner.scan(path: directory.file("r.tar.gz"))
    #expect(notices.count == 2)
    #expect(notices["t1"] == RecallNotice(id: "r2", target: "t1", by: "bob", timestamp: 1_741_568_700_000))
    try SampleBundle.pack(to: directory.file("s.tar.gz"))
    #expect(try RecallScanner.scan(path: directory.file("s.tar.gz")).keys.sorted() == ["m-file"])
  }

  @Test func recalledMessagesAreShownMarkedWithWhoAndWhen() async throws {
    let (_, all) = try await render(hide: false)
    #expect(all.contains("the password is swordfish"))
    // t1 follows bob's photo a minute later: it continues his run, and is marked recalled.
    #expect(all.contains("class=\"msg kind-text cont recalled\" id=\"m-t1\""))
    #expect(
      all.contains("<p class=\"recall-note\"><a href=\"2025-03.html#m-r2\">Recalled by bob · 2025-03-10 09:05:00"))
    #expect(all.contains("holiday-secret.png"))
  }

  @Test func hidingRecalledLeavesOnlyTombstones() async throws {
    let (directory, all) = try await render(hide: true)
    #expect(!all.contains("swordfish"), "the text is neither on a page nor in the search index")
    #expect(!all.contains("holiday-secret"), "nor the attachment's name")
    #expect(all.contains("lunch at noon"), "messages that were not recalled stay")
    #expect(all.contains("<div class=\"sys recalled-hidden\" id=\"m-t1\">"))
    #expect(all.contains("class=\"sys kind-recall\" id=\"m-r2\""))
    let media = try FileManager.default.contentsOfDirectory(atPath: directory.file("site/media"))
    #expect(media.isEmpty, "the recalled photo's file is not copied")
  }

  @Test func mergedRecordsNestUpToTheLimitThenShowAMarker() async throws {
    let clock = try #require(LocalClock(identifier: "UTC"))
    let renderer = MessageRenderer(people: [:], clock: clock, strings: SiteStrings(language: .en))
    func nested(_ depth: Int) -> MergedRecord {
      let body: MessageBody = depth > 1 ? .merged(nested(depth - 1)) : .text("level \(depth) text")
      return MergedRecord(
        title: "record \(depth)", summary: nil, level: nil, items: [MessagePart(body, sender: Identifier("u\(depth)"))])
    }
    func html(_ depth: Int) -> String {
      let message = Message.test("x", in: "group:g", at: 0, from: "a", .merged(nested(depth)))
      var out = HTML()
      renderer.render(message, into: &out)
      return out.string
    }
    let three = html(3)
    #expect(three.contains("level 1 text") && three.contains("record 1") && three.contains("record 3"))
    #expect(!three.contains("not shown here"))
    let deep = html(40)
    #expect(deep.contains("record 34") && !deep.contains("record 33"), "six levels of items, then the marker")
    #expect(deep.contains("Further nested records are not shown here"))
    #expect(!deep.contains("level 1 text"))
  }
}
