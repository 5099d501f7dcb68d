import ArchiveIO
import Foundation

package func parentDirectory(of path: String) -> String {
  guard let slash = path.lastIndex(of: "/") else { return "." }
  let parent = String(path[..<slash])
  return parent.isEmpty ? "/" : parent
}

package func baseName(of path: String) -> String {
  guard let slash = path.lastIndex(of: "/") else { return path }
  return String(path[path.index(after: slash)...])
}

/// Creates a new private directory with an unpredictable name (mkdtemp) that carries this
/// process's pid, `<prefix>-<pid>-XXXXXX`, registered for removal on an interrupt.
package func makeTemporaryDirectory(in parent: String, prefix: String) throws -> String {
  try ScratchRegistry.shared.makeDirectory(in: parent, prefix: prefix)
}

/// Creates `relative`'s directories one by one under `base`, which must exist: never
/// `mkdir -p` of the whole path, which would bring back a scratch directory the cleanup
/// after a signal has just renamed away (a thread still writing would then leave it behind).
package func makeDirectories(_ relative: String, in base: String) throws {
  var directory = base
  for part in relative.split(separator: "/") {
    directory += "/" + part
    do { try FileSystem.makeDirectory(directory) } catch {
      guard error.isAlreadyExisting else { throw ChatBundleError.io(error, "cannot create") }
    }
  }
}

package func removeTree(_ path: String) {
  try? FileManager.default.removeItem(atPath: path)
}

/// Writes a whole new file with plain POSIX calls. Foundation's `Data.write` syncs each file
/// to disk, which costs more than the rest of the work when a site has thousands of files;
/// durability comes from the caller's final rename instead.
package func writeNewFile(_ path: String, _ bytes: some Collection<UInt8>) throws {
  let file: OpenFile
  do {
    file = try OpenFile(
      path, .writeOnly, options: [.create, .truncate], permissions: [.ownerReadWrite, .groupRead, .otherRead])
  } catch {
    throw ChatBundleError.io(error, "cannot create")
  }
  do { try file.writeAll(bytes) } catch { throw ChatBundleError.io(error, "write failed") }
}

/// Writes a file that must not exist yet, with exactly `mode` (whatever the umask), and
/// syncs it: for keys and redaction salts, which nothing may overwrite. Created owner-only,
/// so that a secret is never readable by others, not even for a moment.
package func writeNewFileExclusively(_ path: String, _ bytes: some Collection<UInt8>, mode: UInt16 = 0o600) throws {
  do {
    let file = try OpenFile(
      path, .writeOnly, options: [.create, .exclusiveCreate], permissions: [.ownerReadWrite])
    try FileSystem.setPermissions(path, mode)
    try file.writeAll(bytes)
    try file.sync()
    try file.close()
  } catch {
    throw ChatBundleError.io(error, "cannot create", path: path)
  }
}

/// Reads a whole file the program wrote itself (scratch files of bounded size).
package func readWholeFile(_ path: String) throws -> [UInt8] {
  let file: OpenFile
  do { file = try OpenFile(path, .readOnly) } catch { throw ChatBundleError.io(error, "cannot open") }
  var result: [UInt8] = []
  var chunk = [UInt8](repeating: 0, count: 1 << 16)
  while true {
    let count: Int
    do { count = try file.read(into: &chunk) } catch { throw ChatBundleError.io(error, "read failed") }
    if count == 0 { return result }
    result.append(contentsOf: chunk[0..<count])
  }
}
