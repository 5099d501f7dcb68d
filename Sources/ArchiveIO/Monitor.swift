import Foundation
import Synchronization

/// State shared between threads, which may wait for it to change: a lock, a condition to
/// wait on, and the state, reached only inside `withLock`, `update` and `wait`.
///
/// Two locks, on purpose. `NSCondition` (pthread mutex and condition variable) does the
/// locking and the waiting, and ThreadSanitizer sees its calls, so it knows what happens
/// before what. The `Mutex` inside, never contended since it is only taken under the
/// condition, is what lets the compiler prove the class `Sendable` without `@unchecked`;
/// `Mutex` alone is invisible to ThreadSanitizer on Linux (futexes), which would report
/// every hand-over through it as a race.
public final class Monitor<State: Sendable>: Sendable {
  private let condition = NSCondition()
  private let state: Mutex<State>

  public init(_ initial: State) { state = Mutex(initial) }

  /// Runs `body` on the state under the lock and wakes no one: a plain lock.
  public func withLock<Result: Sendable, E: Error>(_ body: (inout State) throws(E) -> Result) throws(E) -> Result {
    condition.lock()
    defer { condition.unlock() }
    return try state.withLock { (value: inout sending State) throws(E) -> Result in try body(&value) }
  }

  /// Changes the state and wakes every waiter.
  @discardableResult
  public func update<Result: Sendable>(_ body: (inout State) -> Result) -> Result {
    condition.lock()
    defer {
      condition.broadcast()
      condition.unlock()
    }
    return state.withLock { body(&$0) }
  }

  /// Waits until `ready` holds, then runs `body` under the same lock and wakes every waiter.
  @discardableResult
  public func wait<Result: Sendable>(until ready: (State) -> Bool, then body: (inout State) -> Result) -> Result {
    condition.lock()
    defer {
      condition.broadcast()
      condition.unlock()
    }
    while !state.withLock({ ready($0) }) { condition.wait() }
    return state.withLock { body(&$0) }
  }
}
