import ChatBundle
import ChatBundleExport
import ChatBundleTestSupport
import Foundation
import Testing

/// Inspects every `.rsmf` of an export: the structural check, then the JSON Schema when
/// python3's jsonschema and the schema are here.
func checkRSMFDirectory(_ path: String, _ label: String) throws -> [(name: String, file: RSMFInspection)] {
  let (files, problems, schemaChecked) = try RSMFInspection.check(directory: path)
  #expect(problems == [], "\(label)")
  if !schemaChecked {
    print("RSMF schema check skipped: needs ../shared/reference/rsmf/rsmf_schema_2_0_0.json and python3 jsonschema")
  }
  return files
}

private func custom(_ event: JSONObject, _ name: String) -> String? {
  event["custom"]?.arrayValue?.compactMap(\.objectValue).first { $0["name"]?.stringValue == name }?["value"]?
    .stringValue
}

private func event(_ files: [(name: String, file: RSMFInspection)], id: String) -> JSONObject? {
  files.lazy.flatMap(\.file.events).first { $0["id"]?.stringValue == id }
}

@Suite struct RSMFExportTests {
  @Test func theSampleBundleMapsEveryKindAndValidates() throws {
    let directory = try TemporaryDirectory()
    try SampleBundle.pack(to: directory.file("s.tar.gz"))
    let summary = try RSMFExport.export(bundle: directory.file("s.tar.gz"), to: directory.file("rsmf"))
    #expect(summary.conversations == 3 && summary.files == 3 && summary.messages == 16)
    let files = try checkRSMFDirectory(directory.file("rsmf"), "sample")
    // Membership: one event per person, of RSMF's own types.
    let joins = files.flatMap(\.file.events).filter { $0["type"]?.stringValue == "join" }
    #expect(joins.compactMap { $0["participant"]?.stringValue } == ["dave", "erin"])
    #expect(event(files, id: "m-left")?["type"] == .string("leave"))
    // The recalled message is marked deleted, and the recall is an event of its own.
    #expect(event(files, id: "m-file")?["deleted"] == .bool(true))
    #expect(event(files, id: "m-recall").flatMap { custom($0, "recalled_message") } == "m-file")
    // Missing media is a note with the reason, never an attachment.
    let missing = try #require(event(files, id: "m-file"))
    #expect(missing["attachments"] == nil)
    #expect(custom(missing, "missing_media")?.hasSuffix("(not_found)") == true)
    // The reply's parent resolves; a video has its file and its poster.
    #expect(event(files, id: "966475220900644861")?["parent"] == .string("966475220900644860"))
    #expect(event(files, id: "m-video")?["attachments"]?.arrayValue?.count == 2)
    #expect(event(files, id: "m-notice")?["type"] == .string("history"))
    #expect(event(files, id: "m-command")?["type"] == .string("unknown"))
    let merged = try #require(event(files, id: "m-merged")?["body"]?.stringValue)
    #expect(merged.contains("> ") && merged.contains("forwarded") && merged.contains("deep"))
    #expect(event(files, id: "m-custom").flatMap { custom($0, "field:price") } == "100")
    // The direct chat's participants are its two parties; a channel's are its members.
    let direct = try #require(files.first { $0.file.header("X-RSMF-ConversationId") == "chat:alice:bob" })
    let conversation = try #require(direct.file.manifest["conversations"]?.arrayValue?.first?.objectValue)
    #expect(conversation["type"] == .string("direct"))
    #expect(conversation["participants"] == .array([.string("alice"), .string("bob")]))
    // The text body lists the events, readable, with the Chinese as it is.
    let group = try #require(files.first { $0.file.header("X-RSMF-ConversationId") == "group:g1" })
    #expect(group.file.text.contains("Alice 爱丽丝: 早上好"))
    #expect(group.file.header("Subject")?.hasPrefix("三年级二班") == true)
    #expect(group.file.header("X-RSMF-BundleId") == summary.bundleID)
    // The report says what was approximated, by reason.
    let report = try #require(try JSONParser.parse(readBytes(summary.report)).objectValue)
    let reasons = report["approximations"]?.arrayValue?.compactMap { $0.objectValue?["reason"]?.stringValue } ?? []
    for reason in ["merged_as_text", "location_as_text", "missing_media:not_found", "recall_as_history"] {
      #expect(reasons.contains(reason), "\(reason)")
    }
    #expect(report["files"]?.arrayValue?.count == 3)
  }

