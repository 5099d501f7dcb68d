/// Errors that stop a connector run. None of their texts holds a token or a secret.
public enum ConnectError: Error, Sendable, CustomStringConvertible {
  /// A bad argument: host, org, app, hour key.
  case usage(String)
  /// The server refused the token (401): the run cannot go on.
  case unauthorized(String)
  /// The token endpoint did not give a token.
  case tokenRequestFailed(String)
  /// A local file could not be read or written.
  case io(path: String, message: String)

  public var description: String {
    switch self {
    case .usage(let message): return message
    case .unauthorized(let message): return message
    case .tokenRequestFailed(let message): return "cannot get an app token: \(message)"
    case .io(let path, let message): return "\(path): \(message)"
    }
  }
}
