import SystemPackage

/// What `stat`, `lstat` or `fstat` tells about a file, as much of it as callers use.
public struct FileStatus: Sendable, Equatable {
  public var kind: FileKind
  public var size: Int64
  /// The permission bits with set-id and sticky (`st_mode & 0o7777`).
  public var permissions: UInt16
  /// Device and inode: equal for two paths to the same file.
  public var device: UInt64
  public var inode: UInt64

  init(_ status: Stat) {
    kind = FileKind(status.type)
    size = status.size
    permissions = UInt16(truncatingIfNeeded: status.mode.rawValue & 0o7777)
    device = UInt64(truncatingIfNeeded: status.deviceID.rawValue)
    inode = UInt64(truncatingIfNeeded: status.inode.rawValue)
  }

  /// `stat` (`followingLinks`) or `lstat` of `path`.
  public init(path: String, followingLinks: Bool) throws(SystemCallError) {
    do {
      self.init(try Stat(FilePath(path), followTargetSymlink: followingLinks))
    } catch {
      throw SystemCallError(error, operation: followingLinks ? "stat" : "lstat", path: path)
    }
  }

  /// The status, or nil when the path cannot be examined (absent, or any other error).
  public static func of(_ path: String, followingLinks: Bool) -> FileStatus? {
    try? FileStatus(path: path, followingLinks: followingLinks)
  }

  public var isRegularFile: Bool { kind == .regular }
  public var isDirectory: Bool { kind == .directory }
}