  @Test func annotationsBecomeEditsReactionsAndParents() throws {
    let directory = try TemporaryDirectory()
    try AnnotatedBundle.pack(to: directory.file("a.tar.gz"))
    try RSMFExport.export(bundle: directory.file("a.tar.gz"), to: directory.file("rsmf"))
    let files = try checkRSMFDirectory(directory.file("rsmf"), "annotated")
    let root = try #require(event(files, id: "root"))
    let edit = try #require(root["edits"]?.arrayValue?.first?.objectValue)
    #expect(edit["previous"] == .string("Field trip on Thursday?") && edit["new"] == .string("Field trip on Friday?"))
    let reactions = root["reactions"]?.arrayValue?.compactMap(\.objectValue) ?? []
    #expect(reactions.map { $0["value"] } == [.string("+1"), .string("partyparrot")])
    #expect(reactions.first?["participants"] == .array([.string("bob"), .string("carol")]))
    #expect(event(files, id: "reply")?["parent"] == .string("root"))
    #expect(event(files, id: "broadcast").flatMap { custom($0, "thread_broadcast") } == "yes")
    // The revision record is a message, and its original gets the edit.
    let broadcast = try #require(event(files, id: "broadcast"))
    #expect(broadcast["edits"]?.arrayValue?.first?.objectValue?["new"] == .string("Bring lunch and water"))
    #expect(event(files, id: "bot").flatMap { custom($0, "sender_bot") } == "yes")
    #expect(event(files, id: "forward").flatMap { custom($0, "forwarded_from") } == "School office")
  }

