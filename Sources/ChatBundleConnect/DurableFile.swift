import Foundation
import SystemPackage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Small files that must survive a crash whole or not at all: written to a temporary
/// file, synced, renamed over the old one, and the directory synced.
enum DurableFile {
  static func store(_ bytes: [UInt8], at path: String) throws(ConnectError) {
    let temporary = path + ".tmp"
    do {
      let file = try FileDescriptor.open(
        temporary, .writeOnly, options: [.create, .truncate, .closeOnExec], permissions: [.ownerReadWrite])
      try file.closeAfter {
        _ = try file.writeAll(bytes)
        try sync(file)
      }
    } catch {
      throw .io(path: temporary, message: "cannot write: \(error)")
    }
    do {
      try moveIntoPlace(temporary, to: path)
    } catch {
      throw .io(path: path, message: "rename failed: \(error)")
    }
    syncDirectory(of: path)
  }

  /// Puts a whole file in its place in one step (rename), replacing what was there.
  static func moveIntoPlace(_ source: String, to destination: String) throws(Errno) {
    guard rename(source, destination) == 0 else { throw Errno(rawValue: errno) }
  }

  /// Makes a rename in the directory durable.
  static func syncDirectory(of path: String) {
    let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
    syncQuietly(directory.isEmpty ? "/" : directory, options: [.directory, .closeOnExec])
  }

  static func syncFile(_ path: String) { syncQuietly(path, options: [.closeOnExec]) }

  static func size(of path: String) -> Int64? {
    var info = stat()
    guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
    return Int64(info.st_size)
  }

  /// Best effort: a file system that cannot sync a file or directory still keeps the
  /// rename, only with less of a promise after a power loss.
  private static func syncQuietly(_ path: String, options: FileDescriptor.OpenOptions) {
    guard let file = try? FileDescriptor.open(path, .readOnly, options: options) else { return }
    try? file.closeAfter { try sync(file) }
  }

  private static func sync(_ file: FileDescriptor) throws(Errno) {
    guard fsync(file.rawValue) == 0 else { throw Errno(rawValue: errno) }
  }
}
