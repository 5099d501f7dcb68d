import Dispatch
import Foundation
import Synchronization

/// A thread that owns one value while it runs and hands it back when it ends.
///
/// The value is `sending`: whoever starts the thread gives it up, so nothing else can
/// touch it while the thread runs, and gets it back from `join()`, after the thread has
/// ended. Only `Sendable` things (the body, its error, the value's handoff) cross between
/// the threads, so the compiler checks what a lock would otherwise only promise.
public final class WorkerThread<Value: SendableMetatype> {
  private let ending: Ending
  private var joined = false

  /// What the thread leaves behind: the value and the body's error.
  private final class Ending: Sendable {
    let result = Mutex<(value: Handoff<Value>, failure: (any Error)?)?>(nil)
    let ended = DispatchSemaphore(value: 0)
  }

  /// Starts `body` on a new thread with `value`.
  public init(
    stackSize: Int = 1 << 20, owning value: sending Value, _ body: @escaping @Sendable (Value) throws -> Void
  ) {
    let ending = Ending()
    self.ending = ending
    let start = Handoff(value)
    let thread = Thread {
      defer { ending.ended.signal() }
      guard let value = start.take() else { return }
      var failure: (any Error)?
      do { try body(value) } catch { failure = error }
      let back = Handoff(value)
      ending.result.withLock { $0 = (back, failure) }
    }
    thread.stackSize = stackSize
    thread.start()
  }

  /// Waits for the thread to end; rethrows the body's error, or returns the value. Only
  /// the first call waits and returns; later ones return nil.
  @discardableResult
  public func join() throws -> sending Value? {
    guard !joined else { return nil }
    joined = true
    ending.ended.wait()
    guard let result = ending.result.withLock({ $0 }) else { return nil }
    if let failure = result.failure { throw failure }
    return result.value.take()
  }

  deinit {
    if !joined { ending.ended.wait() }
  }
}

/// One value passed from one thread to another: put in whole, taken out whole, once.
final class Handoff<Value>: Sendable {
  private let slot: Mutex<Value?>

  init(_ value: consuming sending Value) { slot = Mutex(value) }

  func take() -> sending Value? {
    slot.withLock { value -> sending Value? in
      let taken = value
      value = nil
      return taken
    }
  }
}
