import ChatBundle
import ChatBundleTestSupport
import Foundation
import Testing

/// Finds a program on PATH.
private func program(_ names: [String]) -> URL? {
  let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
  for directory in path.split(separator: ":") {
    for name in names {
      let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(name)
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
  }
  return nil
}

private let office = program(["libreoffice", "soffice"])
private let unzip = program(["unzip"])

/// `chatbundle export csv` and `export easemob-import`, run as a user runs them.
@Suite(.serialized) struct ExportCLITests {
  func packExample(to output: String) throws {
    let result = try ChatBundleBinary.packEasemobExample(to: output)
    #expect(result.status == 0, "\(result.standardError)")
  }

  func corrupt(_ source: String, to target: String) throws {
    var bytes = try readBytes(source)
    bytes[bytes.count / 2] ^= 0x10
    try Data(bytes).write(to: URL(fileURLWithPath: target))
  }

  @Test func csvExportOfTheExample() throws {
    let directory = try TemporaryDirectory()
    try packExample(to: directory.file("class.tar.gz"))
    let result = try ChatBundleBinary.run([
      "export", "csv", directory.file("class.tar.gz"), "-o", directory.file("csv"),
    ])
    #expect(result.status == 0, "\(result.standardError)")
    #expect(result.standardOutput.contains("exported 40 messages in 3 conversations"))
    #expect(result.standardOutput.contains("times in Asia/Shanghai"))
    let names = try FileManager.default.contentsOfDirectory(atPath: directory.file("csv")).sorted()
    #expect(names.count == 4 && names.contains("index.csv"))
    let index = String(decoding: try readBytes(directory.file("csv/index.csv")), as: UTF8.self)
    #expect(index.contains("三年级二班家长群") && index.contains("\r\n"))
    let all = try names.map { String(decoding: try readBytes(directory.file("csv/" + $0)), as: UTF8.self) }.joined()
    #expect(all.contains("2025-03-10 09:"))
    #expect(all.contains("\"<img src=x onerror=alert(1)>"))
    #expect(all.contains("missing: not_found"))

    // Again, without --force: refused (usage), the first export untouched; with --force, replaced.
    let again = try ChatBundleBinary.run(["export", "csv", directory.file("class.tar.gz"), "-o", directory.file("csv")])
    #expect(again.status == 2 && again.standardError.contains("--force"))
    let forced = try ChatBundleBinary.run([
      "export", "csv", directory.file("class.tar.gz"), "-o", directory.file("csv"), "--force", "--tz", "UTC",
    ])
    #expect(forced.status == 0, "\(forced.standardError)")
    let utc = try names.map { String(decoding: try readBytes(directory.file("csv/" + $0)), as: UTF8.self) }.joined()
    #expect(utc.contains("2025-03-10 01:") && utc.contains("UTC+00:00"))
    #expect(
      try ChatBundleBinary.run(["export", "csv", directory.file("class.tar.gz"), "-o", "x", "--tz", "Mars/Base"]).status
        == 2)
  }

  @Test func csvExportRefusesAnInvalidBundle() throws {
    let directory = try TemporaryDirectory()
    try packExample(to: directory.file("class.tar.gz"))
    try corrupt(directory.file("class.tar.gz"), to: directory.file("bad.tar.gz"))
    let result = try ChatBundleBinary.run(["export", "csv", directory.file("bad.tar.gz"), "-o", directory.file("csv")])
    #expect(result.status == 1)
    #expect(result.standardError.contains("INVALID"))
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["bad.tar.gz", "class.tar.gz"])
    let importResult = try ChatBundleBinary.run([
      "export", "easemob-import", directory.file("bad.tar.gz"), "-o", directory.file("out.ndjson"),
      "--media-base-url", "https://example.com/m",
    ])
    #expect(importResult.status == 1)
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["bad.tar.gz", "class.tar.gz"])
  }

  @Test func databaseExportsOfTheExample() throws {
    let directory = try TemporaryDirectory()
    try packExample(to: directory.file("class.tar.gz"))
    let sqlite = try ChatBundleBinary.run([
      "export", "sqlite", directory.file("class.tar.gz"), "-o", directory.file("class.sqlite"), "--media", "blob",
    ])
    #expect(sqlite.status == 0, "\(sqlite.standardError)")
    #expect(sqlite.standardOutput.contains("exported 40 messages in 3 conversations"))
    let header = try readBytes(directory.file("class.sqlite")).prefix(16)
    #expect(Array(header) == Array("SQLite format 3\0".utf8))
    for dialect in ["postgresql", "sqlite"] {
      let script = try ChatBundleBinary.run([
        "export", "sql", directory.file("class.tar.gz"), "--dialect", dialect, "-o", directory.file(dialect + ".sql"),
      ])
      #expect(script.status == 0, "\(script.standardError)")
      #expect(script.standardOutput.contains(dialect == "sqlite" ? "sqlite3 -bail" : "psql -v ON_ERROR_STOP=1"))
    }
    let unknown = try ChatBundleBinary.run([
      "export", "sql", directory.file("class.tar.gz"), "--dialect", "oracle", "-o", directory.file("o.sql"),
    ])
    #expect(unknown.status == 64 || unknown.status == 2)
    #expect(unknown.standardError.contains("oracle"))
    try corrupt(directory.file("class.tar.gz"), to: directory.file("bad.tar.gz"))
    let refused = try ChatBundleBinary.run([
      "export", "sqlite", directory.file("bad.tar.gz"), "-o", directory.file("bad.sqlite"),
    ])
    #expect(refused.status == 1)
    #expect(!FileManager.default.fileExists(atPath: directory.file("bad.sqlite")))
  }

  @Test func easemobImportOfTheExample() throws {
    let directory = try TemporaryDirectory()
    try packExample(to: directory.file("class.tar.gz"))
    let arguments = [
      "export", "easemob-import", directory.file("class.tar.gz"), "-o", directory.file("import.ndjson"),
      "--media-base-url", "https://files.example.com/class",
    ]
    let result = try ChatBundleBinary.run(arguments)
    #expect(result.status == 0, "\(result.standardError)")
    #expect(result.standardOutput.contains("messages  40"))
    #expect(result.standardOutput.contains("unsupported_conversation  6"), "\(result.standardOutput)")
    #expect(result.standardOutput.contains("report: \(directory.file("import.report.json"))"))
    let lines = try readBytes(directory.file("import.ndjson")).split(separator: 0x0A).map {
      try #require(try JSONParser.parse(Array($0)).objectValue)
    }
    let report = try #require(try JSONParser.parse(readBytes(directory.file("import.report.json"))).objectValue)
    let skipped = try #require(report["skipped"]?.int64Value)
    #expect(Int64(lines.count) + skipped == 40)
    let times = lines.compactMap { $0["body"]?.objectValue?["msg_timestamp"]?.int64Value }
    #expect(times.count == lines.count && times == times.sorted())
    let endpoints = Set(lines.compactMap { $0["endpoint"]?.stringValue })
    #expect(endpoints == ["users", "chatgroups"])
    let urls = lines.compactMap { $0["body"]?.objectValue?["body"]?.objectValue?["url"]?.stringValue }
    #expect(!urls.isEmpty && urls.allSatisfy { $0.hasPrefix("https://files.example.com/class/media/") })
    let group = try #require(lines.first { $0["endpoint"] == .string("chatgroups") }?["body"]?.objectValue)
    #expect(group["target"] == .string("259184062558209"))

    #expect(try ChatBundleBinary.run(arguments).status == 2)
    #expect(try ChatBundleBinary.run(arguments + ["--force"]).status == 0)
    var bad = arguments
    bad[bad.count - 1] = "ftp://example.com"
    #expect(try ChatBundleBinary.run(bad + ["--force"]).status == 2)
  }

  /// The CSV opened by a real spreadsheet: LibreOffice converts it to xlsx, and the cells
  /// come back with the Chinese text intact, the quoting undone, and no formula anywhere.
  ///
  /// LibreOffice's headless conversion does not sniff the byte order mark (it reads the file
  /// as Windows-1252 unless told); its import dialog and Excel do. So the test names UTF-8
  /// as a user's import would (`CSV:44,34,76,1`: comma, double quote, UTF-8, from line 1)
  /// and checks that the mark itself is consumed rather than left in the first cell.
  @Test(.enabled(if: office != nil && unzip != nil, "needs libreoffice (Debian libreoffice-calc-nogui) and unzip"))
  func libreOfficeReadsTheCSV() throws {
    let directory = try TemporaryDirectory()
    try packExample(to: directory.file("class.tar.gz"))
    let index = try convertedStrings(bundle: directory.file("class.tar.gz"), in: directory, label: "class")
    let indexCells = index["index"] ?? []
    #expect(indexCells.first == "file", "the byte order mark is not cell text")
    #expect(indexCells.contains("三年级二班家长群"))
    #expect(indexCells.contains { $0.contains("王芳老师（班主任） (t_wangfang)") })
    #expect(index.values.joined().contains { $0.contains("<img src=x onerror=alert(1)>") })

    let hostile = ["=1+1", "+1", "-1", "@SUM(1)", "=HYPERLINK(\"http://x\",\"y\")", "你好，\"世界\"\n第二行"]
    var options = PackOptions(platform: "test", timeZone: "Asia/Shanghai")
    options.people = ["u": "=老师"]
    let builder = try BundleBuilder(options: options, outputPath: directory.file("hostile.tar.gz"))
    let input = builder.addInput(name: "t", size: 0, sha256: String(repeating: "0", count: 64), records: 0)
    let group = ConversationInfo(id: "group:g", kind: .group, sourceID: "g")
    for (number, text) in hostile.enumerated() {
      let message = Message.test(
        Identifier("h\(number)"), in: group.id, at: 1_741_568_400_000 + Int64(number), from: "u", .text(text))
      try builder.add(message, conversation: group, input: input, line: Int64(number + 1))
    }
    _ = try builder.finish(outputPath: directory.file("hostile.tar.gz"))
    let sheets = try convertedStrings(bundle: directory.file("hostile.tar.gz"), in: directory, label: "hostile")
    let cells = try #require(sheets.first { $0.key != "index" }?.value)
    for text in ["'=1+1", "'+1", "'-1", "'@SUM(1)", "'=HYPERLINK(\"http://x\",\"y\")", "'=老师", "你好，\"世界\"\n第二行"] {
      #expect(cells.contains(text), "\(text)")
    }
    let formulas = try sheetXML(directory.file("xlsx-hostile"))
    #expect(!formulas.contains("<f>") && !formulas.contains("<f "), "no cell became a formula")
  }

  /// Exports `bundle` as CSV, converts every file to xlsx, and returns each workbook's
  /// shared strings (the text cells, in order of first use) by file name without extension.
  private func convertedStrings(bundle: String, in directory: TemporaryDirectory, label: String) throws
    -> [String: [String]]
  {
    let csv = directory.file("csv-" + label)
    let result = try ChatBundleBinary.run(["export", "csv", bundle, "-o", csv])
    #expect(result.status == 0, "\(result.standardError)")
    let names = try FileManager.default.contentsOfDirectory(atPath: csv).sorted()
    let profile = try TemporaryDirectory("lo-profile")
    let converted = try runProcess(
      try #require(office),
      [
        "-env:UserInstallation=file://" + profile.path, "--headless", "--infilter=CSV:44,34,76,1", "--convert-to",
        "xlsx", "--outdir", directory.file("xlsx-" + label),
      ] + names.map { csv + "/" + $0 })
    #expect(converted.status == 0, "\(converted.standardError)")
    var strings: [String: [String]] = [:]
    for name in names {
      let stem = String(name.dropLast(".csv".count))
      let unzipped = try runProcess(
        try #require(unzip), ["-p", directory.file("xlsx-\(label)/\(stem).xlsx"), "xl/sharedStrings.xml"])
      #expect(unzipped.status == 0, "\(unzipped.standardError)")
      strings[stem] = sharedStrings(unzipped.standardOutput)
    }
    return strings
  }

  /// The text of each `<si>` of an xlsx shared-strings part, its runs joined and the XML
  /// entities decoded.
  private func sharedStrings(_ xml: String) -> [String] {
    xml.components(separatedBy: "<si>").dropFirst().map { item in
      let body = item.components(separatedBy: "</si>")[0]
      var text = ""
      for piece in body.components(separatedBy: "<t").dropFirst() {
        guard let open = piece.firstIndex(of: ">"), let close = piece.range(of: "</t>") else { continue }
        text += piece[piece.index(after: open)..<close.lowerBound]
      }
      for (entity, character) in [
        ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&apos;", "'"), ("&#10;", "\n"), ("&#13;", "\r"),
        ("&amp;", "&"),
      ] {
        text = text.replacingOccurrences(of: entity, with: character)
      }
      return text
    }
  }

  private func sheetXML(_ directory: String) throws -> String {
    var all = ""
    for name in try FileManager.default.contentsOfDirectory(atPath: directory) where name.hasSuffix(".xlsx") {
      let sheet = try runProcess(try #require(unzip), ["-p", directory + "/" + name, "xl/worksheets/sheet1.xml"])
      all += sheet.standardOutput
    }
    return all
  }
}
