import ArchiveIO
import ChatBundle
import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// How the client proves itself to Easemob.
public enum EasemobCredentials: Sendable {
  /// An app token (`Authorization: Bearer …`), used as it is.
  case token(String)
  /// Client credentials, exchanged at `POST /{org}/{app}/token` for an app token.
  case clientCredentials(id: String, secret: String)
}

/// One Easemob app's REST API: `{base}/{org}/{app}/…`, with the app token in every request
/// to that host and nowhere else. Requests are spaced by the rate and retried with
/// backoff when the server turns them away for now (429 with `Retry-After`, 503, timeouts).
///
/// The token and client secret are never put in an error, a notice or a file: texts that
/// come back from the server pass through ``redact(_:)`` before anyone sees them.
public final class EasemobClient: Sendable {
  public let baseURL: URL
  public let org: String
  public let app: String
  public let retry: RetryPolicy
  /// Told about each retry and wait, for the user to see (already redacted).
  public let onNotice: (@Sendable (String) -> Void)?

  let transport: HTTPTransport
  private let credentials: EasemobCredentials
  private let tokens = Monitor(TokenState())

  private struct TokenState {
    /// The token fetched with the client credentials, once there is one.
    var fetched: String?
    /// Whether a fetched token was already dropped after a 401: a second 401 is final.
    var refreshedOnce = false
  }

  /// - Parameters:
  ///   - host: `https://a1.easemob.com`, `a1.easemob.com` (https is assumed) or an
  ///     `http://` URL (for a local server).
  ///   - rate: requests per second, every request counted (API calls and downloads).
  public init(
    host: String, org: String, app: String, credentials: EasemobCredentials, rate: Double = 2,
    retry: RetryPolicy = RetryPolicy(), timeout: Double = 60, onNotice: (@Sendable (String) -> Void)? = nil
  ) throws(ConnectError) {
    baseURL = try Self.baseURL(fromHost: host)
    for (name, value) in [("org", org), ("app", app)] where !Self.isPathSegment(value) {
      throw .usage("--\(name) '\(value)' is not an Easemob \(name) name (letters, digits, '-', '_', '.')")
    }
    guard rate > 0, rate.isFinite else { throw .usage("--rate must be a positive number of requests per second") }
    switch credentials {
    case .token(let token) where token.isEmpty || token.contains(where: \.isNewline):
      throw .usage("the token is empty or holds a line break")
    case .clientCredentials(let id, let secret) where id.isEmpty || secret.isEmpty:
      throw .usage("both --client-id and --client-secret are needed")
    default: break
    }
    self.org = org
    self.app = app
    self.credentials = credentials
    self.retry = retry
    self.onNotice = onNotice
    transport = HTTPTransport(requestsPerSecond: rate, timeout: timeout)
  }

  /// `https://host[:port]` from what the user typed; a path or query is refused.
  public static func baseURL(fromHost host: String) throws(ConnectError) -> URL {
    var text = host.trimmingCharacters(in: .whitespaces)
    while text.hasSuffix("/") { text.removeLast() }
    if !text.contains("://") { text = "https://" + text }
    guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
      scheme == "https" || scheme == "http", let name = components.host, !name.isEmpty,
      components.path.isEmpty, components.query == nil, components.user == nil, components.password == nil,
      let url = components.url
    else {
      throw .usage("--host '\(host)' is not a host name or an http(s) URL without a path, like https://a1.easemob.com")
    }
    return url
  }

  /// Whether plain http would carry the token over a network (anything but loopback).
  public var sendsTokenInClear: Bool {
    baseURL.scheme == "http" && !["127.0.0.1", "localhost", "::1", "[::1]"].contains(baseURL.host ?? "")
  }

  static func isPathSegment(_ text: String) -> Bool {
    !text.isEmpty && text != "." && text != ".." && text.utf8.count <= 128
      && text.unicodeScalars.allSatisfy {
        ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_"
          || $0 == "."
      }
  }

  /// `{base}/{org}/{app}/{path}`.
  public func apiURL(_ path: String) -> URL {
    baseURL.appendingPathComponent(org).appendingPathComponent(app).appendingPathComponent(path)
  }

  /// Whether a URL is on the API's own host, the only one the token is sent to.
  public func isAPIHost(_ url: URL) -> Bool {
    url.scheme?.lowercased() == baseURL.scheme?.lowercased() && url.host?.lowercased() == baseURL.host?.lowercased()
      && (url.port ?? defaultPort(url)) == (baseURL.port ?? defaultPort(baseURL))
  }

  private func defaultPort(_ url: URL) -> Int { url.scheme?.lowercased() == "http" ? 80 : 443 }

  /// The text with the token and client secret replaced by `[redacted]`.
  public func redact(_ text: String) -> String {
    var result = text
    var secrets: [String] = []
    switch credentials {
    case .token(let token): secrets.append(token)
    case .clientCredentials(_, let secret): secrets.append(secret)
    }
    if let fetched = tokens.withLock({ $0.fetched }) { secrets.append(fetched) }
    for secret in secrets where secret.count >= 4 {
      result = result.replacingOccurrences(of: secret, with: "[redacted]")
    }
    return result
  }

  // MARK: Token

