/// Why a key, a signature or a timestamp could not be made or read.
public enum ProvenanceError: Error, CustomStringConvertible, Sendable {
  case keyFile(path: String, problem: String)
  case record(String)

  public var description: String {
    switch self {
    case .keyFile(let path, let problem): "\(path): \(problem)"
    case .record(let problem): problem
    }
  }
}
