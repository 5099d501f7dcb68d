import ArchiveIO
import Foundation

/// Small files that must survive a crash whole or not at all: written to a temporary
/// file, synced, renamed over the old one, and the directory synced.
enum DurableFile {
  static func store(_ bytes: [UInt8], at path: String) throws(ConnectError) {
    let temporary = path + ".tmp"
    do {
      let file = try OpenFile(temporary, .writeOnly, options: [.create, .truncate])
      try file.writeAll(bytes)
      try file.sync()
      try file.close()
    } catch {
      throw .io(path: temporary, message: "cannot write: \(error.message)")
    }
    do {
      try moveIntoPlace(temporary, to: path)
    } catch {
      throw .io(path: path, message: "rename failed: \(error.message)")
    }
    syncDirectory(of: path)
  }

  /// Puts a whole file in its place in one step (rename), replacing what was there.
  static func moveIntoPlace(_ source: String, to destination: String) throws(SystemCallError) {
    try FileSystem.rename(source, to: destination)
  }

  /// Makes a rename in the directory durable.
  static func syncDirectory(of path: String) {
    let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
    FileSystem.syncDirectory(directory.isEmpty ? "/" : directory)
  }

  /// Best effort: a file system that cannot sync a file still keeps the rename, only with
  /// less of a promise after a power loss.
  static func syncFile(_ path: String) {
    guard let file = try? OpenFile(path, .readOnly) else { return }
    try? file.sync()
  }

  static func size(of path: String) -> Int64? {
    guard let info = FileStatus.of(path, followingLinks: true), info.kind == .regular else { return nil }
    return info.size
  }
}
