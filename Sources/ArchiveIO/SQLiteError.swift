/// A failed SQLite call: what was asked, SQLite's result code and its message.
public struct SQLiteError: Error, CustomStringConvertible, Sendable, Equatable {
  public var code: Int32
  public var operation: String
  public var message: String

  public init(code: Int32, operation: String, message: String) {
    self.code = code
    self.operation = operation
    self.message = message
  }

  public var description: String { "SQLite \(operation): \(message) (code \(code))" }
}
