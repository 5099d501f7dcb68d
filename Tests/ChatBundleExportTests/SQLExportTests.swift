import ChatBundle
import ChatBundleExport
import ChatBundleTestSupport
import Foundation
import Testing

/// `export sql` loaded into a real PostgreSQL server and into sqlite3, as a user would load it.
@Suite(.serialized) struct SQLExportTests {
  static let hostile = [
    "tab\there", "line1\nline2\r\nline3", #"back\slash \N \\. \'"#, "nul\u{0}inside", "你好，“引号”",
    "🙂 'quotes' \"double\"",
    "'); DROP TABLE messages; --", "\\.", "", "E'\\x00' $$ $tag$ ;",
  ]

  static func packHostile(to path: String) throws {
    let group = ConversationInfo(id: "group:g", kind: .group, sourceID: "g")
    try packTexts(
      hostile.enumerated().map { (group, "u", $0.element, 1_741_568_400_000 + Int64($0.offset) * 1000) }, to: path,
      people: ["u": "Ü\tser 'O''Brien'"])
  }

  @Test(.enabled(if: PostgreSQLServer.binaries() != nil && PostgreSQLServer.psql != nil, "needs PostgreSQL"))
  func theScriptLoadsIntoPostgreSQLWithEveryTextBackByteForByte() throws {
    let directory = try TemporaryDirectory()
    try Self.packHostile(to: directory.file("h.tar.gz"))
    try AnnotatedBundle.pack(to: directory.file("a.tar.gz"))
    try SampleBundle.pack(to: directory.file("s.tar.gz"))
    let server = try PostgreSQLServer()
    for name in ["h", "a", "s"] {
      let summary = try SQLExport.export(bundle: directory.file(name + ".tar.gz"), to: directory.file(name + ".sql"))
      #expect(summary.messages > 0)
      #expect(try server.psql(["-c", "CREATE DATABASE \(name)"]).status == 0)
      let load = try server.psql(["-d", name, "-v", "ON_ERROR_STOP=1", "-f", directory.file(name + ".sql")])
      #expect(load.status == 0, "\(load.standardError)")
      // Row counts equal the bundle's.
      let (collector, report) = BundleCollector.read(directory.file(name + ".tar.gz"))
      let counts = try server.psql([
        "-d", name, "-At", "-F", "|", "-c",
        "SELECT (SELECT count(*) FROM messages), (SELECT count(*) FROM conversations), (SELECT count(*) FROM people), "
          + "(SELECT count(*) FROM media_files), (SELECT count(*) FROM missing_media)",
      ])
      let manifest = try #require(report.manifest)
      #expect(
        counts.standardOutput
          == "\(collector.messages.count)|\(manifest.conversations.count)|\(collector.people.count)|"
          + "\(manifest.files.filter { $0.role == .media }.count)|\(manifest.missing.count)\n")
    }
    // Each text column holds the bundle's text exactly, U+0000 as U+FFFD (PostgreSQL text cannot hold it).
    let texts = try server.psql([
      "-d", "h", "-At", "-c", "SELECT encode(convert_to(text, 'UTF8'), 'hex') FROM messages ORDER BY ts",
    ])
    let expected = Self.hostile.map { Array($0.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}").utf8) }
    #expect(
      texts.standardOutput.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map {
        hexBytes(String($0))
      } == expected)
    #expect(
      try server.psql(["-d", "h", "-At", "-c", "SELECT count(*) FROM messages"]).standardOutput
        == "\(Self.hostile.count)\n")
    #expect(
      try server.psql(["-d", "h", "-At", "-c", "SELECT name FROM people"]).standardOutput == "Ü\tser 'O''Brien'\n")
    // The raw record is jsonb, queryable.
    let raw = try server.psql([
      "-d", "h", "-At", "-c", "SELECT source->>'platform', jsonb_typeof(source->'raw') FROM messages LIMIT 1",
    ])
    #expect(raw.standardOutput == "test|object\n" || raw.standardOutput == "test|null\n")
    // The annotations: columns named as the members, JSON where they are objects.
    let annotated = try server.psql([
      "-d", "a", "-At", "-F", "|", "-c",
      """
      SELECT id, coalesce(thread->>'root',''), coalesce(thread->>'broadcast',''), coalesce(edit_target,''), pinned,
        sender_bot, coalesce(forwarded_from->>'name',''), coalesce(to_char(to_timestamp((edited->>'ts')::bigint / 1000.0)
        AT TIME ZONE 'UTC', 'HH24:MI:SS'),'')
      FROM messages ORDER BY id
      """,
    ])
    #expect(
      annotated.standardOutput.split(separator: "\n") == [
        "bot||||f|t||", "broadcast|root|true||f|f||", "forward||||f|f|School office|", "pin||||f|f||",
        "reply|root|||f|f||", "rev|||broadcast|f|f||01:06:00", "root||||t|f||01:01:30",
      ])
    let reactions = try server.psql([
      "-d", "a", "-At", "-F", "|", "-c", "SELECT message, emoji, count, users FROM reactions ORDER BY emoji",
    ])
    #expect(reactions.standardOutput == "root|partyparrot|1|[]\nroot|👍|3|[\"bob\", \"carol\"]\n")
    let joined = try server.psql([
      "-d", "a", "-At", "-c",
      "SELECT count(*) FROM messages m JOIN conversations c ON c.id = m.conversation WHERE c.name = 'Class 3'",
    ])
    #expect(joined.standardOutput == "7\n")
    // Media references point at media files through the foreign key.
    let media = try server.psql([
      "-d", "s", "-At", "-c",
      "SELECT count(*) FROM media m JOIN media_files f ON f.sha256 = m.sha256 WHERE f.path = 'media/' || substr(f.sha256, 1, 2) || '/' || f.sha256",
    ])
    #expect(Int(media.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0 > 0)
  }

  @Test(.enabled(if: SQLite3.available, "needs sqlite3"))
  func theSQLiteScriptLoadsIntoSQLite3WithEveryTextExact() throws {
    let directory = try TemporaryDirectory()
    try Self.packHostile(to: directory.file("h.tar.gz"))
    try SQLExport.export(bundle: directory.file("h.tar.gz"), to: directory.file("h.sql"), dialect: .sqlite)
    let script = try Data(contentsOf: URL(fileURLWithPath: directory.file("h.sql")))
    #expect(!script.contains(0), "no NUL byte in the script")
    #expect(!script.contains(0x0D), "no carriage return in the script")
    let load = try SQLite3.run(["-bail", directory.file("h.sqlite"), ".read " + directory.file("h.sql")])
    #expect(load.status == 0, "\(load.standardError)")
    let texts = try SQLite3.query(
      directory.file("h.sqlite"), "SELECT hex(CAST(text AS BLOB)) FROM messages ORDER BY ts")
    #expect(texts.map(hexBytes) == Self.hostile.map { Array($0.utf8) }, "U+0000 kept, everything else exact")
    #expect(try SQLite3.query(directory.file("h.sqlite"), "SELECT name FROM people") == ["Ü\tser 'O''Brien'"])
    #expect(try SQLite3.query(directory.file("h.sqlite"), "PRAGMA foreign_key_check") == [])
    #expect(
      try SQLite3.query(
        directory.file("h.sqlite"), "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH '引号'") == ["1"])
  }

  @Test func anInvalidBundleWritesNothing() throws {
    let directory = try TemporaryDirectory()
    var bundle = try FixtureBundle.sample()
    bundle.manifest.totals.messages += 1
    try directory.write("bad.tar.gz", try bundle.gzipped())
    for dialect in SQLDialect.allCases {
      #expect(throws: ExportError.self) {
        try SQLExport.export(bundle: directory.file("bad.tar.gz"), to: directory.file("bad.sql"), dialect: dialect)
      }
    }
    let left = try FileManager.default.contentsOfDirectory(atPath: directory.path)
    #expect(left == ["bad.tar.gz"], "no script and no scratch are left")
  }

  @Test func theSameBundleGivesTheSameScript() throws {
    let directory = try TemporaryDirectory()
    try AnnotatedBundle.pack(to: directory.file("a.tar.gz"))
    for dialect in SQLDialect.allCases {
      try SQLExport.export(
        bundle: directory.file("a.tar.gz"), to: directory.file("1.sql"), dialect: dialect, force: true)
      try SQLExport.export(
        bundle: directory.file("a.tar.gz"), to: directory.file("2.sql"), dialect: dialect, force: true)
      #expect(FileManager.default.contentsEqual(atPath: directory.file("1.sql"), andPath: directory.file("2.sql")))
    }
    #expect(throws: ExportError.self) {
      try SQLExport.export(bundle: directory.file("a.tar.gz"), to: directory.file("1.sql"))
    }
  }
}

/// Debian's sqlite3 shell, which the tests query the exports with.
enum SQLite3 {
  static let url = URL(fileURLWithPath: "/usr/bin/sqlite3")
  static var available: Bool { FileManager.default.isExecutableFile(atPath: url.path) }

  static func run(_ arguments: [String]) throws -> ProcessResult { try runProcess(url, arguments) }

  /// The rows of a query, one string per row, columns joined by `|`.
  static func query(_ database: String, _ sql: String) throws -> [String] {
    let result = try run(["-bail", "-readonly", database, sql])
    guard result.status == 0 else { throw QueryFailure(message: result.standardError) }
    return result.standardOutput.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
  }

  struct QueryFailure: Error {
    var message: String
  }
}

func hexBytes(_ hex: String) -> [UInt8] {
  var bytes: [UInt8] = []
  var index = hex.startIndex
  while index < hex.endIndex, let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) {
    bytes.append(UInt8(hex[index..<next], radix: 16) ?? 0)
    index = next
  }
  return bytes
}
