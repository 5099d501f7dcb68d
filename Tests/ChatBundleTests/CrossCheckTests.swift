import ChatBundle
import ChatBundleTestSupport
import Foundation
import Testing

/// The cross-checks between the derived indexes and what the conversation files hold are
/// exact. An earlier verifier compared sums of truncated per-line digests, and a
/// generalised-birthday search could make a forged index's sum equal the real one; each
/// bundle here is forged with everything else made consistent (as that search would leave
/// it), so only an exact comparison can refuse it.
@Suite struct CrossCheckTests {
  func verify(_ bundle: FixtureBundle) throws -> VerificationReport {
    let directory = try TemporaryDirectory()
    return BundleVerifier(path: try directory.write("forged.tar.gz", bundle.gzipped())).verify()
  }

  /// The message-id index line of every message of every conversation file.
  func derivedIndexLines(_ bundle: FixtureBundle) throws -> [(Identifier, [UInt8])] {
    var lines: [(Identifier, [UInt8])] = []
    for conversation in bundle.manifest.conversations {
      for (number, line) in (bundle.bytes(of: conversation.path) ?? []).split(separator: 0x0A).enumerated() {
        let message = try Message(json: JSONParser.parse(Array(line)))
        lines.append(
          (
            message.id,
            ConversationStatistics.messageIndexLine(
              id: message.id, conversation: conversation.id, line: Int64(number + 1))
          ))
      }
    }
    return lines
  }

  func setMessageIndex(_ lines: [(Identifier, [UInt8])], in bundle: inout FixtureBundle) {
    bundle.replace(BundleLayout.messageIndex, with: lines.sorted { $0.0 < $1.0 }.flatMap(\.1))
    bundle.reseal()
  }

  @Test func aMessageIdStoredInTwoConversationsIsRefused() throws {
    var bundle = try FixtureBundle.sample()
    let source = try #require(bundle.manifest.conversations.first { $0.messageCount > 1 })
    let target = try #require(bundle.manifest.conversations.first { $0.id != source.id })
    let firstLine = try #require((bundle.bytes(of: source.path) ?? []).split(separator: 0x0A).first)
    var copy = try Message(json: JSONParser.parse(Array(firstLine)))
    copy.conversation = target.id
    copy.timestamp = target.lastTimestamp + 1
    bundle.replace(target.path, with: (bundle.bytes(of: target.path) ?? []) + copy.line())
    try bundle.rederiveConversationFacts()
    // The index holds one line per id, as many lines as there are messages, in order: the
    // copy's id once, and a made-up id to make up the count.
    var lines = try derivedIndexLines(bundle)
    lines.removeAll { $0.0 == copy.id && $0.1.contains(Array(target.id.text.utf8)) }
    lines.append(
      ("zz-forged", ConversationStatistics.messageIndexLine(id: "zz-forged", conversation: source.id, line: 1)))
    setMessageIndex(lines, in: &bundle)
    let report = try verify(bundle)
    #expect(!report.isValid)
    #expect(
      report.issues.contains { $0.code == .duplicateMessageID && $0.message.contains(copy.id.text) },
      "\(report.issues.map(\.description))")
  }

  @Test func anIndexWithTheRightCountButOtherLinesIsRefused() throws {
    var bundle = try FixtureBundle.sample()
    try bundle.rederiveConversationFacts()
    var lines = try derivedIndexLines(bundle)
    // One message is left out of the index and an id no file holds takes its place.
    lines.removeFirst()
    lines.append(
      ("zz-forged", ConversationStatistics.messageIndexLine(id: "zz-forged", conversation: "group:g1", line: 1)))
    setMessageIndex(lines, in: &bundle)
    let report = try verify(bundle)
    #expect(!report.isValid)
    #expect(report.issues.contains { $0.code == .indexMismatch && $0.path == BundleLayout.messageIndex })
    // The same set of lines in the right order is accepted, so the check itself is sound.
    var honest = try FixtureBundle.sample()
    try honest.rederiveConversationFacts()
    setMessageIndex(try derivedIndexLines(honest), in: &honest)
    #expect(try verify(honest).isValid)
  }

  @Test func aMissingListWithTheRightCountButOtherEntriesIsRefused() throws {
    var bundle = try FixtureBundle.sample()
    let entry = try #require(bundle.manifest.missing.first)
    // Same length, each field plausible, but the entry names another place in its message.
    bundle.manifest.missing[0].field = entry.field == "media" ? "thumbnail" : "media"
    let report = try verify(bundle)
    #expect(!report.isValid)
    #expect(report.issues.contains { $0.code == .missingListMismatch })
  }

  @Test func idsThatAreCanonicallyEquivalentStayTwoConversations() throws {
    let directory = try TemporaryDirectory()
    let output = directory.file("accents.tar.gz")
    let builder = try BundleBuilder(options: PackOptions(platform: "test", timeZone: "UTC"), outputPath: output)
    let input = builder.addInput(name: "in", size: 0, sha256: String(repeating: "0", count: 64), records: 0)
    let composed = ConversationInfo(id: "group:caf\u{E9}", kind: .group, sourceID: "caf\u{E9}")
    let decomposed = ConversationInfo(id: "group:cafe\u{301}", kind: .group, sourceID: "cafe\u{301}")
    for (line, conversation) in [composed, decomposed].enumerated() {
      let message = Message.test(
        Identifier("m\(line)"), in: conversation.id, at: 1000, from: "caf\u{E9}", .text("hello \(line)"))
      try builder.add(message, conversation: conversation, input: input, line: Int64(line + 1))
    }
    let summary = try builder.finish(outputPath: output)
    #expect(summary.conversations == 2, "pack merged two different ids")
    let (collector, report) = BundleCollector.read(output)
    #expect(report.isValid, "\(report.issues.map(\.description))")
    #expect(Set(collector.messages.map(\.conversation)).count == 2)

    // A message filed under the other one's file is caught, not taken for equal.
    var bundle = try FixtureBundle.load(output)
    let path = try #require(bundle.manifest.conversations.first { $0.id == composed.id }?.path)
    // Replaced as bytes: Foundation's string search would take the two forms for one.
    let from = Array("\"conversation\":\"group:caf\u{E9}\"".utf8)
    let to = Array("\"conversation\":\"group:cafe\u{301}\"".utf8)
    bundle.editLines(path) { lines in
      guard
        let start = (0...(lines[0].count - from.count)).first(where: {
          lines[0][$0..<$0 + from.count].elementsEqual(from)
        })
      else { return }
      lines[0].replaceSubrange(start..<start + from.count, with: to)
    }
    bundle.reseal()
    let forged = try verify(bundle)
    #expect(forged.issues.contains { $0.code == .conversationMismatch }, "\(forged.issues.map(\.description))")
  }
}
