import ArchiveIO

/// Why packing or reading failed, worded for the person at the terminal: it names the
/// file, the line or entry, and what is wrong.
public enum ChatBundleError: Error, CustomStringConvertible, Sendable {
  case io(path: String, message: String)
  case invalidRecord(input: String, line: Int64, message: String)
  case conflictingDuplicate(id: String, first: String, second: String)
  case tooManySkipped(limit: Int)
  case mediaChanged(path: String)
  case invalidOption(String)
  case archive(ArchiveError)

  public var description: String {
    switch self {
    case .io(let path, let message): "\(path): \(message)"
    case .invalidRecord(let input, let line, let message): "\(input):\(line): \(message)"
    case .conflictingDuplicate(let id, let first, let second):
      "message id \(id) appears at \(first) and at \(second) with different content "
        + "(pass --keep-first-duplicate to keep the first copy and record the other as skipped)"
    case .tooManySkipped(let limit):
      "more than \(limit) invalid records were skipped; is this the right input? (raise --max-skipped)"
    case .mediaChanged(let path): "\(path): the file changed while it was being packed"
    case .invalidOption(let message): message
    case .archive(let error): error.description
    }
  }
}

extension ChatBundleError {
  /// A failed system call as `.io`: "<doing>: <the errno's text>", on `path` or the call's.
  public static func io(_ error: SystemCallError, _ doing: String, path: String? = nil) -> ChatBundleError {
    .io(path: path ?? error.path ?? "", message: doing + ": " + error.message)
  }
}
