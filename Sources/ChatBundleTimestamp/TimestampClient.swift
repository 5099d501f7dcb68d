import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// Posts a `TimeStampReq` to a TSA over HTTP(S) (RFC 3161 §3.4): the DER body as
/// `application/timestamp-query`, the answer expected as `application/timestamp-reply`.
/// Only the request leaves the machine: the bundle id's hash imprint and a nonce.
public struct TimestampClient: Sendable {
  public let url: URL
  public let timeout: Double
  /// Replies larger than this are refused; a token with its chain is a few KiB.
  public static let replyLimit = 1 << 20

  public init(url: String, timeout: Double = 30) throws(TimestampError) {
    guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(),
      scheme == "http" || scheme == "https",
      parsed.host != nil
    else { throw .unusable("\(url) is not an http:// or https:// URL") }
    self.url = parsed
    self.timeout = timeout
  }

  /// Sends `request` and returns the reply, granted or not.
  public func send(_ request: TimestampRequest) async throws(TimestampError) -> TimestampResponse {
    var post = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
    post.httpMethod = "POST"
    post.setValue("application/timestamp-query", forHTTPHeaderField: "Content-Type")
    post.setValue("application/timestamp-reply", forHTTPHeaderField: "Accept")
    post.httpBody = Data(request.derBytes)
    let configuration = URLSessionConfiguration.ephemeral
    configuration.timeoutIntervalForRequest = timeout
    configuration.timeoutIntervalForResource = timeout
    configuration.urlCache = nil
    configuration.httpShouldSetCookies = false
    let session = URLSession(configuration: configuration)
    defer { session.finishTasksAndInvalidate() }
    let data: Data
    let response: URLResponse
    do {
      (data, response) = try await session.data(for: post)
    } catch let error as URLError {
      throw .transport("\(url.absoluteString): \(Self.describe(error))")
    } catch {
      throw .transport("\(url.absoluteString): \(error.localizedDescription)")
    }
    guard let http = response as? HTTPURLResponse else { throw .transport("\(url.absoluteString): not an HTTP answer") }
    guard (200..<300).contains(http.statusCode) else {
      throw .transport("the TSA answered HTTP \(http.statusCode)")
    }
    let type =
      (http.value(forHTTPHeaderField: "Content-Type") ?? "").split(separator: ";").first
      .map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
    // application/timestamp-response is the older drafts' name, still sent by some TSAs.
    guard type == "application/timestamp-reply" || type == "application/timestamp-response" else {
      throw .transport(
        "the TSA answered with Content-Type \(type.isEmpty ? "(none)" : type), not application/timestamp-reply")
    }
    guard data.count <= Self.replyLimit else { throw .transport("the TSA's answer is over \(Self.replyLimit) bytes") }
    return try TimestampResponse(derEncoded: Array(data))
  }

  private static func describe(_ error: URLError) -> String {
    switch error.code {
    case .timedOut: "timed out"
    case .cannotConnectToHost: "connection refused"
    case .cannotFindHost, .dnsLookupFailed: "unknown host"
    case .networkConnectionLost: "the connection was closed"
    case .notConnectedToInternet: "no network"
    case .badServerResponse: "a malformed answer"
    default: "URL error \(error.code.rawValue)"
    }
  }
}
