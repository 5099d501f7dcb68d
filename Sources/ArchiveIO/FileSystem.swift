import SystemPackage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Calls on paths rather than on open files: rename, remove, create directories, change
/// permissions, resolve links. Each throws a `SystemCallError` with the errno.
public enum FileSystem {
  /// `rename(2)`: one atomic step on one file system, replacing a file or an empty
  /// directory at `destination`.
  public static func rename(_ source: String, to destination: String) throws(SystemCallError) {
    guard renameFile(source, destination) == 0 else { throw .last("rename", path: destination) }
  }

  /// `unlink(2)`.
  public static func removeFile(_ path: String) throws(SystemCallError) {
    guard unlink(path) == 0 else { throw .last("unlink", path: path) }
  }

  /// `mkdir(2)`.
  public static func makeDirectory(_ path: String, permissions: UInt16 = 0o755) throws(SystemCallError) {
    guard mkdir(path, mode_t(permissions)) == 0 else { throw .last("mkdir", path: path) }
  }

  /// `rmdir(2)`: only an empty directory.
  public static func removeDirectory(_ path: String) throws(SystemCallError) {
    guard rmdir(path) == 0 else { throw .last("rmdir", path: path) }
  }

  /// `chmod(2)` with the permission bits (`0o7777` at most).
  public static func setPermissions(_ path: String, _ permissions: UInt16) throws(SystemCallError) {
    guard chmod(path, mode_t(permissions & 0o7777)) == 0 else { throw .last("chmod", path: path) }
  }

  /// `mkdtemp(3)`: creates `<prefix>XXXXXX` with six unpredictable characters, mode 0700,
  /// and returns its path.
  public static func makeUniqueDirectory(prefix: String) throws(SystemCallError) -> String {
    var template = Array((prefix + "XXXXXX").utf8CString)
    let created = template.withUnsafeMutableBufferPointer { buffer -> Bool in
      guard let base = buffer.baseAddress else { return false }
      return mkdtemp(base) != nil
    }
    guard created else { throw .last("mkdtemp", path: prefix + "XXXXXX") }
    return String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  /// `realpath(3)`: the absolute path with every link resolved, or nil if it does not exist.
  public static func canonicalPath(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
  }

  /// Makes the renames in a directory durable, as far as the file system can: one that
  /// cannot sync a directory keeps the renames, with less of a promise after a power loss.
  public static func syncDirectory(_ path: String) {
    guard let directory = try? OpenFile(path, .readOnly, options: [.directory]) else { return }
    try? directory.sync()
  }
}

/// The C `rename`, outside the enum whose method shares its name.
private func renameFile(_ source: String, _ destination: String) -> Int32 { rename(source, destination) }
