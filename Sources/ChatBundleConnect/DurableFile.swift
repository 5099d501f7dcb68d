import Foundation

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
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else { throw .io(path: temporary, message: "cannot create: \(lastError())") }
    var offset = 0
    while offset < bytes.count {
      let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
      if written < 0 {
        if errno == EINTR { continue }
        let message = lastError()
        close(descriptor)
        throw .io(path: temporary, message: "write failed: \(message)")
      }
      offset += written
    }
    guard fsync(descriptor) == 0 else {
      let message = lastError()
      close(descriptor)
      throw .io(path: temporary, message: "fsync failed: \(message)")
    }
    close(descriptor)
    guard rename(temporary, path) == 0 else { throw .io(path: path, message: "rename failed: \(lastError())") }
    syncDirectory(of: path)
  }

  /// Makes a rename in the directory durable.
  static func syncDirectory(of path: String) {
    let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
    let descriptor = open(directory.isEmpty ? "/" : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard descriptor >= 0 else { return }
    _ = fsync(descriptor)
    close(descriptor)
  }

  static func syncFile(_ path: String) {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return }
    _ = fsync(descriptor)
    close(descriptor)
  }

  static func size(of path: String) -> Int64? {
    var info = stat()
    guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
    return Int64(info.st_size)
  }

  static func lastError() -> String { String(cString: strerror(errno)) }
}
