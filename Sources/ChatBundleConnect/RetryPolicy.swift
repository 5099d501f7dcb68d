import Foundation

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
