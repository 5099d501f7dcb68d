/// Why a text is not acceptable JSON, and where (byte offset from the start of the text).
public struct JSONParseError: Error, CustomStringConvertible, Sendable, Equatable {
  public var offset: Int
  public var message: String

  public init(offset: Int, message: String) {
    self.offset = offset
    self.message = message
  }

  public var description: String { "\(message) at byte \(offset + 1)" }
}