  @Test func slicesAreLocalDaysOrPartsAndMaxEventsSplits() throws {
    let directory = try TemporaryDirectory()
    let group = ConversationInfo(id: "group:g", kind: .group, sourceID: "g")
    // Asia/Shanghai is UTC+8: 2025-03-10T00:00+08:00 is 2025-03-09T16:00Z.
    let midnight: Int64 = 1_741_536_000_000
    let hours: [Int64] = [1, 2, 7, 9, 11, 13, 17, 23, 25, 26]
    try packTexts(
      hours.enumerated().map {
        (group, Identifier?(Identifier("u\($0.offset % 3)")), "message \($0.offset)", midnight + $0.element * 3_600_000)
      },
      to: directory.file("b.tar.gz"))
    func names(_ options: RSMFExportOptions, _ label: String) throws -> [String] {
      let summary = try RSMFExport.export(
        bundle: directory.file("b.tar.gz"), to: directory.file(label), options: options)
      let files = try checkRSMFDirectory(directory.file(label), label)
      #expect(files.reduce(0) { $0 + $1.file.events.count } == hours.count)
      #expect(Set(files.map { $0.file.header("X-RSMF-EventCollectionID") }).count == 1)
      #expect(summary.files == files.count)
      return files.map { String($0.name.dropFirst(25)) }
    }
    #expect(try names(RSMFExportOptions(), "day") == ["20250310T0000.rsmf", "20250311T0000.rsmf"])
    #expect(
      try names(RSMFExportOptions(slice: .twelveHours), "12h") == [
        "20250310T0000.rsmf", "20250310T1200.rsmf", "20250311T0000.rsmf",
      ])
    #expect(
      try names(RSMFExportOptions(slice: .eightHours), "8h") == [
        "20250310T0000.rsmf", "20250310T0800.rsmf", "20250310T1600.rsmf", "20250311T0000.rsmf",
      ])
    #expect(
      try names(RSMFExportOptions(maximumEvents: 3), "max") == [
        "20250310T0000-2.rsmf", "20250310T0000-3.rsmf", "20250310T0000.rsmf", "20250311T0000.rsmf",
      ])
    // Another zone cuts other days: in UTC the first two messages are on the 9th.
    #expect(
      try names(RSMFExportOptions(timeZone: "UTC"), "utc") == ["20250309T0000.rsmf", "20250310T0000.rsmf"])
    let max = try RSMFInspection.directory(directory.file("max")).map { $0.file.events.count }
    #expect(max == [3, 2, 3, 2])
  }

  @Test func aLargeFileSplitsBySizeAndAFileTooLargeIsANote() throws {
    let directory = try TemporaryDirectory()
    var options = PackOptions(platform: "test", timeZone: "UTC")
    options.people = ["u": "U"]
    let builder = try BundleBuilder(options: options, outputPath: directory.file("b.tar.gz"))
    let input = builder.addInput(name: "in", size: 0, sha256: String(repeating: "0", count: 64), records: 0)
    let group = ConversationInfo(id: "group:g", kind: .group, sourceID: "g")
    var generator = SplitMix64(seed: 7)
    for (index, size) in [400_000, 400_000, 400_000, 2_000_000].enumerated() {
      let bytes = (0..<size).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
      let path = try directory.write("f\(index).bin", bytes)
      let stored = try builder.storeMedia(localPath: path, name: "f\(index).bin")
      let reference = MediaReference(
        sha256: stored.sha256, size: stored.size, name: "f\(index).bin", mediaType: stored.mediaType)
      let message = Message.test(
        Identifier("m\(index)"), in: group.id, at: 1_741_568_400_000 + Int64(index) * 1000, from: "u",
        .media(MediaContent(.file, reference: reference)), raw: .object(JSONObject()))
      try builder.add(message, conversation: group, input: input, line: Int64(index + 1))
    }
    _ = try builder.finish(outputPath: directory.file("b.tar.gz"))
    var export = RSMFExportOptions()
    export.maximumFileBytes = 1 << 20
    let summary = try RSMFExport.export(bundle: directory.file("b.tar.gz"), to: directory.file("rsmf"), options: export)
    let files = try checkRSMFDirectory(directory.file("rsmf"), "size")
    #expect(files.count == 3, "\(files.map(\.name))")
    for (name, _) in files {
      let size = try readBytes(directory.file("rsmf/" + name)).count
      #expect(size < 1 << 20, "\(name) is \(size) bytes")
    }
    #expect(event(files, id: "m3").flatMap { custom($0, "attachment_not_included") } != nil)
    #expect(summary.approximations.contains { $0.reason == "attachment_too_large" && $0.count == 1 })
  }

  @Test func hostileNamesAndTextsCannotBreakTheMessage() throws {
    let directory = try TemporaryDirectory()
    let group = ConversationInfo(id: "group:g", kind: .group, sourceID: "g")
    let texts = [
      "line\r\nBcc: victim@example.com", "--=_chatbundle_0000\r\n--", "=?UTF-8?B?QQ==?=", "nul\u{0}cr\ronly",
      String(repeating: "长", count: 3000), "🙂 trailing space ", ".\r\n.\r\n", "",
    ]
    try packTexts(
      texts.enumerated().map { (group, Identifier?("u"), $0.element, 1_741_568_400_000 + Int64($0.offset) * 1000) },
      to: directory.file("b.tar.gz"), people: ["g": "Evil\r\nBcc: x@example.com", "u": "=?UTF-8?B?QQ==?= Mal\r\n"])
    try RSMFExport.export(bundle: directory.file("b.tar.gz"), to: directory.file("rsmf"))
    let files = try checkRSMFDirectory(directory.file("rsmf"), "hostile")
    let file = try #require(files.first?.file)
    #expect(!file.headers.contains { $0.name.lowercased() == "bcc" })
    #expect(file.header("Subject") == "Evil\r\nBcc: x@example.com 2025-03-10")
    #expect(file.header("From") == "=?UTF-8?B?QQ==?= Mal\r\n <>")
    #expect(file.events.compactMap { $0["body"]?.stringValue } == texts)
    #expect(file.text.contains("长长长") && file.text.contains("=?UTF-8?B?QQ==?="))
    // Every line of the file is within RFC 5322's limit and ends in CRLF.
    let raw = try readBytes(directory.file("rsmf/" + (files.first?.name ?? "")))
    let lines = raw.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast()
    #expect(lines.allSatisfy { $0.count <= 998 && $0.last == 0x0D })
    #expect(!raw.contains(0x00))
  }

  @Test func theSameBundleGivesTheSameBytes() throws {
    let directory = try TemporaryDirectory()
    try SampleBundle.pack(to: directory.file("s.tar.gz"))
    try RSMFExport.export(bundle: directory.file("s.tar.gz"), to: directory.file("a"))
    try RSMFExport.export(bundle: directory.file("s.tar.gz"), to: directory.file("b"))
    let names = try FileManager.default.contentsOfDirectory(atPath: directory.file("a")).sorted()
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.file("b")).sorted() == names)
    for name in names {
      #expect(try readBytes(directory.file("a/" + name)) == readBytes(directory.file("b/" + name)), "\(name)")
    }
  }

  @Test func anInvalidBundleWritesNothing() throws {
    let directory = try TemporaryDirectory()
    var bundle = try FixtureBundle.sample()
    bundle.manifest.totals.messages += 1
    try directory.write("bad.tar.gz", try bundle.gzipped())
    #expect(throws: ExportError.self) {
      try RSMFExport.export(bundle: directory.file("bad.tar.gz"), to: directory.file("rsmf"))
    }
    let left = try FileManager.default.contentsOfDirectory(atPath: directory.path)
    #expect(left == ["bad.tar.gz"], "no files and no scratch are left")
  }

  @Test func forceReplacesOnlyAnEarlierRSMFExport() throws {
    let directory = try TemporaryDirectory()
    try AnnotatedBundle.pack(to: directory.file("a.tar.gz"))
    try RSMFExport.export(bundle: directory.file("a.tar.gz"), to: directory.file("rsmf"))
    #expect(throws: ExportError.self) {
      try RSMFExport.export(bundle: directory.file("a.tar.gz"), to: directory.file("rsmf"))
    }
    try RSMFExport.export(
      bundle: directory.file("a.tar.gz"), to: directory.file("rsmf"), options: RSMFExportOptions(force: true))
    try directory.write("rsmf/notes.txt", "mine")
    #expect(throws: ExportError.self) {
      try RSMFExport.export(
        bundle: directory.file("a.tar.gz"), to: directory.file("rsmf"), options: RSMFExportOptions(force: true))
    }
    #expect(FileManager.default.fileExists(atPath: directory.file("rsmf/notes.txt")))
  }
}
