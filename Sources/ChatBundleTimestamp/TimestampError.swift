/// Why a timestamp could not be requested, read or attached. Each case carries a sentence
/// for a person; none carries bytes of the input.
public enum TimestampError: Error, CustomStringConvertible, Sendable, Equatable {
  /// The bytes are not the DER structure they should be.
  case malformed(String)
  /// The TSA answered, and said no.
  case refused(status: String, failInfo: [String], text: [String])
  /// A well-formed answer that is not for this request or this bundle.
  case mismatch(String)
  /// The TSA could not be reached, or did not answer as a TSA.
  case transport(String)
  /// A file given on the command line cannot be used (a root, a certificate, a query).
  case unusable(String)

  public var description: String {
    switch self {
    case .malformed(let problem): problem
    case .refused(let status, let failInfo, let text):
      "the TSA refused the request: status \(status)"
        + (failInfo.isEmpty ? "" : ", failInfo " + failInfo.joined(separator: ", "))
        + (text.isEmpty ? "" : " (\(text.joined(separator: "; ")))")
    case .mismatch(let problem): problem
    case .transport(let problem): problem
    case .unusable(let problem): problem
    }
  }
}
