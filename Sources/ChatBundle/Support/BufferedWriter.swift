import ArchiveIO

/// Buffered writes to a new file, optionally hashing what passes through.
package final class BufferedWriter {
  package let path: String
  private let file: OpenFile
  private var buffer: [UInt8] = []
  private let capacity: Int
  private var digest: SHA256Digest?
  package private(set) var size: Int64 = 0

  package init(creating path: String, hashing: Bool = false, capacity: Int = 1 << 20) throws {
    self.path = path
    self.capacity = capacity
    do { file = try OpenFile(path, .writeOnly, options: [.create, .exclusiveCreate]) } catch {
      throw ChatBundleError.io(error, "cannot create")
    }
    buffer.reserveCapacity(capacity)
    if hashing { digest = SHA256Digest() }
  }

  package func write(_ bytes: [UInt8]) throws {
    size += Int64(bytes.count)
    digest?.update(bytes)
    if buffer.count + bytes.count > capacity { try flush() }
    if bytes.count >= capacity {
      try bytes.withUnsafeBytes { try writeThrough($0) }
    } else {
      buffer.append(contentsOf: bytes)
    }
  }

  package func write(_ bytes: UnsafeRawBufferPointer) throws {
    size += Int64(bytes.count)
    digest?.update(bytes)
    if buffer.count + bytes.count > capacity { try flush() }
    if bytes.count >= capacity {
      try writeThrough(bytes)
    } else {
      buffer.append(contentsOf: bytes)
    }
  }

  package func flush() throws {
    guard !buffer.isEmpty else { return }
    try buffer.withUnsafeBytes { try writeThrough($0) }
    buffer.removeAll(keepingCapacity: true)
  }

  /// Flushes and closes; returns the SHA-256 if hashing was asked for.
  @discardableResult
  package func close() throws -> String? {
    try flush()
    do { try file.close() } catch { throw ChatBundleError.io(path: path, message: "close failed") }
    return digest?.finalizeHex()
  }

  private func writeThrough(_ bytes: UnsafeRawBufferPointer) throws {
    do { try file.writeAll(bytes) } catch { throw ChatBundleError.io(error, "write failed") }
  }
}
