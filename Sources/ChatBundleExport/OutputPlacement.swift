import ChatBundle
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Where an export's output goes, checked before any work and committed after it: the
/// output is built in a scratch place beside the destination and renamed into place only
/// when the bundle verified, so a refused or failed export leaves nothing behind.
enum OutputPlacement {
  /// What is at a directory destination now.
  enum DirectoryState {
    case absent
    case empty
    /// An earlier CSV export (regular `.csv` files only) that `--force` may replace.
    case replaceable
  }

  /// A directory destination may be absent or empty; with `force` it may also hold an
  /// earlier CSV export. Anything else is refused, so `--force` can never delete a
  /// directory of other files.
  static func checkDirectory(_ path: String, force: Bool) throws -> DirectoryState {
    let manager = FileManager.default
    var isDirectory: ObjCBool = false
    guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else { return .absent }
    guard isDirectory.boolValue else { throw ExportError.output("\(path) exists and is not a directory") }
    let names: [String]
    do {
      names = try manager.contentsOfDirectory(atPath: path)
    } catch {
      throw ExportError.output("cannot list \(path): \(error)")
    }
    if names.isEmpty { return .empty }
    guard force else { throw ExportError.output("\(path) exists and is not empty; pass --force to replace it") }
    for name in names {
      var childIsDirectory: ObjCBool = false
      let isFile =
        manager.fileExists(atPath: path + "/" + name, isDirectory: &childIsDirectory) && !childIsDirectory.boolValue
      if !isFile || !name.hasSuffix(".csv") {
        throw ExportError.output(
          "\(path) holds '\(name)'; --force replaces only a directory of an earlier CSV export (.csv files only)")
      }
    }
    return .replaceable
  }

  /// Moves the finished `built` directory to `destination`; `scratch` (on the same file
  /// system) receives a replaced directory, to be removed with it.
  static func commitDirectory(_ built: String, to destination: String, state: DirectoryState, scratch: String)
    throws
  {
    let manager = FileManager.default
    switch state {
    case .absent:
      try move(built, to: destination)
    case .empty:
      do {
        for name in try manager.contentsOfDirectory(atPath: built) {
          try manager.moveItem(atPath: built + "/" + name, toPath: destination + "/" + name)
        }
      } catch {
        throw ExportError.output("cannot move into \(destination): \(error)")
      }
    case .replaceable:
      try move(destination, to: scratch + "/replaced")
      try move(built, to: destination)
    }
  }

  /// A file destination must not exist unless `force` is given, and must not be a directory.
  static func checkFile(_ path: String, force: Bool) throws {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return }
    if isDirectory.boolValue { throw ExportError.output("\(path) is a directory") }
    if !force { throw ExportError.output("\(path) exists; pass --force to replace it") }
  }

  static func move(_ source: String, to destination: String) throws {
    guard rename(source, destination) == 0 else {
      throw ExportError.output("cannot move into place at \(destination): \(String(cString: strerror(errno)))")
    }
  }

  static func trimmed(_ path: String) -> String {
    var result = path
    while result.count > 1 && result.hasSuffix("/") { result.removeLast() }
    return result
  }
}
