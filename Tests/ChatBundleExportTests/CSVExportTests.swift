import ChatBundle
import ChatBundleExport
import ChatBundleTestSupport
import Foundation
import Testing

/// A strict RFC 4180 reader, independent of the writer: quoted fields may hold commas,
/// doubled quotes, CR and LF; records end with CRLF.
func parseCSV(_ bytes: [UInt8]) throws -> [[String]] {
  struct Malformed: Error { var at: Int }
  var records: [[String]] = []
  var record: [String] = []
  var field: [UInt8] = []
  var index = 0
  var quoted = false
  var afterQuote = false
  while index < bytes.count {
    let byte = bytes[index]
    if quoted {
      if byte == 0x22 {
        if index + 1 < bytes.count && bytes[index + 1] == 0x22 {
          field.append(0x22)
          index += 1
        } else {
          quoted = false
          afterQuote = true
        }
      } else {
        field.append(byte)
      }
    } else if byte == 0x22 {
      guard field.isEmpty, !afterQuote else { throw Malformed(at: index) }
      quoted = true
    } else if byte == 0x2C {
      record.append(String(decoding: field, as: UTF8.self))
      field = []
      afterQuote = false
    } else if byte == 0x0D {
      guard index + 1 < bytes.count, bytes[index + 1] == 0x0A else { throw Malformed(at: index) }
      record.append(String(decoding: field, as: UTF8.self))
      records.append(record)
      record = []
      field = []
      afterQuote = false
      index += 1
    } else {
      guard !afterQuote, byte != 0x0A else { throw Malformed(at: index) }
      field.append(byte)
    }
    index += 1
  }
  guard !quoted, field.isEmpty, record.isEmpty else { throw Malformed(at: index) }
  return records
}

