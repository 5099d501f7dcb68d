import ArchiveIO

/// Spaces the starts of requests at least `1 / rate` seconds apart, whichever task asks.
final class RateLimiter: Sendable {
  private let interval: Duration
  /// When the next request may start. Each caller takes a slot under the lock and sleeps
  /// outside it, so waiting callers queue up in the order they asked.
  private let next = Monitor(ContinuousClock.now)

  init(requestsPerSecond: Double) {
    interval = requestsPerSecond > 0 && requestsPerSecond.isFinite ? .seconds(1 / requestsPerSecond) : .zero
  }

  /// Waits for this request's slot. A cancelled task stops waiting and goes on; the
  /// caller's next suspension point sees the cancellation.
  func wait() async {
    let now = ContinuousClock.now
    let start = next.withLock { next in
      let start = max(now, next)
      next = start + interval
      return start
    }
    if start > now { try? await Task.sleep(until: start, clock: .continuous) }
  }
}
