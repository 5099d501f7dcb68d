import ArchiveIO
import ChatBundle

/// Writes the rows into a new SQLite database file: the tables with their keys and
/// references (deferred, so the rows may come in any order), one transaction, the indexes
/// after the rows, and a full-text table over each message's search tokens (FTS5).
///
/// The full-text table holds the tokens of `SearchTokenizer` (the site's search rules):
/// Chinese, Japanese and Korean runs as overlapping character pairs, other words
/// lowercased. FTS5's own tokenizer then sees each pair as one term, so `MATCH '开会'`
/// finds a two-character Chinese word, which its trigram tokenizer cannot, and a longer
/// word is the phrase of its pairs (`MATCH '"今天 天开 开会"'`).
final class SQLiteFileWriter: DatabaseWriter {
  private let database: SQLiteDatabase
  private var statements: [String: SQLiteStatement] = [:]
  private var terms: SQLiteStatement?
  private var blobRows: [String: Int64] = [:]

  init(creating path: String) throws {
    database = try Self.sqlite { try SQLiteDatabase(creating: path) }
  }

  func begin(bundleID: String, formatVersion: String) throws {
    try Self.sqlite {
      // The file is scratch until it is renamed into place, so no journal and no syncs:
      // a failure discards it whole.
      try database.execute(
        "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA locking_mode = EXCLUSIVE; "
          + "PRAGMA cache_size = -16384; PRAGMA application_id = 1128809028; PRAGMA user_version = 1;")
      var schema = "BEGIN;\n"
      for table in DatabaseSchema.tables { schema += Self.createStatement(table) }
      schema += Self.fullTextTable
      try database.execute(schema)
      for table in DatabaseSchema.tables {
        let columns = table.columns.map(\.name)
        statements[table.name] = try database.prepare(
          "INSERT INTO \(table.name) (\(columns.joined(separator: ", "))) VALUES ("
            + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")")
      }
      terms = try database.prepare("INSERT INTO messages_fts (rowid, terms) VALUES (?, ?)")
    }
  }

  static let fullTextTable =
    "CREATE VIRTUAL TABLE messages_fts USING fts5(terms, content = '', columnsize = 0, "
    + "tokenize = 'unicode61 remove_diacritics 2');\n"

  /// `CREATE TABLE` in SQLite's types: booleans as 0 or 1, timestamps as RFC 3339 text in
  /// UTC with milliseconds (which sorts as the times do), JSON as text.
  static func createStatement(_ table: DatabaseTable) -> String {
    var lines = table.columns.map { column in
      var line = "  \(column.name) " + type(column.type)
      if table.primaryKey == [column.name] && column.type == .integer { line += " PRIMARY KEY" }
      if !column.nullable { line += " NOT NULL" }
      return line
    }
    if !table.primaryKey.isEmpty
      && !(table.primaryKey.count == 1 && table.columns.first { $0.name == table.primaryKey[0] }?.type == .integer)
    {
      lines.append("  PRIMARY KEY (\(table.primaryKey.joined(separator: ", ")))")
    }
    for reference in table.references {
      lines.append(
        "  FOREIGN KEY (\(reference.column)) REFERENCES \(reference.table) (\(reference.targetColumn)) "
          + "DEFERRABLE INITIALLY DEFERRED")
    }
    return "CREATE TABLE \(table.name) (\n" + lines.joined(separator: ",\n") + "\n);\n"
  }

  static func type(_ type: DatabaseTable.ColumnType) -> String {
    switch type {
    case .text, .timestamp, .json: "TEXT"
    case .integer, .boolean: "INTEGER"
    case .blob: "BLOB"
    }
  }

  static func indexStatements() -> String {
    var sql = ""
    for table in DatabaseSchema.tables {
      for index in table.indexes {
        sql +=
          "CREATE \(index.unique ? "UNIQUE " : "")INDEX \(table.name)_\(index.columns.joined(separator: "_")) "
          + "ON \(table.name) (\(index.columns.joined(separator: ", ")));\n"
      }
    }
    return sql
  }

  func insert(_ row: [DatabaseValue], into table: DatabaseTable) throws {
    guard let statement = statements[table.name] else { throw ExportError.output("no table \(table.name)") }
    try Self.sqlite { try statement.run(row.map(Self.value)) }
    if table.name == DatabaseSchema.mediaFiles.name, case .reservedBlob = row.last, case .text(let sha256) = row.first {
      blobRows[sha256] = database.lastInsertRowID
    }
  }

  func insertTerms(_ terms: String, seq: Int64) throws {
    guard !terms.isEmpty, let statement = self.terms else { return }
    try Self.sqlite { try statement.run([.integer(seq), .text(terms)]) }
  }

  func writeMedia(_ bytes: [UInt8], sha256: String, offset: Int64) throws {
    guard let row = blobRows[sha256] else { return }
    guard let start = Int32(exactly: offset), Int64(start) + Int64(bytes.count) <= DatabaseExporter.largestBlob else {
      throw ExportError.output("media \(sha256): more bytes than its size in the manifest")
    }
    try Self.sqlite {
      try database.writeBlob(
        table: DatabaseSchema.mediaFiles.name, column: "data", rowID: row, offset: start, bytes: bytes)
    }
  }

  func finish() throws {
    try Self.sqlite {
      statements = [:]
      terms = nil
      // One b-tree for the full-text index, which makes the file smaller and its bytes
      // independent of how FTS5 happened to flush along the way.
      try database.execute(
        Self.indexStatements() + "INSERT INTO messages_fts (messages_fts) VALUES ('optimize');\nCOMMIT;\n")
      try database.close()
    }
  }

  static func value(_ value: DatabaseValue) -> SQLiteValue {
    switch value {
    case .null: .null
    case .text(let text), .json(let text): .text(text)
    case .integer(let number): .integer(number)
    case .boolean(let flag): .integer(flag ? 1 : 0)
    case .timestamp(let milliseconds): .text(UTCTime.timestamp(milliseconds: milliseconds, alwaysMilliseconds: true))
    case .blob(let bytes): .blob(bytes)
    case .reservedBlob(let size): .zeroBlob(size)
    }
  }

  /// SQLite's failures as an export's output error, naming what was asked.
  static func sqlite<Result>(_ body: () throws -> Result) throws -> Result {
    do {
      return try body()
    } catch let error as SQLiteError {
      throw ExportError.output(error.description)
    }
  }
}
