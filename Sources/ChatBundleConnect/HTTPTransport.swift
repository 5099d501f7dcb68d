import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

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

/// How often and how long to retry a request that the server turned away for now.
public struct RetryPolicy: Sendable {
  /// Attempts in all, the first included.
  public var attempts: Int
  /// The first backoff; each further one doubles, up to `maximumDelay`.
  public var initialDelay: Double
  public var maximumDelay: Double
  /// A `Retry-After` longer than this is not waited for: the request fails instead.
  public var longestRetryAfter: Double

  public init(attempts: Int = 6, initialDelay: Double = 1, maximumDelay: Double = 60, longestRetryAfter: Double = 600) {
    self.attempts = attempts
    self.initialDelay = initialDelay
    self.maximumDelay = maximumDelay
    self.longestRetryAfter = longestRetryAfter
  }

  public func backoff(afterAttempt attempt: Int) -> Double {
    min(maximumDelay, initialDelay * pow(2, Double(max(0, attempt - 1))))
  }

  /// `Retry-After` as seconds: a number of seconds or an HTTP date.
  public static func retryAfterSeconds(_ value: String?, now: Date = Date()) -> Double? {
    guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
    if let seconds = Double(value), seconds >= 0, seconds.isFinite { return seconds }
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "GMT")
    formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
    guard let date = formatter.date(from: value) else { return nil }
    return max(0, date.timeIntervalSince(now))
  }
}

/// Spaces the starts of requests at least `1 / rate` seconds apart.
final class RateLimiter: @unchecked Sendable {
  private let interval: Double
  private var next = Date.distantPast
  private let lock = NSLock()

  init(requestsPerSecond: Double) {
    interval = requestsPerSecond > 0 ? 1 / requestsPerSecond : 0
  }

  func wait() {
    lock.lock()
    let now = Date()
    let start = max(now, next)
    next = start.addingTimeInterval(interval)
    lock.unlock()
    let delay = start.timeIntervalSince(now)
    if delay > 0 { Thread.sleep(forTimeInterval: delay) }
  }
}

/// Blocking HTTP over URLSession, one request at a time, every request spaced by the rate
/// limiter. Nothing here logs requests, so headers (the token, share secrets) go nowhere
/// but to the server.
final class HTTPTransport: @unchecked Sendable {
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
  func send(_ request: URLRequest) throws(TransportFailure) -> HTTPResponse {
    limiter.wait()
    let box = ResultBox()
    let done = DispatchSemaphore(value: 0)
    let task = session.dataTask(with: request) { data, response, error in
      box.data = data
      box.response = response
      box.error = error
      done.signal()
    }
    task.resume()
    done.wait()
    if let error = box.error { throw Self.failure(error) }
    guard let http = box.response as? HTTPURLResponse else { throw .lost("not an HTTP answer") }
    return HTTPResponse(status: http.statusCode, headers: Self.headers(http), body: Array(box.data ?? Data()))
  }

  /// Downloads to `destination` (replaced). On a 2xx answer the body is the file and the
  /// returned body is empty; otherwise the file is removed and the body (its first 64 KiB)
  /// is returned for the error message.
  func download(_ request: URLRequest, to destination: String) throws(TransportFailure) -> (
    response: HTTPResponse, bytes: Int64
  ) {
    limiter.wait()
    let box = ResultBox()
    let done = DispatchSemaphore(value: 0)
    let task = session.downloadTask(with: request) { location, response, error in
      box.response = response
      box.error = error
      if let location, error == nil {
        // The temporary file goes away when this handler returns: move it now.
        try? FileManager.default.removeItem(atPath: destination)
        do {
          try FileManager.default.moveItem(at: location, to: URL(fileURLWithPath: destination))
        } catch {
          box.moveError = "\(error)"
        }
      }
      done.signal()
    }
    task.resume()
    done.wait()
    if let error = box.error { throw Self.failure(error) }
    guard let http = box.response as? HTTPURLResponse else { throw .lost("not an HTTP answer") }
    if let moveError = box.moveError { throw .lost("cannot keep the downloaded file: \(moveError)") }
    let size = (try? FileManager.default.attributesOfItem(atPath: destination)[.size] as? NSNumber)?.int64Value ?? 0
    var response = HTTPResponse(status: http.statusCode, headers: Self.headers(http), body: [])
    if !(200..<300).contains(http.statusCode) {
      if let handle = FileHandle(forReadingAtPath: destination) {
        response.body = Array(handle.readData(ofLength: 64 << 10))
        try? handle.close()
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

private final class ResultBox: @unchecked Sendable {
  var data: Data?
  var response: URLResponse?
  var error: Error?
  var moveError: String?
}

/// Follows redirects, but drops the token and share secret when one leads to another
/// host: those are for the Easemob server only.
private final class RedirectGuard: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
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
