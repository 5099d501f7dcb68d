import SystemPackage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// An open file descriptor with the path it was opened by, closed on deinit. Every read,
/// write and sync outside this module goes through it, and every failure is a
/// `SystemCallError` naming the call, the path and the errno.
public final class OpenFile {
  public typealias Access = FileDescriptor.AccessMode
  public typealias Options = FileDescriptor.OpenOptions
  public typealias Permissions = FilePermissions

  public let path: String
  private var descriptor: FileDescriptor?
  /// Whether deinit closes the descriptor (not for the standard streams).
  private let owned: Bool

  /// `open(2)`; `O_CLOEXEC` is always added, so no child process inherits the descriptor.
  /// `permissions` apply when `options` has `.create`.
  public init(
    _ path: String, _ access: Access, options: Options = [], permissions: Permissions = [.ownerReadWrite]
  ) throws(SystemCallError) {
    self.path = path
    owned = true
    do {
      descriptor = try FileDescriptor.open(
        path, access, options: options.union(.closeOnExec),
        permissions: options.contains(.create) ? permissions : nil)
    } catch {
      throw Self.failure(error, "open", path)
    }
  }

  private init(standard descriptor: FileDescriptor, name: String) {
    path = name
    self.descriptor = descriptor
    owned = false
  }

  /// Standard error, never closed: for messages that must not wait in a buffer.
  public static var standardError: OpenFile { OpenFile(standard: .standardError, name: "<stderr>") }

  deinit {
    if owned, let descriptor { try? descriptor.close() }
  }

  /// Reads up to `buffer.count` bytes, retrying on EINTR; 0 at the end of the file.
  public func read(into buffer: UnsafeMutableRawBufferPointer) throws(SystemCallError) -> Int {
    guard let descriptor, buffer.count > 0 else { return 0 }
    do { return try descriptor.read(into: buffer) } catch { throw Self.failure(error, "read", path) }
  }

  /// Reads up to `buffer.count` bytes into an array's storage (from `offset` with `pread`).
  public func read(into buffer: inout [UInt8], at offset: Int64? = nil) throws(SystemCallError) -> Int {
    var result = Result<Int, SystemCallError>.success(0)
    buffer.withUnsafeMutableBytes { raw in
      result = Result { () throws(SystemCallError) in
        if let offset { return try read(into: raw, at: offset) }
        return try read(into: raw)
      }
    }
    return try result.get()
  }

  /// `count` bytes from `offset` with `pread`, fewer only when the file ends first.
  public func read(count: Int, at offset: Int64) throws(SystemCallError) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: count)
    var filled = 0
    var result = Result<Void, SystemCallError>.success(())
    bytes.withUnsafeMutableBytes { raw in
      result = Result { () throws(SystemCallError) in
        while filled < count {
          let read = try read(into: UnsafeMutableRawBufferPointer(rebasing: raw[filled...]), at: offset + Int64(filled))
          if read == 0 { return }
          filled += read
        }
      }
    }
    try result.get()
    bytes.removeLast(count - filled)
    return bytes
  }

  /// `pread(2)`: up to `buffer.count` bytes from `offset`, leaving the file offset alone.
  public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws(SystemCallError) -> Int {
    guard let descriptor, buffer.count > 0 else { return 0 }
    do {
      return try descriptor.read(fromAbsoluteOffset: offset, into: buffer)
    } catch {
      throw Self.failure(error, "read", path)
    }
  }

  /// Writes every byte, retrying short writes and EINTR.
  public func writeAll(_ bytes: UnsafeRawBufferPointer) throws(SystemCallError) {
    guard let descriptor, !bytes.isEmpty else { return }
    do { _ = try descriptor.writeAll(bytes) } catch { throw Self.failure(error, "write", path) }
  }

  /// Writes every byte of a collection, without a copy when its storage is contiguous.
  public func writeAll(_ bytes: some Collection<UInt8>) throws(SystemCallError) {
    do {
      let written: Void? = try bytes.withContiguousStorageIfAvailable { try writeAll(UnsafeRawBufferPointer($0)) }
      if written == nil { try Array(bytes).withUnsafeBytes { try writeAll($0) } }
    } catch {
      throw Self.failure(error, "write", path)
    }
  }

  /// `fsync(2)`: the file's data and metadata reach the disk before this returns.
  public func sync() throws(SystemCallError) {
    guard let descriptor else { return }
    guard fsync(descriptor.rawValue) == 0 else { throw .last("fsync", path: path) }
  }

  /// `flock(2)` exclusive and non-blocking: false when another open file holds the lock.
  public func tryLockExclusively() throws(SystemCallError) -> Bool {
    guard let descriptor else { return false }
    if flock(descriptor.rawValue, LOCK_EX | LOCK_NB) == 0 { return true }
    let error = SystemCallError.last("flock", path: path)
    if error.errno == .wouldBlock || error.errno == .resourceTemporarilyUnavailable { return false }
    throw error
  }

  /// `fstat(2)` of the open file.
  public func status() throws(SystemCallError) -> FileStatus {
    guard let descriptor else { throw SystemCallError(.badFileDescriptor, operation: "fstat", path: path) }
    do { return FileStatus(try descriptor.stat()) } catch {
      throw SystemCallError(error, operation: "fstat", path: path)
    }
  }

  /// Moves to a byte offset from the start of the file.
  public func seek(to offset: Int64) throws(SystemCallError) {
    guard let descriptor else { return }
    do {
      guard try descriptor.seek(offset: offset, from: .start) == offset else {
        throw SystemCallError(.invalidArgument, operation: "lseek", path: path)
      }
    } catch let error as SystemCallError {
      throw error
    } catch {
      throw Self.failure(error, "lseek", path)
    }
  }

  /// Clears `O_NONBLOCK`, which an open of a path that may be a FIFO needs so as not to
  /// wait for a writer; once `status()` has shown a regular file, reads may block again.
  public func makeBlocking() {
    guard let descriptor else { return }
    let flags = fcntl(descriptor.rawValue, F_GETFL)
    if flags >= 0 { _ = fcntl(descriptor.rawValue, F_SETFL, flags & ~O_NONBLOCK) }
  }

  /// Whether the descriptor is a terminal (`isatty(3)`).
  public var isTerminal: Bool { descriptor.map { isatty($0.rawValue) == 1 } ?? false }

  /// `linkat(2)` of the open file itself (through `/proc/self/fd`), so the name made is the
  /// file this descriptor read, whatever has happened to its path since. Linux only.
  public func link(to destination: String) throws(SystemCallError) {
    guard let descriptor else { throw SystemCallError(.badFileDescriptor, operation: "linkat", path: path) }
    guard linkat(AT_FDCWD, "/proc/self/fd/\(descriptor.rawValue)", AT_FDCWD, destination, AT_SYMLINK_FOLLOW) == 0
    else { throw .last("linkat", path: destination) }
  }

  /// Closes the descriptor, reporting an error that a deinit would have hidden.
  public func close() throws(SystemCallError) {
    guard let descriptor else { return }
    self.descriptor = nil
    guard owned else { return }
    do { try descriptor.close() } catch { throw Self.failure(error, "close", path) }
  }

  /// swift-system's calls throw `Errno` untyped; this one's callers get the typed error.
  private static func failure(_ error: any Error, _ operation: String, _ path: String) -> SystemCallError {
    if let error = error as? SystemCallError { return error }
    return SystemCallError(error as? Errno ?? .ioError, operation: operation, path: path)
  }
}
