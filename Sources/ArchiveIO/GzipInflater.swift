import CZlib

/// Streaming gzip decompression that is stricter than libarchive's gzip reader.
///
/// zlib checks each member's CRC-32 and length; this type also rejects a stream that ends
/// early and any bytes after the last member that do not start another member, which
/// libarchive silently ignores.
public final class GzipInflater: ByteStream {
  private let source: ByteStream
  private let name: String?
  private var stream = z_stream()
  private var input: [UInt8]
  private var inputStart = 0
  private var inputEnd = 0
  private var sourceEnded = false
  private var finished = false
  private var memberEnded = false
  private var sawAnyInput = false
  public private(set) var members = 0
  public private(set) var decompressedBytes: Int64 = 0
  /// Each member's header extra field, kept for the members that hold no data (as many as
  /// `maximumEmptyMembers`), with whether data followed them: the attachments of spec
  /// §3.1 are the empty members at the end.
  private var emptyMembers: [(extra: [UInt8], followedByData: Bool)] = []
  private var memberStartBytes: Int64 = 0
  public static let maximumEmptyMembers = 64
  /// zlib writes each member's header here; the extra field into `extraBuffer`.
  private let header = UnsafeMutablePointer<gz_header>.allocate(capacity: 1)
  private let extraBuffer = UnsafeMutablePointer<UInt8>.allocate(capacity: Int(UInt16.max))

  public init(source: ByteStream, name: String? = nil, bufferSize: Int = 64 * 1024) throws(ArchiveError) {
    self.source = source
    self.name = name
    self.input = [UInt8](repeating: 0, count: bufferSize)
    let status = chatbundle_inflate_init_gzip(&stream)
    guard status == Z_OK else {
      throw ArchiveError(.io, operation: "inflateInit2", message: "zlib status \(status)", path: name)
    }
    header.initialize(to: gz_header())
    watchHeader()
  }

  deinit {
    inflateEnd(&stream)
    header.deinitialize(count: 1)
    header.deallocate()
    extraBuffer.deallocate()
  }

  /// Asks zlib for the next member's header; called before each member is inflated.
  private func watchHeader() {
    header.pointee = gz_header()
    header.pointee.extra = extraBuffer
    header.pointee.extra_max = UInt32(UInt16.max)
    inflateGetHeader(&stream, header)
  }

  /// The header extra fields of the members at the end of the stream that hold no data,
  /// in order; complete once the stream has been read to its end.
  public var trailingEmptyMemberExtras: [[UInt8]] {
    var result: [[UInt8]] = []
    for member in emptyMembers.reversed() {
      guard !member.followedByData else { break }
      result.append(member.extra)
    }
    return result.reversed()
  }

  private func memberFinished() {
    let produced = decompressedBytes - memberStartBytes
    if produced > 0 {
      for index in emptyMembers.indices { emptyMembers[index].followedByData = true }
    } else if emptyMembers.count < Self.maximumEmptyMembers {
      let length = Int(min(header.pointee.extra_len, header.pointee.extra_max))
      let extra = header.pointee.extra == nil ? [] : Array(UnsafeBufferPointer(start: extraBuffer, count: length))
      emptyMembers.append((extra, false))
    }
    memberStartBytes = decompressedBytes
  }

  public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    guard !finished, let outBase = buffer.baseAddress, buffer.count > 0 else { return 0 }
    while true {
      if memberEnded {
        // A member ended: the stream is over, or another member must follow at once.
        guard try fillInput(minimum: 2) else {
          if inputEnd - inputStart == 0 {
            finished = true
            return 0
          }
          throw ArchiveError(
            .trailingData, operation: "gzip", message: "a stray byte follows the last gzip member",
            path: name)
        }
        guard input[inputStart] == 0x1f, input[inputStart + 1] == 0x8b else {
          throw ArchiveError(
            .trailingData, operation: "gzip",
            message: "\(inputEnd - inputStart)+ bytes that are not gzip follow the last member",
            path: name)
        }
        inflateReset(&stream)
        watchHeader()
        memberEnded = false
      }
      if inputStart == inputEnd {
        _ = try fillInput(minimum: 1)
        if inputStart == inputEnd {
          if !sawAnyInput {
            throw ArchiveError(.notGzip, operation: "gzip", message: "the file is empty", path: name)
          }
          throw ArchiveError(
            .truncated, operation: "gzip", message: "the compressed stream ends before its end marker",
            path: name)
        }
      }
      if members == 0 && decompressedBytes == 0 && stream.total_in == 0 {
        try checkMagic()
      }
      let available = inputEnd - inputStart
      let (status, consumed, produced, zmessage) = input.withUnsafeMutableBufferPointer {
        inBuf -> (Int32, Int, Int, String?) in
        stream.next_in = inBuf.baseAddress.map { $0 + inputStart }
        stream.avail_in = UInt32(available)
        stream.next_out = outBase.assumingMemoryBound(to: UInt8.self)
        stream.avail_out = UInt32(min(buffer.count, Int(UInt32.max)))
        let status = inflate(&stream, Z_NO_FLUSH)
        let message = stream.msg.map { String(cString: $0) }
        return (
          status, available - Int(stream.avail_in), buffer.count - Int(stream.avail_out), message
        )
      }
      inputStart += consumed
      decompressedBytes += Int64(produced)
      switch status {
      case Z_OK, Z_BUF_ERROR:
        if produced > 0 { return produced }
        if status == Z_BUF_ERROR && consumed == 0 && inputStart < inputEnd {
          throw ArchiveError(.corruptCompression, operation: "inflate", message: "no progress", path: name)
        }
      case Z_STREAM_END:
        members += 1
        memberEnded = true
        memberFinished()
        if produced > 0 { return produced }
      case Z_NEED_DICT, Z_DATA_ERROR:
        throw ArchiveError(
          .corruptCompression, operation: "inflate",
          message: zmessage ?? "corrupt deflate data", path: name)
      default:
        throw ArchiveError(
          .io, operation: "inflate", message: zmessage ?? "zlib status \(status)", path: name)
      }
    }
  }

  private func checkMagic() throws {
    guard try fillInput(minimum: 2), input[inputStart] == 0x1f, input[inputStart + 1] == 0x8b else {
      throw ArchiveError(.notGzip, operation: "gzip", message: "the file is not gzip-compressed", path: name)
    }
  }

  /// Makes at least `minimum` unconsumed bytes available; false if the source ends first.
  private func fillInput(minimum: Int) throws -> Bool {
    while inputEnd - inputStart < minimum && !sourceEnded {
      let count = try source.refill(&input, start: &inputStart, end: &inputEnd, growth: 0)
      if count == 0 { sourceEnded = true } else { sawAnyInput = true }
    }
    return inputEnd - inputStart >= minimum
  }
}
