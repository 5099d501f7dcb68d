import ChatBundle

/// Where a database export's rows go: a SQLite file, or a SQL script in one dialect.
protocol DatabaseWriter: AnyObject {
  /// Creates the tables and opens the one transaction.
  func begin(bundleID: String, formatVersion: String) throws
  func insert(_ row: [DatabaseValue], into table: DatabaseTable) throws
  /// The full-text terms of the message at `seq`: tokens separated by spaces.
  func insertTerms(_ terms: String, seq: Int64) throws
  /// A piece of a media file's bytes, for the row `media_files` got with `.reservedBlob`.
  func writeMedia(_ bytes: [UInt8], sha256: String, offset: Int64) throws
  /// Indexes, keys, the end of the transaction; the output is complete after it.
  func finish() throws
}
