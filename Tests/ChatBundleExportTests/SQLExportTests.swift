import ChatBundle
import ChatBundleExport
import ChatBundleTestSupport
import Foundation
import Testing

/// `export sql` loaded into a real PostgreSQL server, as a user would load it.
@Suite(.serialized) struct SQLExportTests {
  static let hostile = [
    "tab\there", "line1\nline2\r\nline3", #"back\slash \N \\."#, "nul\u{0}inside", "你好，“引号”", "🙂 'quotes'",
    "\\.", "",
  ]

  @Test(.enabled(if: PostgreSQLServer.binaries() != nil && PostgreSQLServer.psql != nil, "needs PostgreSQL"))
  func theScriptLoadsIntoPostgreSQLWithEveryMessageLineExact() throws {
    let directory = try TemporaryDirectory()
    let group = ConversationInfo(id: "group:g", kind: .group, sourceID: "g")
    try packTexts(
      Self.hostile.enumerated().map { (group, "u", $0.element, 1_741_568_400_000 + Int64($0.offset) * 1000) },
      to: directory.file("h.tar.gz"), people: ["u": "Ü\tser"])
    try AnnotatedBundle.pack(to: directory.file("a.tar.gz"))
    let server = try PostgreSQLServer()
    for name in ["h", "a"] {
      let summary = try SQLExport.export(bundle: directory.file(name + ".tar.gz"), to: directory.file(name + ".sql"))
      #expect(summary.messages > 0)
      #expect(try server.psql(["-c", "CREATE DATABASE \(name)"]).status == 0)
      let load = try server.psql(["-d", name, "-v", "ON_ERROR_STOP=1", "-f", directory.file(name + ".sql")])
      #expect(load.status == 0, "\(load.standardError)")
    }
    // Every message's line, as PostgreSQL holds it, is the bundle's line byte for byte.
    let (collector, _) = BundleCollector.read(directory.file("h.tar.gz"))
    let lines = try server.psql([
      "-d", "h", "-At", "-c", "SELECT encode(convert_to(line, 'UTF8'), 'hex') FROM messages ORDER BY ts_ms",
    ])
    let stored = lines.standardOutput.split(separator: "\n").map { hexBytes(String($0)) }
    #expect(stored == collector.messages.map { Array($0.line().dropLast()) })
    let texts = try server.psql([
      "-d", "h", "-At", "-c", "SELECT encode(convert_to(text, 'UTF8'), 'hex') FROM messages ORDER BY ts_ms",
    ])
    let expected = Self.hostile.map { Array($0.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}").utf8) }
    #expect(
      texts.standardOutput.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map {
        hexBytes(String($0))
      } == expected)
    #expect(try server.psql(["-d", "h", "-At", "-c", "SELECT name FROM people"]).standardOutput == "Ü\tser\n")
    // The annotations have columns and tables of their own.
    let annotated = try server.psql([
      "-d", "a", "-At", "-F", "|", "-c",
      """
      SELECT id, coalesce(thread_root,''), thread_broadcast, coalesce(edit_target,''), pinned, sender_bot,
        coalesce(forwarded_from,''), coalesce(to_char(edited_at AT TIME ZONE 'UTC', 'HH24:MI:SS'),'')
      FROM messages ORDER BY id
      """,
    ])
    #expect(
      annotated.standardOutput.split(separator: "\n") == [
        "bot||f||f|t||", "broadcast|root|t||f|f||", "forward||f||f|f|School office|", "pin||f||f|f||",
        "reply|root|f||f|f||", "rev||f|broadcast|f|f||01:06:00", "root||f||t|f||01:01:30",
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
  }

  @Test func anInvalidBundleWritesNothing() throws {
    let directory = try TemporaryDirectory()
    var bundle = try FixtureBundle.sample()
    bundle.manifest.totals.messages += 1
    try directory.write("bad.tar.gz", try bundle.gzipped())
    #expect(throws: ExportError.self) {
      try SQLExport.export(bundle: directory.file("bad.tar.gz"), to: directory.file("bad.sql"))
    }
    let left = try FileManager.default.contentsOfDirectory(atPath: directory.path)
    #expect(left == ["bad.tar.gz"], "no script and no scratch are left")
  }

  @Test func theSameBundleGivesTheSameScript() throws {
    let directory = try TemporaryDirectory()
    try AnnotatedBundle.pack(to: directory.file("a.tar.gz"))
    try SQLExport.export(bundle: directory.file("a.tar.gz"), to: directory.file("1.sql"))
    try SQLExport.export(bundle: directory.file("a.tar.gz"), to: directory.file("2.sql"))
    #expect(FileManager.default.contentsEqual(atPath: directory.file("1.sql"), andPath: directory.file("2.sql")))
    #expect(throws: ExportError.self) {
      try SQLExport.export(bundle: directory.file("a.tar.gz"), to: directory.file("1.sql"))
    }
  }
}

private func hexBytes(_ hex: String) -> [UInt8] {
  var bytes: [UInt8] = []
  var index = hex.startIndex
  while index < hex.endIndex, let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) {
    bytes.append(UInt8(hex[index..<next], radix: 16) ?? 0)
    index = next
  }
  return bytes
}
