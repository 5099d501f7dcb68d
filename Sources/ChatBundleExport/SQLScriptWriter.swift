import ChatBundle

/// Writes the rows as one plain SQL script in a dialect: `CREATE TABLE`, then batched
/// multi-row `INSERT`s, all in one transaction, then keys and indexes, so a failed load
/// leaves nothing behind. PostgreSQL gets its keys after the rows (`ALTER TABLE`); SQLite
/// declares them in the table, deferred to the commit, and gets the same full-text table
/// as `export sqlite`.
final class SQLScriptWriter: DatabaseWriter {
  /// Rows of one table waiting for their `INSERT`.
  private struct Batch {
    var bytes: [UInt8] = []
    var rows = 0
  }

  static let rowsPerInsert = 500
  static let bytesPerInsert = 1 << 20

  private let out: BufferedWriter
  private let dialect: SQLDialect
  /// In the order their tables were first written to; mutated in place, since a batch
  /// grows to a megabyte.
  private var batches: [Batch] = []
  private var batchNumbers: [String: Int] = [:]

  init(creating path: String, dialect: SQLDialect) throws {
    out = try BufferedWriter(creating: path, capacity: 1 << 20)
    self.dialect = dialect
  }

  func begin(bundleID: String, formatVersion: String) throws {
    var text = "-- chatbundle export sql (\(dialect.rawValue)): bundle \(bundleID), format \(formatVersion)\n"
    switch dialect {
    case .postgresql:
      text +=
        "-- Load with: psql -v ON_ERROR_STOP=1 -d DATABASE -f FILE.sql (one transaction; nothing is left on error)\n"
      text += "BEGIN;\nSET client_encoding = 'UTF8';\n"
      for table in DatabaseSchema.tables {
        let columns = table.columns.map { "  \($0.name) \(dialect.type($0.type))" + ($0.nullable ? "" : " NOT NULL") }
        text += "CREATE TABLE \(table.name) (\n" + columns.joined(separator: ",\n") + "\n);\n"
      }
    case .sqlite:
      text += "-- Load with: sqlite3 -bail DATABASE.sqlite < FILE.sql (one transaction; nothing is left on error)\n"
      text += "BEGIN;\n"
      for table in DatabaseSchema.tables { text += SQLiteFileWriter.createStatement(table) }
      text += SQLiteFileWriter.fullTextTable
    }
    try out.write(Array(text.utf8))
  }

  func insert(_ row: [DatabaseValue], into table: DatabaseTable) throws {
    try add(row, table: table.name, columns: table.columns.map(\.name))
  }

  func insertTerms(_ terms: String, seq: Int64) throws {
    guard dialect == .sqlite, !terms.isEmpty else { return }
    try add([.integer(seq), .text(terms)], table: "messages_fts", columns: ["rowid", "terms"])
  }

  func writeMedia(_ bytes: [UInt8], sha256: String, offset: Int64) throws {}

  private func add(_ row: [DatabaseValue], table: String, columns: [String]) throws {
    let number: Int
    if let known = batchNumbers[table] {
      number = known
    } else {
      number = batches.count
      batchNumbers[table] = number
      batches.append(Batch())
    }
    if batches[number].rows == 0 {
      batches[number].bytes += Array("INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES\n(".utf8)
    } else {
      batches[number].bytes += Array(",\n(".utf8)
    }
    for (index, value) in row.enumerated() {
      if index > 0 { batches[number].bytes += [0x2C, 0x20] }
      dialect.literal(value, to: &batches[number].bytes)
    }
    batches[number].bytes.append(0x29)
    batches[number].rows += 1
    if batches[number].rows >= Self.rowsPerInsert || batches[number].bytes.count >= Self.bytesPerInsert {
      try flush(number)
    }
  }

  private func flush(_ number: Int) throws {
    guard batches[number].rows > 0 else { return }
    batches[number].bytes += [0x3B, 0x0A]
    try out.write(batches[number].bytes)
    batches[number].bytes.removeAll(keepingCapacity: true)
    batches[number].rows = 0
  }

  func finish() throws {
    for number in batches.indices { try flush(number) }
    batches = []
    var text = ""
    switch dialect {
    case .postgresql:
      for table in DatabaseSchema.tables where !table.primaryKey.isEmpty {
        text += "ALTER TABLE \(table.name) ADD PRIMARY KEY (\(table.primaryKey.joined(separator: ", ")));\n"
      }
      text += SQLiteFileWriter.indexStatements()
      for table in DatabaseSchema.tables {
        for reference in table.references {
          text +=
            "ALTER TABLE \(table.name) ADD FOREIGN KEY (\(reference.column)) "
            + "REFERENCES \(reference.table) (\(reference.targetColumn));\n"
        }
      }
    case .sqlite:
      text += SQLiteFileWriter.indexStatements()
      text += "INSERT INTO messages_fts (messages_fts) VALUES ('optimize');\n"
    }
    try out.write(Array((text + "COMMIT;\n").utf8))
    _ = try out.close()
  }
}
