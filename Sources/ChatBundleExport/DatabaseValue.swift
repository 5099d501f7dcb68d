/// One cell of a database export's row, typed as its column is.
enum DatabaseValue: Equatable {
  case null
  case text(String)
  case integer(Int64)
  case boolean(Bool)
  /// Milliseconds since the epoch, written as a UTC timestamp.
  case timestamp(Int64)
  /// Strict JSON text, as the bundle writes it.
  case json(String)
  case blob([UInt8])
  /// Room for a blob of this many bytes, which `DatabaseWriter.writeMedia` fills piece by
  /// piece; a script, which never carries file bytes, writes null.
  case reservedBlob(Int64)

  static func text(_ value: String?) -> DatabaseValue { value.map { .text($0) } ?? .null }
  static func integer(_ value: Int64?) -> DatabaseValue { value.map { .integer($0) } ?? .null }
  static func timestamp(_ value: Int64?) -> DatabaseValue { value.map { .timestamp($0) } ?? .null }
}