/// Reads an exported CSV file: checks the BOM and returns the records as dictionaries.
func readExportedCSV(_ path: String) throws -> (header: [String], rows: [[String: String]]) {
  let bytes = try readBytes(path)
  #expect(Array(bytes.prefix(3)) == CSV.byteOrderMark, "\(path) starts with a UTF-8 byte order mark")
  let records = try parseCSV(Array(bytes.dropFirst(3)))
  let header = try #require(records.first)
  let rows = records.dropFirst().map { record in
    Dictionary(uniqueKeysWithValues: zip(header, record).map { ($0, $1) })
  }
  for record in records { #expect(record.count == header.count) }
  return (header, rows)
}

/// Builds a bundle of text messages with the given texts, one conversation per entry.
func packTexts(
  _ texts: [(ConversationInfo, Identifier?, String, Int64)], to output: String,
  people: [Identifier: String] = [:]
) throws {
  var options = PackOptions(platform: "test", timeZone: "Asia/Shanghai")
  options.people = people
  let builder = try BundleBuilder(options: options, outputPath: output)
  let input = builder.addInput(name: "texts.ndjson", size: 0, sha256: String(repeating: "0", count: 64), records: 0)
  for (index, item) in texts.enumerated() {
    let message = Message.test(
      Identifier("t\(index)"), in: item.0.id, at: item.3, from: item.1, .text(item.2), raw: .object(JSONObject()))
    try builder.add(message, conversation: item.0, input: input, line: Int64(index + 1))
  }
  _ = try builder.finish(outputPath: output)
}

@Suite struct CSVExportTests {
  static let hostile = [
    "plain", "a,b", "say \"hi\"", "line1\r\nline2\nline3", "=1+1", "+SUM(A1:A2)", "-2", "@cmd",
    "\tindented", "\rcarriage", "你好，世界。“引号”", "🙂 emoji, and 'quotes'", "=HYPERLINK(\"http://x\",\"y\")", "",
  ]

  @Test func hostileTextRoundTripsThroughAnRFC4180Reader() throws {
    let directory = try TemporaryDirectory()
    let group = ConversationInfo(id: "group:g", kind: .group, sourceID: "g")
    let start: Int64 = 1_741_568_400_000  // 2025-03-10T01:00:00Z
    try packTexts(
      Self.hostile.enumerated().map { (group, Optional("u,1"), $1, start + Int64($0) * 1000) },
      to: directory.file("b.tar.gz"), people: ["u,1": "=名字\"x\""])
    let summary = try CSVExporter.export(bundle: directory.file("b.tar.gz"), to: directory.file("csv"))
    #expect(summary.messages == Int64(Self.hostile.count) && summary.conversations == 1)
    #expect(summary.timeZone == "Asia/Shanghai")
    let file = try #require(BundleLayout.conversationPath(id: group.id).split(separator: "/").last?.prefix(24))
    let (header, rows) = try readExportedCSV(directory.file("csv/\(file).csv"))
    #expect(header == CSVExporter.messageHeader)
    #expect(rows.count == Self.hostile.count)
    for (row, text) in zip(rows, Self.hostile) {
      let expected = CSV.needsFormulaGuard(text) ? "'" + text : text
      #expect(row["text"] == expected)
      #expect(row["sender_id"] == "u,1")
      #expect(row["sender_name"] == "'=名字\"x\"")
    }
    #expect(rows[0]["time"] == "2025-03-10 09:00:00" && rows[0]["utc_offset"] == "UTC+08:00")
    #expect(rows[0]["time_utc"] == "2025-03-10T01:00:00Z")
    // Every record ends with CRLF; LF alone appears only inside quoted fields.
    let bytes = try readBytes(directory.file("csv/\(file).csv"))
    #expect(bytes.suffix(2) == [0x0D, 0x0A])
  }

  @Test func timesAreInTheGivenZoneAcrossADaylightSavingChange() throws {
    let directory = try TemporaryDirectory()
    let direct = ConversationInfo(id: "chat:a:b", kind: .direct, participants: ["a", "b"])
    // 2025-03-09T06:59:59Z is 01:59:59 EST; an hour later is 03:59:59 EDT.
    try packTexts(
      [(direct, "a", "before", 1_741_503_599_000), (direct, "b", "after", 1_741_507_199_000)],
      to: directory.file("b.tar.gz"))
    let summary = try CSVExporter.export(
      bundle: directory.file("b.tar.gz"), to: directory.file("csv"),
      options: CSVExportOptions(timeZone: "America/New_York"))
    #expect(summary.timeZone == "America/New_York")
    let file = BundleLayout.conversationPath(id: direct.id).dropFirst("conversations/".count).prefix(24)
    let rows = try readExportedCSV(directory.file("csv/\(file).csv")).rows
    #expect(rows.map { $0["time"] } == ["2025-03-09 01:59:59", "2025-03-09 03:59:59"])
    #expect(rows.map { $0["utc_offset"] } == ["UTC-05:00", "UTC-04:00"])
    let index = try readExportedCSV(directory.file("csv/index.csv"))
    #expect(index.header == CSVExporter.indexHeader)
    #expect(index.rows.count == 1)
    #expect(index.rows[0]["file"] == "\(file).csv" && index.rows[0]["conversation_id"] == "chat:a:b")
    #expect(index.rows[0]["first_time"] == "2025-03-09T01:59:59-05:00")
    #expect(index.rows[0]["last_time"] == "2025-03-09T03:59:59-04:00")
    #expect(index.rows[0]["kind"] == "direct" && index.rows[0]["messages"] == "2")
    #expect(index.rows[0]["members"] == "a; b")
  }

  @Test func everyKindHasAReadableCell() throws {
    let directory = try TemporaryDirectory()
    let (_, messages) = try SampleBundle.pack(to: directory.file("sample.tar.gz"))
    let summary = try CSVExporter.export(bundle: directory.file("sample.tar.gz"), to: directory.file("csv"))
    #expect(summary.messages == Int64(messages.count))
    var rows: [String: [String: String]] = [:]
    let index = try readExportedCSV(directory.file("csv/index.csv")).rows
    #expect(index.count == 3)
    for entry in index {
      let file = try #require(entry["file"])
      #expect(file.count == 28 && file.hasSuffix(".csv"))
      for row in try readExportedCSV(directory.file("csv/" + file)).rows { rows[row["message_id"] ?? ""] = row }
    }
    #expect(rows.count == messages.count)
    let image = try #require(messages.first { $0.id == "m-image" }?.contentMembers.media?.sha256)
    #expect(rows["m-image"]?["media"] == "media/\(image.prefix(2))/\(image)")
    #expect(rows["m-image"]?["text"] == "photo.png")
    #expect(rows["m-audio"]?["text"] == "voice.amr (3 s)")
    #expect(rows["m-file"]?["media"] == "missing: not_found")
    #expect(rows["m-location"]?["text"] == "西城区西便门桥  (39.9053, 116.36302)")
    #expect(rows["m-custom"]?["text"] == "gift_1: name=flower; price=100")
    #expect(rows["m-command"]?["text"] == "run")
    #expect(rows["m-recall"]?["text"] == "recalled: m-file")
    #expect(rows["m-joined"]?["text"] == "joined: dave, erin")
    #expect(rows["m-notice"]?["text"] == "群公告：周五春游" && rows["m-notice"]?["sender_id"] == "")
    #expect(rows["m-unknown"]?["text"] == "(future_type)")
    #expect(rows["m-merged"]?["text"]?.hasPrefix("聊天记录\n:yyuu\n:[图片]\n") == true)
    #expect(rows["m-merged"]?["text"]?.contains("> Alice 爱丽丝: forwarded") == true)
    #expect(rows["966475220900644861"]?["reply_to"] == "966475220900644860")
    #expect(rows["966475220900644860"]?["sender_name"] == "Alice 爱丽丝")
    #expect(rows["m-parts"]?["text"] == "see attached\nsecond.png\nand more")
    let group = try #require(index.first { $0["conversation_id"] == "group:g1" })
    #expect(group["name"] == "三年级二班" && group["kind"] == "group")
  }

  @Test func anInvalidBundleIsRefusedAndLeavesNothing() throws {
    let directory = try TemporaryDirectory()
    var fixture = try FixtureBundle.sample()
    let path = try #require(fixture.files.first { $0.path.hasPrefix("conversations/") }?.path)
    // One byte more in a message line: the entry no longer matches the manifest's digest.
    fixture.editLines(path) { lines in lines[0].append(0x20) }
    try directory.write("bad.tar.gz", try fixture.gzipped())
    let before = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    #expect {
      try CSVExporter.export(bundle: directory.file("bad.tar.gz"), to: directory.file("csv"))
    } throws: { error in
      guard case .invalidBundle(let report) = error as? ExportError else { return false }
      return !report.isValid
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == before)
  }

  @Test func theOutputIsByteIdenticalAcrossRunsAndForceReplacesOnlyAnEarlierExport() throws {
    let directory = try TemporaryDirectory()
    try SampleBundle.pack(to: directory.file("sample.tar.gz"))
    try CSVExporter.export(bundle: directory.file("sample.tar.gz"), to: directory.file("a"))
    try CSVExporter.export(bundle: directory.file("sample.tar.gz"), to: directory.file("b"))
    let names = try FileManager.default.contentsOfDirectory(atPath: directory.file("a")).sorted()
    #expect(names == (try FileManager.default.contentsOfDirectory(atPath: directory.file("b")).sorted()))
    for name in names { #expect(try readBytes(directory.file("a/" + name)) == readBytes(directory.file("b/" + name))) }

    #expect(throws: ExportError.self) {
      try CSVExporter.export(bundle: directory.file("sample.tar.gz"), to: directory.file("a"))
    }
    try CSVExporter.export(
      bundle: directory.file("sample.tar.gz"), to: directory.file("a"), options: CSVExportOptions(force: true))
    try directory.write("other/notes.txt", "keep me")
    #expect(throws: ExportError.self) {
      try CSVExporter.export(
        bundle: directory.file("sample.tar.gz"), to: directory.file("other"), options: CSVExportOptions(force: true))
    }
    #expect(FileManager.default.fileExists(atPath: directory.file("other/notes.txt")))
  }
}