  /// The app token: the given one, or one fetched with the client credentials.
  func token() async throws(ConnectError) -> String {
    switch credentials {
    case .token(let token): return token
    case .clientCredentials(let id, let secret):
      if let fetched = tokens.withLock({ $0.fetched }) { return fetched }
      var body = JSONObject()
      body.append("grant_type", "client_credentials")
      body.append("client_id", id)
      body.append("client_secret", secret)
      var request = URLRequest(url: apiURL("token"))
      request.httpMethod = "POST"
      request.setValue("application/json", forHTTPHeaderField: "Content-Type")
      request.setValue("application/json", forHTTPHeaderField: "Accept")
      request.httpBody = Data(JSONWriter.serialize(.object(body)))
      let response: HTTPResponse
      do {
        response = try await perform(request, idempotent: true, what: "token request")
      } catch let failure as TransportFailure {
        throw .tokenRequestFailed(failure.description)
      } catch {
        throw .tokenRequestFailed("\(error)")
      }
      guard response.status == 200 else {
        if response.status == 401 || response.status == 400 || response.status == 404 {
          throw .unauthorized(
            "the token endpoint refused the client credentials (HTTP \(response.status)): "
              + "check --client-id, --client-secret, --org and --app. "
              + redact(response.bodyExcerpt))
        }
        throw .tokenRequestFailed("HTTP \(response.status): \(redact(response.bodyExcerpt))")
      }
      guard let object = (try? JSONParser.parse(response.body, options: .lenient))?.objectValue,
        let token = object["access_token"]?.stringValue, !token.isEmpty, !token.contains(where: \.isNewline)
      else { throw .tokenRequestFailed("the answer holds no access_token") }
      tokens.withLock { $0.fetched = token }
      return token
    }
  }

  /// After a 401: drops a fetched token so the next request fetches a new one. Returns
  /// false when there is nothing to refresh (a given token, or one fetched just now).
  func refreshTokenAfterRejection() -> Bool {
    guard case .clientCredentials = credentials else { return false }
    return tokens.withLock { state in
      guard state.fetched != nil, !state.refreshedOnce else { return false }
      state.fetched = nil
      state.refreshedOnce = true
      return true
    }
  }

  func unauthorizedError(_ response: HTTPResponse) -> ConnectError {
    let hint: String
    switch credentials {
    case .token:
      hint = "the app token is wrong or has expired: get a new one (or pass --client-id and --client-secret)"
    case .clientCredentials:
      hint = "the token fetched with the client credentials was refused: check that they belong to this org and app"
    }
    return .unauthorized("the server refused the token (HTTP 401): \(hint). \(redact(response.bodyExcerpt))")
  }

  // MARK: Requests

  /// An API request with the token.
  func apiRequest(_ url: URL, method: String = "GET", body: [UInt8]? = nil) async throws(ConnectError) -> URLRequest {
    var request = URLRequest(url: url)
    request.httpMethod = method
    request.setValue("application/json", forHTTPHeaderField: "Accept")
    request.setValue("Bearer " + (try await token()), forHTTPHeaderField: "Authorization")
    if let body {
      request.setValue("application/json", forHTTPHeaderField: "Content-Type")
      request.httpBody = Data(body)
    }
    return request
  }

  /// Sends with retries. Retried: 429 and 503 (the server did not act on the request),
  /// a connection that could not be made, and, when `idempotent`, timeouts, dropped
  /// connections, 500, 502 and 504. Anything else is returned as it came.
  func perform(_ request: URLRequest, idempotent: Bool, what: String) async throws -> HTTPResponse {
    try await withRetries(idempotent: idempotent, what: what) { () async throws(TransportFailure) in
      try await transport.send(request)
    }
  }

  /// Like ``perform(_:idempotent:what:)`` for a download to a file (always idempotent).
  func download(_ request: URLRequest, to path: String, what: String) async throws -> (
    response: HTTPResponse, bytes: Int64
  ) {
    var bytes: Int64 = 0
    let response = try await withRetries(idempotent: true, what: what) { () async throws(TransportFailure) in
      let result = try await transport.download(request, to: path)
      bytes = result.bytes
      return result.response
    }
    return (response, bytes)
  }

  /// Waits between attempts (backoff, `Retry-After`) are cancellable: a cancelled run
  /// stops there.
  private func withRetries(
    idempotent: Bool, what: String, _ attempt: () async throws(TransportFailure) -> HTTPResponse
  ) async throws -> HTTPResponse {
    var number = 0
    while true {
      number += 1
      let last = number >= retry.attempts
      let delay: Double
      do {
        let response = try await attempt()
        let status = response.status
        let retriable = status == 429 || status == 503 || (idempotent && [500, 502, 504].contains(status))
        guard retriable, !last else { return response }
        let asked = RetryPolicy.retryAfterSeconds(response.header("Retry-After"))
        if let asked, asked > retry.longestRetryAfter { return response }
        delay = asked ?? retry.backoff(afterAttempt: number)
        notice("\(what): HTTP \(status), retrying in \(formatSeconds(delay))" + (asked != nil ? " (Retry-After)" : ""))
      } catch {
        switch error {
        case .unreachable: break
        case .lost: if !idempotent { throw error }
        }
        if last { throw error }
        delay = retry.backoff(afterAttempt: number)
        notice("\(what): \(error), retrying in \(formatSeconds(delay))")
      }
      try await Task.sleep(for: .seconds(delay))
    }
  }

  func notice(_ text: String) { onNotice?(redact(text)) }

  private func formatSeconds(_ seconds: Double) -> String {
    seconds == seconds.rounded() ? "\(Int(seconds)) s" : String(format: "%.1f s", seconds)
  }
}
