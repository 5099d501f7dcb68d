/// A source of bytes read in order, such as a file or a decompressor.
public protocol ByteStream: AnyObject {
  /// Reads up to `buffer.count` bytes; returns 0 only at the end of the stream.
  func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

extension ByteStream {
  /// Reads more into a buffer whose unread bytes are `buffer[start..<end]`: moves them to
  /// the front, appends `growth` bytes of room when the buffer is full, and reads after
  /// them. Returns the count read, 0 at the end of the stream.
  public func refill(_ buffer: inout [UInt8], start: inout Int, end: inout Int, growth: Int) throws -> Int {
    if start > 0 {
      let pending = end - start
      let from = start
      buffer.withUnsafeMutableBytes { raw in
        guard let base = raw.baseAddress else { return }
        base.copyMemory(from: base + from, byteCount: pending)
      }
      start = 0
      end = pending
    }
    if end == buffer.count && growth > 0 { buffer.append(contentsOf: [UInt8](repeating: 0, count: growth)) }
    guard end < buffer.count else { return 0 }
    let at = end
    let count = try buffer.withUnsafeMutableBytes { raw in
      try read(into: UnsafeMutableRawBufferPointer(rebasing: raw[at...]))
    }
    end += count
    return count
  }
}

/// Sees a file's bytes as they are read, before anyone else does (to hash the file itself).
public protocol ByteObserver: AnyObject {
  func observe(_ bytes: UnsafeRawBufferPointer)
}

/// Reads a file through its descriptor, with no buffering of its own.
public final class FileByteStream: ByteStream {
  public let path: String
  private let file: OpenFile
  /// Called with every chunk read, before it is handed on (for hashing the file itself).
  public var observer: ((UnsafeRawBufferPointer) -> Void)?
  public private(set) var bytesRead: Int64 = 0

  public init(path: String) throws(ArchiveError) {
    self.path = path
    do {
      // Without O_NONBLOCK, opening a FIFO waits for a writer, forever if none comes; with
      // it, the open returns at once and fstat tells what the file is.
      file = try OpenFile(path, .readOnly, options: [.nonBlocking])
      let kind = try file.status().kind
      guard kind == .regular else {
        throw ArchiveError(
          .io, operation: "open", message: "is \(kind.description); only regular files are read", path: path)
      }
    } catch let error as SystemCallError {
      throw ArchiveError(error)
    } catch let error as ArchiveError {
      throw error
    } catch {
      throw ArchiveError(.io, operation: "open", message: "\(error)", path: path)
    }
    file.makeBlocking()
  }

  /// Moves to a byte offset from the start of the file.
  public func seek(to offset: Int64) throws {
    do { try file.seek(to: offset) } catch { throw ArchiveError(error) }
  }

  public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
    let count: Int
    do { count = try file.read(into: buffer) } catch { throw ArchiveError(error) }
    bytesRead += Int64(count)
    if count > 0, let observer { observer(UnsafeRawBufferPointer(start: base, count: count)) }
    return count
  }
}

/// Bytes pushed back in front of another stream, used to sniff a file's first bytes.
public final class PrefixedByteStream: ByteStream {
  private var prefix: [UInt8]
  private var offset = 0
  private let rest: ByteStream

  public init(prefix: [UInt8], rest: ByteStream) {
    self.prefix = prefix
    self.rest = rest
  }

  public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    if offset < prefix.count {
      let count = min(buffer.count, prefix.count - offset)
      prefix.withUnsafeBytes { source in
        guard let from = source.baseAddress else { return }
        buffer.baseAddress?.copyMemory(from: from + offset, byteCount: count)
      }
      offset += count
      return count
    }
    return try rest.read(into: buffer)
  }
}

/// Opens a file that may be gzip-compressed, decompressing it when its first two bytes say so.
///
/// - Returns: the stream and whether it was compressed.
public func openPossiblyCompressedFile(
  path: String, observer: ((UnsafeRawBufferPointer) -> Void)? = nil
) throws -> (stream: ByteStream, compressed: Bool, file: FileByteStream) {
  let file = try FileByteStream(path: path)
  file.observer = observer
  var head = [UInt8](repeating: 0, count: 2)
  var filled = 0
  while filled < 2 {
    let count = try head.withUnsafeMutableBytes {
      try file.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[filled...]))
    }
    if count == 0 { break }
    filled += count
  }
  head.removeLast(2 - filled)
  let prefixed = PrefixedByteStream(prefix: head, rest: file)
  if head == [0x1f, 0x8b] {
    return (try GzipInflater(source: prefixed, name: path), true, file)
  }
  return (prefixed, false, file)
}
