import Foundation

#if canImport(Glibc)
  import Glibc
#endif

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

package func removeTree(_ path: String) {
  try? FileManager.default.removeItem(atPath: path)
}

/// Writes a whole new file with plain POSIX calls. Foundation's `Data.write` syncs each file
/// to disk, which costs more than the rest of the work when a site has thousands of files;
/// durability comes from the caller's final rename instead.
package func writeNewFile(_ path: String, _ bytes: some Collection<UInt8>) throws {
  let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
  guard descriptor >= 0 else {
    throw ChatBundleError.io(path: path, message: "cannot create: \(String(cString: strerror(errno)))")
  }
  defer { close(descriptor) }
  let written: Bool? = bytes.withContiguousStorageIfAvailable { buffer in
    writeAll(descriptor, UnsafeRawBufferPointer(buffer))
  }
  let complete = written ?? Array(bytes).withUnsafeBytes { writeAll(descriptor, $0) }
  guard complete else {
    throw ChatBundleError.io(path: path, message: "write failed: \(String(cString: strerror(errno)))")
  }
}

/// Writes every byte, retrying short writes and EINTR; false on an error (see `errno`).
func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
  guard var pointer = bytes.baseAddress else { return true }
  var left = bytes.count
  while left > 0 {
    let written = write(descriptor, pointer, left)
    if written < 0 {
      if errno == EINTR { continue }
      return false
    }
    pointer += written
    left -= written
  }
  return true
}

/// Reads a whole file the program wrote itself (scratch files of bounded size).
package func readWholeFile(_ path: String) throws -> [UInt8] {
  let descriptor = open(path, O_RDONLY | O_CLOEXEC)
  guard descriptor >= 0 else {
    throw ChatBundleError.io(path: path, message: "cannot open: \(String(cString: strerror(errno)))")
  }
  defer { close(descriptor) }
  var result: [UInt8] = []
  var chunk = [UInt8](repeating: 0, count: 1 << 16)
  while true {
    let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
    if count < 0 {
      if errno == EINTR { continue }
      throw ChatBundleError.io(path: path, message: "read failed: \(String(cString: strerror(errno)))")
    }
    if count == 0 { return result }
    result.append(contentsOf: chunk[0..<count])
  }
}
