/// An export that cannot be read: the file, the line or element, and what is wrong.
public enum ImportError: Error, CustomStringConvertible, Sendable {
  case unreadableInput(path: String, message: String)
  case invalidRecord(path: String, line: Int64, element: Int64?, message: String)
  case invalidPeopleFile(path: String, line: Int64?, message: String)

  public var description: String {
    switch self {
    case .unreadableInput(let path, let message): "\(path): \(message)"
    case .invalidRecord(let path, let line, let element, let message):
      "\(path):\(line): " + (element.map { "element \($0): " } ?? "") + message
    case .invalidPeopleFile(let path, let line, let message):
      "\(path)" + (line.map { ":\($0)" } ?? "") + ": " + message
    }
  }
}
