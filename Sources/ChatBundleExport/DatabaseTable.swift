/// A table of the database exports (SQLite file, SQL scripts): its columns, key, the
/// references it makes and the indexes made after its rows.
struct DatabaseTable: Sendable {
  enum ColumnType: Sendable {
    case text, integer, boolean, timestamp, json, blob
  }

  struct Column: Sendable {
    var name: String
    var type: ColumnType
    var nullable = true
  }

  struct Reference: Sendable {
    var column: String
    var table: String
    var targetColumn: String
  }

  var name: String
  var columns: [Column]
  var primaryKey: [String]
  struct Index: Sendable {
    var columns: [String]
    var unique = false
  }

  var references: [Reference] = []
  /// Made after the rows, which is faster than keeping them up to date row by row.
  var indexes: [Index] = []

  func column(_ name: String) -> Int? { columns.firstIndex { $0.name == name } }
}
