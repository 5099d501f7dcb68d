import Foundation

/// Scratch files and directories that must not outlive the process, so that an
/// interrupted pack (Ctrl-C, SIGTERM) leaves nothing behind, not even hidden files.
public final class ScratchRegistry: @unchecked Sendable {
  public static let shared = ScratchRegistry()
  private let lock = NSLock()
  private var paths: Set<String> = []

  public func register(_ path: String) {
    lock.lock()
    paths.insert(path)
    lock.unlock()
  }

  public func unregister(_ path: String) {
    lock.lock()
    paths.remove(path)
    lock.unlock()
  }

  /// Removes everything still registered; called on the way out after a signal.
  public func removeAll() {
    lock.lock()
    let pending = paths
    paths = []
    lock.unlock()
    for path in pending { try? FileManager.default.removeItem(atPath: path) }
  }
}
