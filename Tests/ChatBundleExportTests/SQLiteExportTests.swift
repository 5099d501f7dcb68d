import ChatBundle
import ChatBundleExport
import ChatBundleTestSupport
import Crypto
import Foundation
import Testing

@testable import ChatBundleExport

/// `export sqlite`, queried with Debian's sqlite3 as an analyst would.
@Suite(.serialized) struct SQLiteExportTests {
  @Test func everyMessageMemberOfTheSpecHasAColumn() throws {
    let schema = repositoryRoot().appendingPathComponent("spec/schemas/message.schema.json")
    let object = try JSONSerialization.jsonObject(with: Data(contentsOf: schema)) as? [String: Any]
    let properties = try #require(object?["properties"] as? [String: Any])
    let columns = Set(DatabaseSchema.messages.columns.map(\.name))
    #expect(Set(properties.keys).subtracting(columns).isEmpty, "members without a column")
    #expect(columns.subtracting(properties.keys) == ["seq", "ts_utc", "summary"], "the only derived columns")
  }

  @Test(.enabled(if: SQLite3.available, "needs sqlite3"))
  func theDatabaseHoldsTheBundleAndItsFullTextFindsChineseAndEnglish() throws {
    let directory = try TemporaryDirectory()
    let bundle = directory.file("s.tar.gz")
    let (_, messages) = try SampleBundle.pack(to: bundle)
    let database = directory.file("s.sqlite")
    let summary = try SQLiteExport.export(bundle: bundle, to: database, media: .blob)
    #expect(summary.messages == Int64(messages.count))
    let (collector, report) = BundleCollector.read(bundle)
    let manifest = try #require(report.manifest)
    #expect(try SQLite3.query(database, "SELECT count(*) FROM messages") == ["\(collector.messages.count)"])
    #expect(try SQLite3.query(database, "SELECT count(*) FROM conversations") == ["\(manifest.conversations.count)"])
    #expect(try SQLite3.query(database, "SELECT count(*) FROM people") == ["\(collector.people.count)"])
    #expect(try SQLite3.query(database, "SELECT count(*) FROM missing_media") == ["\(manifest.missing.count)"])
    #expect(try SQLite3.query(database, "PRAGMA integrity_check") == ["ok"])
    #expect(try SQLite3.query(database, "PRAGMA foreign_key_check") == [])
    #expect(try SQLite3.query(database, "SELECT bundle_id FROM bundle") == [summary.bundleID])
    // Each message's columns are its members: the id, time, sender and the raw record.
    let rows = try SQLite3.query(
      database,
      "SELECT id, ts, coalesce(sender, ''), kind, json_extract(source, '$.platform') FROM messages ORDER BY seq")
    #expect(
      rows.sorted()
        == collector.messages.map { "\($0.id.text)|\($0.timestamp)|\($0.sender?.text ?? "")|\($0.kind.rawValue)|test" }
        .sorted())
    // Blobs hold the files' bytes exactly.
    let blobs = try SQLite3.query(database, "SELECT sha256, hex(data) FROM media_files ORDER BY sha256")
    #expect(blobs.count == collector.media.count && !blobs.isEmpty)
    for row in blobs {
      let fields = row.split(separator: "|").map(String.init)
      let bytes = hexBytes(fields[1])
      #expect(SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined() == fields[0])
      #expect(collector.media[fields[0]] == bytes)
    }
    // The full-text index: a two-character Chinese word and an English word.
    let texts = Dictionary(collector.messages.map { ($0.id.text, MessageSummary().text(of: $0)) }) { first, _ in first }
    for word in ["早上", "收到", "attached", "SCRIPT", "deep"] {
      let found = try SQLite3.query(
        database,
        "SELECT m.id FROM messages_fts f JOIN messages m ON m.seq = f.rowid WHERE messages_fts MATCH '\(word)' ORDER BY m.id"
      )
      let expected = texts.filter { $0.value.lowercased().contains(word.lowercased()) }.keys.sorted()
      #expect(found == expected, "\(word)")
    }
  }

  @Test(.enabled(if: SQLite3.available, "needs sqlite3"))
  func aChineseWordOfTwoCharactersIsFoundAmongOthers() throws {
    let directory = try TemporaryDirectory()
    let group = ConversationInfo(id: "group:g", kind: .group, sourceID: "g")
    let texts = ["明天下午开家长会", "开会", "会开", "Parents' meeting tomorrow", "no match here", "家长们好"]
    try packTexts(
      texts.enumerated().map { (group, "u", $0.element, 1_741_568_400_000 + Int64($0.offset)) },
      to: directory.file("t.tar.gz"))
    try SQLiteExport.export(bundle: directory.file("t.tar.gz"), to: directory.file("t.sqlite"))
    func search(_ query: String) throws -> [String] {
      try SQLite3.query(
        directory.file("t.sqlite"),
        "SELECT m.text FROM messages_fts JOIN messages m ON m.seq = messages_fts.rowid WHERE messages_fts MATCH '\(query)' ORDER BY m.ts"
      )
    }
    #expect(try search("开会") == ["开会"])
    #expect(try search("家长") == ["明天下午开家长会", "家长们好"])
    #expect(try search("meeting") == ["Parents' meeting tomorrow"])
    #expect(try search("\"开家 家长\"") == ["明天下午开家长会"])
  }

  @Test func theSameBundleGivesTheSameFileAndAnInvalidOneNothing() throws {
    let directory = try TemporaryDirectory()
    try SampleBundle.pack(to: directory.file("s.tar.gz"))
    try SQLiteExport.export(bundle: directory.file("s.tar.gz"), to: directory.file("1.sqlite"), media: .blob)
    try SQLiteExport.export(bundle: directory.file("s.tar.gz"), to: directory.file("2.sqlite"), media: .blob)
    #expect(FileManager.default.contentsEqual(atPath: directory.file("1.sqlite"), andPath: directory.file("2.sqlite")))
    #expect(throws: ExportError.self) {
      try SQLiteExport.export(bundle: directory.file("s.tar.gz"), to: directory.file("1.sqlite"))
    }
    var bundle = try FixtureBundle.sample()
    bundle.manifest.totals.messages += 1
    try directory.write("bad.tar.gz", try bundle.gzipped())
    #expect(throws: ExportError.self) {
      try SQLiteExport.export(bundle: directory.file("bad.tar.gz"), to: directory.file("bad.sqlite"))
    }
    let left = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    #expect(left == ["1.sqlite", "2.sqlite", "bad.tar.gz", "s.tar.gz"], "no database and no scratch are left")
  }
}
