import CSQLite

/// A prepared statement, bound, stepped and reset for each row.
public final class SQLiteStatement {
  private let handle: OpaquePointer
  // Kept alive while the statement is: a statement must be finalized before its database closes.
  private let database: SQLiteDatabase
  private let sql: String

  init(_ handle: OpaquePointer, database: SQLiteDatabase, sql: String) {
    self.handle = handle
    self.database = database
    self.sql = sql
  }

  deinit { sqlite3_finalize(handle) }

  /// Binds `values` to the parameters in order, runs the statement to its end and resets it.
  public func run(_ values: [SQLiteValue]) throws {
    defer {
      sqlite3_reset(handle)
      sqlite3_clear_bindings(handle)
    }
    for (offset, value) in values.enumerated() {
      let index = Int32(offset + 1)
      let status: Int32
      switch value {
      case .null: status = sqlite3_bind_null(handle, index)
      case .integer(let number): status = sqlite3_bind_int64(handle, index, number)
      case .text(let text):
        // With its length, so a U+0000 inside is kept; SQLite copies the bytes.
        var text = text
        status = text.withUTF8 { bytes in
          sqlite3_bind_text64(handle, index, bytes.baseAddress, UInt64(bytes.count), transient, UInt8(SQLITE_UTF8))
        }
      case .zeroBlob(let size): status = sqlite3_bind_zeroblob64(handle, index, UInt64(clamping: size))
      case .blob(let bytes):
        status = bytes.withUnsafeBytes { buffer in
          // An empty buffer has no address, which SQLite would store as NULL.
          guard let address = buffer.baseAddress else { return sqlite3_bind_zeroblob(handle, index, 0) }
          return sqlite3_bind_blob64(handle, index, address, UInt64(buffer.count), transient)
        }
      }
      guard status == SQLITE_OK else {
        throw SQLiteError(
          code: status, operation: "bind parameter \(index) of \(SQLiteDatabase.excerpt(sql))",
          message: database.lastMessage)
      }
    }
    var status = sqlite3_step(handle)
    while status == SQLITE_ROW { status = sqlite3_step(handle) }
    guard status == SQLITE_DONE else {
      throw SQLiteError(code: status, operation: "run \(SQLiteDatabase.excerpt(sql))", message: database.lastMessage)
    }
  }
}

/// SQLITE_TRANSIENT (the C macro `(sqlite3_destructor_type)-1`, which Swift does not
/// import): SQLite copies the bound bytes before the call returns.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
