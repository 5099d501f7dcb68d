import Dispatch

/// SHA-256 of an entry's bytes, computed on a thread of its own while the reader goes on
/// with the lines: blocks are hashed in the order they are handed over, at most
/// `maximumPending` of them waiting, so memory stays bounded when hashing falls behind.
final class BackgroundDigest: Sendable {
  private let queue = DispatchQueue(label: "chatbundle.digest")
  private let slots: DispatchSemaphore
  private let state = State()

  init(maximumPending: Int = 16) {
    slots = DispatchSemaphore(value: maximumPending)
  }

  /// Hashes a copy of `bytes` after everything handed over before.
  func update(_ bytes: UnsafeRawBufferPointer) {
    let copy = Array(bytes)
    slots.wait()
    let state = self.state
    let slots = self.slots
    queue.async {
      state.digest.update(copy)
      slots.signal()
    }
  }

  /// The digest of everything handed over, once it has all been hashed.
  func finalizeBytes() -> [UInt8] {
    let state = self.state
    return queue.sync { state.digest.finalizeBytes() }
  }

  /// `@unchecked Sendable` is sound: `digest` is touched only by blocks run on the serial
  /// `queue`, one at a time and in order, and `finalizeBytes` reads it through
  /// `queue.sync`, which runs after every block enqueued before it.
  private final class State: @unchecked Sendable {
    var digest = SHA256Digest()
  }
}
