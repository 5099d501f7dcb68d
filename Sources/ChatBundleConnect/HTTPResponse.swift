/// An HTTP answer: the status, the headers (names in lowercase) and, for plain requests,
/// the body.
public struct HTTPResponse: Sendable {
  public var status: Int
  public var headers: [String: String]
  public var body: [UInt8]

  public init(status: Int, headers: [String: String], body: [UInt8]) {
    self.status = status
    self.headers = headers
    self.body = body
  }

  public func header(_ name: String) -> String? { headers[name.lowercased()] }

  /// The body as text for a message: at most 500 bytes, control characters kept (callers
  /// escape them for the terminal).
  public var bodyExcerpt: String {
    let text = String(decoding: body.prefix(500), as: UTF8.self)
    return body.count > 500 ? text + "…" : text
  }
}
