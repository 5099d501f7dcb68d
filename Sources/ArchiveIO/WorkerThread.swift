import Foundation
import Synchronization

/// A thread that owns one value while it runs and hands it back when it ends.
///
/// The value is `sending`: whoever starts the thread gives it up, so nothing else can
/// touch it while the thread runs, and gets it back from `join()`, after the thread has
/// ended. Only `Sendable` things (the body, its error, the value's handoff) cross between
/// the threads, so the compiler checks what a lock would otherwise only promise.
public final class WorkerThread<Value: SendableMetatype> {
  private var joined = false

  /// What the thread leaves behind: whether it ended, the value and the body's error.
  private struct Ending: Sendable {
    var ended = false
    var value: Handoff<Value>?
    var failure: (any Error)?
  }

  private let ending: Monitor<Ending>

  /// Starts `body` on a new thread with `value`.
  public init(
    stackSize: Int = 1 << 20, owning value: sending Value, _ body: @escaping @Sendable (Value) throws -> Void
  ) {
    let ending = Monitor(Ending())
    self.ending = ending
    let start = Handoff(value)
    let thread = Thread {
      guard let value = start.take() else {
        ending.update { $0.ended = true }
        return
      }
      var failure: (any Error)?
      do { try body(value) } catch { failure = error }
      let back = Handoff(value)
      ending.update { $0 = Ending(ended: true, value: back, failure: failure) }
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
    let result = ending.wait(until: \.ended) { $0 }
    if let failure = result.failure { throw failure }
    return result.value?.take()
  }

  deinit {
    if !joined { ending.wait(until: \.ended) { _ in } }
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
