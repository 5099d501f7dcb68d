#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// This process and others by pid: who we are, whether another is alive, and the exit that
/// runs no `atexit` handlers.
public enum CurrentProcess {
  /// `getpid(2)`.
  public static var id: Int32 { getpid() }

  /// Whether a process with this pid exists: `kill(pid, 0)` succeeds, or fails for want of
  /// permission (EPERM: it exists, another user's). Only ESRCH says it is gone.
  public static func isAlive(_ pid: Int32) -> Bool {
    guard kill(pid, 0) != 0 else { return true }
    return errno != ESRCH
  }

  /// `_exit(2)`: ends the process at once, without the `atexit` handlers, which must not
  /// run while other threads still do.
  public static func exitImmediately(_ status: Int32) -> Never { _exit(status) }
}