@Suite struct CSVAnnotationTests {
  @Test func annotationsHaveColumnsOfTheirOwn() throws {
    let directory = try TemporaryDirectory()
    try AnnotatedBundle.pack(to: directory.file("a.tar.gz"))
    let summary = try CSVExporter.export(bundle: directory.file("a.tar.gz"), to: directory.file("csv"))
    #expect(summary.conversations == 1)
    let files = try FileManager.default.contentsOfDirectory(atPath: directory.file("csv")).filter { $0 != "index.csv" }
    let table = try readExportedCSV(directory.file("csv/" + (files.first ?? "")))
    #expect(table.header == CSVExporter.messageHeader)
    var rows: [String: [String: String]] = [:]
    for row in table.rows { rows[row["message_id"] ?? ""] = row }
    #expect(rows["root"]?["edited"] == "2025-03-10 09:01:30")
    #expect(rows["root"]?["reactions"] == "👍 3 (Bob, Carol); partyparrot 1")
    #expect(rows["root"]?["pinned"] == "yes")
    #expect(rows["reply"]?["thread_root"] == "root")
    #expect(rows["bot"]?["sender_bot"] == "yes" && rows["bot"]?["sender_name"] == "Homework Bot")
    #expect(rows["forward"]?["forwarded_from"] == "School office")
    #expect(rows["rev"]?["edit_of"] == "broadcast")
    #expect(rows["reply"]?["edited"] == "" && rows["reply"]?["reactions"] == "")
  }
}
