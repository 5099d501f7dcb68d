import ArchiveIO
import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// HTTP over URLSession's async API, every request spaced by the rate limiter. Nothing
/// here logs requests, so headers (the token, share secrets) go nowhere but to the server.
final class HTTPTransport: Sendable {
  private let session: URLSession
  let limiter: RateLimiter
  let timeout: Double

  init(requestsPerSecond: Double, timeout: Double) {
    let configuration = URLSessionConfiguration.ephemeral
    configuration.timeoutIntervalForRequest = timeout
    configuration.httpCookieAcceptPolicy = .never
    configuration.httpShouldSetCookies = false
    configuration.urlCache = nil
    configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
    session = URLSession(configuration: configuration, delegate: RedirectGuard(), delegateQueue: nil)
    limiter = RateLimiter(requestsPerSecond: requestsPerSecond)
    self.timeout = timeout
  }

  deinit { session.finishTasksAndInvalidate() }

  /// Sends a request and reads the whole answer into memory (API calls, small bodies).
  func send(_ request: URLRequest) async throws(TransportFailure) -> HTTPResponse {
    await limiter.wait()
    let data: Data
    let response: URLResponse
    do {
      (data, response) = try await session.data(for: request)
    } catch {
      throw Self.failure(error)
    }
    guard let http = response as? HTTPURLResponse else { throw .lost("not an HTTP answer") }
    return HTTPResponse(status: http.statusCode, headers: Self.headers(http), body: Array(data))
  }

  /// Downloads to `destination` (replaced). On a 2xx answer the body is the file and the
  /// returned body is empty; otherwise the file is removed and the body (its first 64 KiB)
  /// is returned for the error message.
  func download(_ request: URLRequest, to destination: String) async throws(TransportFailure) -> (
    response: HTTPResponse, bytes: Int64
  ) {
    await limiter.wait()
    let location: URL
    let answer: URLResponse
    do {
      (location, answer) = try await session.download(for: request)
    } catch {
      throw Self.failure(error)
    }
    // The async API leaves the file to the caller, in the temporary directory.
    defer { try? FileManager.default.removeItem(at: location) }
    guard let http = answer as? HTTPURLResponse else { throw .lost("not an HTTP answer") }
    try? FileManager.default.removeItem(atPath: destination)
    do {
      try FileManager.default.moveItem(at: location, to: URL(fileURLWithPath: destination))
    } catch {
      throw .lost("cannot keep the downloaded file: \(error.localizedDescription)")
    }
    let size = DurableFile.size(of: destination) ?? 0
    var response = HTTPResponse(status: http.statusCode, headers: Self.headers(http), body: [])
    if !(200..<300).contains(http.statusCode) {
      if let file = try? OpenFile(destination, .readOnly) {
        response.body = (try? file.read(count: 64 << 10, at: 0)) ?? []
      }
      try? FileManager.default.removeItem(atPath: destination)
    }
    return (response, size)
  }

  private static func headers(_ response: HTTPURLResponse) -> [String: String] {
    var result: [String: String] = [:]
    for (key, value) in response.allHeaderFields {
      if let key = key as? String, let value = value as? String { result[key.lowercased()] = value }
    }
    return result
  }

  private static func failure(_ error: Error) -> TransportFailure {
    guard let error = error as? URLError else { return .lost(error.localizedDescription) }
    switch error.code {
    case .cannotConnectToHost, .cannotFindHost, .dnsLookupFailed, .notConnectedToInternet:
      return .unreachable(describe(error))
    default:
      return .lost(describe(error))
    }
  }

  private static func describe(_ error: URLError) -> String {
    switch error.code {
    case .timedOut: return "timed out"
    case .cannotConnectToHost: return "connection refused"
    case .cannotFindHost, .dnsLookupFailed: return "unknown host"
    case .networkConnectionLost: return "the connection was closed"
    case .notConnectedToInternet: return "no network"
    case .badServerResponse: return "a malformed answer"
    case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
      .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot:
      return "TLS failed (\(error.code.rawValue))"
    default: return "URL error \(error.code.rawValue)"
    }
  }
}

/// Follows redirects, but drops the token and share secret when one leads to another
/// host: those are for the Easemob server only.
private final class RedirectGuard: NSObject, URLSessionTaskDelegate, Sendable {
  func urlSession(
    _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
    newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
  ) {
    var next = request
    let from = task.originalRequest?.url
    if from?.host != request.url?.host || from?.port != request.url?.port || from?.scheme != request.url?.scheme {
      next.setValue(nil, forHTTPHeaderField: "Authorization")
      next.setValue(nil, forHTTPHeaderField: "share-secret")
    }
    completionHandler(next)
  }
}
