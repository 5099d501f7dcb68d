import Foundation
import Synchronization

/// The fake server's "now": when a download link expires and which hours are inside the
/// history window. It stands still unless the test moves it, so a test can step through
/// days of hourly pulls in no time and get the same answers every run.
final class FakeClock: Sendable {
  private let current: Mutex<Date>

  init(_ now: Date) { current = Mutex(now) }

  var now: Date { current.withLock { $0 } }

  func set(_ date: Date) { current.withLock { $0 = date } }

  func advance(by seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}
