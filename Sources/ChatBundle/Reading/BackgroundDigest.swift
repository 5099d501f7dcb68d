import Dispatch
import Synchronization

/// SHA-256 of an entry's bytes, computed on a thread of its own while the reader goes on
/// with the lines: blocks are hashed in the order they are handed over, at most
/// `maximumPending` of them waiting, so memory stays bounded when hashing falls behind.
final class BackgroundDigest: Sendable {
  private let queue = DispatchQueue(label: "chatbundle.digest")
  private let slots: DispatchSemaphore
  /// Touched only by blocks on the serial `queue`, one at a time, so the lock is never
  /// contended; it is what lets the compiler check the hand-over (`SHA256` is not `Sendable`).
  private let digest = Mutex(SHA256Digest())

  init(maximumPending: Int = 16) {
    slots = DispatchSemaphore(value: maximumPending)
  }

  /// Hashes a copy of `bytes` after everything handed over before.
  func update(_ bytes: UnsafeRawBufferPointer) {
    let copy = Array(bytes)
    slots.wait()
    queue.async {
      self.digest.withLock { $0.update(copy) }
      self.slots.signal()
    }
  }

  /// The digest of everything handed over, once it has all been hashed.
  func finalizeBytes() -> [UInt8] {
    queue.sync { digest.withLock { $0.finalizeBytes() } }
  }
}
