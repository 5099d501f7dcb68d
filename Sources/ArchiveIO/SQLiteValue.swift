/// A value bound to a statement's parameter.
public enum SQLiteValue: Sendable, Equatable {
  case null
  case integer(Int64)
  case text(String)
  case blob([UInt8])
  /// A blob of this many zero bytes, written later with `SQLiteDatabase.writeBlob`.
  case zeroBlob(Int64)
}
