import ChatBundle

/// Why an export was not written. Nothing is left at the destination in any of these cases.
public enum ExportError: Error, CustomStringConvertible {
  /// The bundle failed verification; nothing derived from it is written.
  case invalidBundle(VerificationReport)
  /// The bundle could not be read (an I/O error, not damage).
  case unreadable(String)
  /// The destination cannot be written or is in the way.
  case output(String)

  public var description: String {
    switch self {
    case .invalidBundle(let report): "the bundle is INVALID (\(report.errorCount) errors); nothing was exported"
    case .unreadable(let message): message
    case .output(let message): message
    }
  }
}
