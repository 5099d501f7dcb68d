import ChatBundle
import ChatBundleTestSupport
import Foundation
import Testing

@Suite struct BundleRoundTripTests {
  func readBack(_ path: String) -> (VerificationReport, BundleCollector) {
    let (delegate, report) = BundleCollector.read(path)
    return (report, delegate)
  }

  @Test func everyKindPacksVerifiesAndReadsBackEqual() throws {
    let directory = try TemporaryDirectory()
    let output = directory.file("sample.tar.gz")
    let (summary, written) = try SampleBundle.pack(to: output, withRedactionMarker: true)
    let (report, delegate) = readBack(output)
    #expect(report.isValid, "\(report.issues)")
    #expect(report.bundleID == summary.bundleID)
    // Every kind of the model is in the sample, and comes back field for field.
    #expect(Set(written.map(\.kind)) == Set(MessageKind.allCases))
    let sortKey: (Message) -> String = {
      "\($0.conversation)\u{1}\(String(format: "%020lld", $0.timestamp))\u{1}\($0.id)"
    }
    #expect(delegate.messages == written.sorted { sortKey($0) < sortKey($1) })
    #expect(delegate.messages.map(\.id) == delegate.messages.sorted { sortKey($0) < sortKey($1) }.map(\.id))
    // Media come back byte for byte, stored once although png-1 is used three times.
    #expect(delegate.media.count == SampleBundle.mediaFiles.count)
    for bytes in SampleBundle.mediaFiles.values {
      #expect(delegate.media[SHA256Digest.hex(of: bytes)] == bytes)
    }
    #expect(delegate.people["alice"] == "Alice 爱丽丝")
    #expect(delegate.people["g1"] == nil, "a group's name goes on the conversation, not in people")
    #expect(report.manifest?.conversations.first { $0.id == "group:g1" }?.name == "三年级二班")
    // The raw record keeps a uint64 beyond 2^63 and a float literal exactly.
    let raw = String(decoding: JSONWriter.serialize(delegate.messages[0].source.raw), as: UTF8.self)
    #expect(raw.contains("\"big\":11101571002822706744") && raw.contains("\"lat\":39.9053"))
  }

  @Test func missingMediaIsListedWithItsReason() throws {
    let directory = try TemporaryDirectory()
    let (summary, _) = try SampleBundle.pack(to: directory.file("s.tar.gz"))
    let (report, _) = readBack(directory.file("s.tar.gz"))
    #expect(summary.missing == 1)
    let missing = try #require(report.manifest?.missing.first)
    #expect(missing.message == "m-file" && missing.field == "media" && missing.reason == "not_found")
    #expect(missing.name == "../../etc/passwd")
    #expect(report.manifest?.totals.missing == 1)
  }

  @Test func inputOrderDoesNotChangeTheBytes() throws {
    let directory = try TemporaryDirectory()
    let count = SampleBundle.messages().count
    try SampleBundle.pack(to: directory.file("a.tar.gz"))
    try SampleBundle.pack(to: directory.file("b.tar.gz"), order: Array((0..<count).reversed()))
    #expect(try readBytes(directory.file("a.tar.gz")) == readBytes(directory.file("b.tar.gz")))
  }

  @Test func spillingSortsGiveTheSameBundleAsInMemory() throws {
    let directory = try TemporaryDirectory()
    try SampleBundle.pack(to: directory.file("memory.tar.gz"))
    var options = PackOptions(platform: "test", timeZone: "Asia/Shanghai")
    options.people = SampleBundle.people
    options.sortMemoryBytes = 1024  // forces a run file every few records
    try SampleBundle.pack(to: directory.file("spilled.tar.gz"), options: options)
    #expect(try readBytes(directory.file("memory.tar.gz")) == readBytes(directory.file("spilled.tar.gz")))
  }

  @Test func scopeFiltersAreAppliedAndRecorded() throws {
    let directory = try TemporaryDirectory()
    var options = PackOptions(platform: "test", timeZone: "UTC")
    options.scope = ExportScope(conversations: ["g1"], members: ["alice"])
    let (summary, written) = try SampleBundle.pack(to: directory.file("s.tar.gz"), options: options)
    #expect(written.allSatisfy { $0.conversation == "group:g1" && $0.sender == "alice" })
    #expect(summary.messages == Int64(written.count) && summary.filtered > 0)
    let (report, _) = readBack(directory.file("s.tar.gz"))
    #expect(report.isValid)
    #expect(report.manifest?.scope == ExportScope(conversations: ["g1"], members: ["alice"]))
  }

  @Test func conflictingDuplicatesFailUnlessTheFirstIsKept() throws {
    let directory = try TemporaryDirectory()
    func pack(keepFirst: Bool) throws -> PackSummary {
      var options = PackOptions(platform: "test", timeZone: "UTC")
      options.keepFirstDuplicate = keepFirst
      let builder = try BundleBuilder(options: options, outputPath: directory.file("d-\(keepFirst).tar.gz"))
      let input = builder.addInput(name: "in.ndjson", size: 0, sha256: String(repeating: "0", count: 64), records: 0)
      let first = Message.test("1", in: "group:g", at: 5, from: "a", .text("one"))
      var second = first
      second.body = .text("two")
      let group = ConversationInfo(id: "group:g", kind: .group, sourceID: "g")
      try builder.add(second, conversation: group, input: input, line: 2)
      try builder.add(first, conversation: group, input: input, line: 1)
      try builder.add(first, conversation: group, input: input, line: 3)
      return try builder.finish(outputPath: directory.file("d-\(keepFirst).tar.gz"))
    }
    #expect(throws: ChatBundleError.self) { try pack(keepFirst: false) }
    // The failed pack left neither a partial bundle nor its scratch files.
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == [])
    let kept = try pack(keepFirst: true)
    #expect(kept.messages == 1 && kept.duplicates == 1 && kept.skipped == 1)
    let (delegate, report) = BundleCollector.read(directory.file("d-true.tar.gz"))
    #expect(report.isValid)
    // "First" means first by input and line, not first added.
    #expect(delegate.messages.first?.body.text == "one")
  }
}
