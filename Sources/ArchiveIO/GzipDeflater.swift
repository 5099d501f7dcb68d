import CZlib

/// Streaming gzip compression (one member, no file name, zero mtime) through zlib.
///
/// The header carries no time stamp and a fixed OS byte (3, Unix, whatever the platform),
/// so the output depends only on the input bytes, the levels chosen and the zlib build.
public final class GzipDeflater {
  private var stream = z_stream()
  /// zlib reads the header fields when it writes the header, after `init` returns, so they
  /// live at a stable address.
  private let header = UnsafeMutablePointer<gz_header>.allocate(capacity: 1)
  private var output: [UInt8]
  private var finished = false
  private var level: Int32
  private let sink: (UnsafeRawBufferPointer) throws -> Void

  /// - Parameters:
  ///   - level: zlib compression level, 0 to 9.
  ///   - sink: receives compressed bytes in order; an error it throws stops compression.
  public init(
    level: Int = 6, bufferSize: Int = 256 * 1024,
    sink: @escaping (UnsafeRawBufferPointer) throws -> Void
  ) throws(ArchiveError) {
    self.level = Int32(level)
    self.output = [UInt8](repeating: 0, count: bufferSize)
    self.sink = sink
    header.initialize(to: gz_header())
    header.pointee.os = 3
    let status = chatbundle_deflate_init_gzip(&stream, Int32(level))
    guard status == Z_OK else {
      throw ArchiveError(.io, operation: "deflateInit2", message: "zlib status \(status)")
    }
    let headerStatus = deflateSetHeader(&stream, header)
    guard headerStatus == Z_OK else {
      throw ArchiveError(.io, operation: "deflateSetHeader", message: "zlib status \(headerStatus)")
    }
  }

  deinit {
    deflateEnd(&stream)
    header.deinitialize(count: 1)
    header.deallocate()
  }

  /// Changes the level for the bytes that follow; the bytes before keep the old one.
  public func setLevel(_ newLevel: Int) throws {
    let newLevel = Int32(newLevel)
    guard newLevel != level, !finished else { return }
    // deflateParams may need output space to flush what it holds under the old level.
    while true {
      let status = output.withUnsafeMutableBufferPointer { out -> Int32 in
        stream.next_out = out.baseAddress
        stream.avail_out = UInt32(out.count)
        return deflateParams(&stream, newLevel, Z_DEFAULT_STRATEGY)
      }
      try drainOutput()
      if status == Z_OK { break }
      if status != Z_BUF_ERROR {
        throw ArchiveError(.io, operation: "deflateParams", message: "zlib status \(status)")
      }
    }
    level = newLevel
  }

  public func write(_ bytes: UnsafeRawBufferPointer) throws {
    guard !bytes.isEmpty else { return }
    guard let base = bytes.baseAddress else { return }
    stream.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: UInt8.self))
    stream.avail_in = UInt32(bytes.count)
    while stream.avail_in > 0 {
      try step(flush: Z_NO_FLUSH)
    }
    stream.next_in = nil
  }

  public func write(_ bytes: [UInt8]) throws {
    try bytes.withUnsafeBytes { try write($0) }
  }

  /// Writes the gzip trailer. The deflater cannot be used afterwards.
  public func finish() throws {
    guard !finished else { return }
    var status: Int32 = Z_OK
    repeat {
      status = try step(flush: Z_FINISH)
    } while status != Z_STREAM_END
    finished = true
  }

  @discardableResult
  private func step(flush: Int32) throws -> Int32 {
    let status = output.withUnsafeMutableBufferPointer { out -> Int32 in
      stream.next_out = out.baseAddress
      stream.avail_out = UInt32(out.count)
      return deflate(&stream, flush)
    }
    if status != Z_OK && status != Z_STREAM_END && status != Z_BUF_ERROR {
      throw ArchiveError(.io, operation: "deflate", message: "zlib status \(status)")
    }
    try drainOutput()
    return status
  }

  private func drainOutput() throws {
    let produced = output.count - Int(stream.avail_out)
    if produced > 0 {
      try output.withUnsafeBytes { try sink(UnsafeRawBufferPointer(rebasing: $0[0..<produced])) }
    }
  }

  /// Compresses a whole buffer at once; for small data and tests.
  public static func compress(_ bytes: [UInt8], level: Int = 6) throws -> [UInt8] {
    var result: [UInt8] = []
    let deflater = try GzipDeflater(level: level, bufferSize: 64 * 1024) { result.append(contentsOf: $0) }
    try deflater.write(bytes)
    try deflater.finish()
    return result
  }
}
