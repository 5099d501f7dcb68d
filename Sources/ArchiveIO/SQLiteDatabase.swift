import CSQLite

/// A SQLite database file opened for writing, through the system's libsqlite3. One thread
/// uses it at a time (it is not `Sendable`), so it is opened without SQLite's own mutexes.
public final class SQLiteDatabase {
  let handle: OpaquePointer
  public let path: String

  /// Creates the database at `path`, which must not exist yet.
  public init(creating path: String) throws {
    var opened: OpaquePointer?
    let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
    let status = sqlite3_open_v2(path, &opened, flags, nil)
    guard let opened else { throw SQLiteError(code: status, operation: "open '\(path)'", message: "out of memory") }
    guard status == SQLITE_OK else {
      let error = SQLiteError(
        code: status, operation: "open '\(path)'", message: String(cString: sqlite3_errmsg(opened)))
      sqlite3_close_v2(opened)
      throw error
    }
    handle = opened
    self.path = path
  }

  deinit { sqlite3_close_v2(handle) }

  /// Runs one or more statements that take no parameters.
  public func execute(_ sql: String) throws {
    var message: UnsafeMutablePointer<CChar>?
    let status = sqlite3_exec(handle, sql, nil, nil, &message)
    guard status == SQLITE_OK else {
      let text = message.map { String(cString: $0) } ?? lastMessage
      sqlite3_free(message)
      throw SQLiteError(code: status, operation: "execute \(Self.excerpt(sql))", message: text)
    }
  }

  public func prepare(_ sql: String) throws -> SQLiteStatement {
    var statement: OpaquePointer?
    let status = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
    guard status == SQLITE_OK, let statement else {
      throw SQLiteError(code: status, operation: "prepare \(Self.excerpt(sql))", message: lastMessage)
    }
    return SQLiteStatement(statement, database: self, sql: sql)
  }

  /// The rowid of the last row inserted.
  public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

  /// Writes `bytes` at `offset` into the blob in `table.column` of row `rowID`, which an
  /// insert made with `zeroblob(size)`: a large file goes in piece by piece, never whole
  /// in memory.
  public func writeBlob(table: String, column: String, rowID: Int64, offset: Int32, bytes: [UInt8]) throws {
    var blob: OpaquePointer?
    var status = sqlite3_blob_open(handle, "main", table, column, rowID, 1, &blob)
    guard status == SQLITE_OK, let blob else {
      throw SQLiteError(code: status, operation: "open blob \(table).\(column)", message: lastMessage)
    }
    defer { sqlite3_blob_close(blob) }
    status = bytes.withUnsafeBytes { buffer in
      sqlite3_blob_write(blob, buffer.baseAddress, Int32(clamping: buffer.count), offset)
    }
    guard status == SQLITE_OK else {
      throw SQLiteError(code: status, operation: "write blob \(table).\(column)", message: lastMessage)
    }
  }

  /// Closes the file, reporting what SQLite could not finish (a full disk at the last write).
  public func close() throws {
    let status = sqlite3_close(handle)
    guard status == SQLITE_OK else { throw SQLiteError(code: status, operation: "close", message: lastMessage) }
  }

  /// The version of the library linked, which decides the file's bytes.
  public static var libraryVersion: String { String(cString: sqlite3_libversion()) }

  var lastMessage: String { String(cString: sqlite3_errmsg(handle)) }

  static func excerpt(_ sql: String) -> String {
    let line = sql.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? sql
    return line.count > 60 ? String(line.prefix(60)) + "…" : line
  }
}
