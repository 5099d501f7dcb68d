/// Why a request got no HTTP answer.
public enum TransportFailure: Error, Sendable, CustomStringConvertible {
  /// The connection was never made (refused, no such host): the request was not sent.
  case unreachable(String)
  /// The request may have been sent but no complete answer came (timeout, connection
  /// closed): the server may or may not have acted on it.
  case lost(String)

  public var description: String {
    switch self {
    case .unreachable(let message): return "cannot connect: \(message)"
    case .lost(let message): return "no complete answer: \(message)"
    }
  }
}
