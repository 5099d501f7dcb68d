/// An exclusive `flock(2)` on a file, held while the value lives: two runs of a cron job
/// never overlap. The kernel drops the lock when the process ends, however it ends, so a
/// killed run leaves no stale lock behind.
public final class FileLock {
  private let file: OpenFile

  /// Takes the lock on `path` (created if absent), or returns nil when another process
  /// holds it.
  public init?(path: String) throws(SystemCallError) {
    file = try OpenFile(path, .readWrite, options: [.create])
    guard try file.tryLockExclusively() else { return nil }
  }
}
