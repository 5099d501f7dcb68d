import CLibArchive

#if canImport(Glibc)
  import Glibc
#endif

// libarchive's AE_IF* constants are casts in macros, which Swift does not import.
private let typeMask: UInt32 = 0o170000
private let regularType: UInt32 = 0o100000

/// Reads a `tar.gz` entry by entry in one forward pass, without extracting anything.
///
/// Decompression is done by `GzipInflater` (strict about CRC, length, truncation and
/// trailing bytes); libarchive parses only the tar layer, with no other format or filter
/// enabled, so a zip, cpio or doubly compressed file cannot pass for a bundle. Every tar
/// byte also goes through `TarHeaderAuditor` on its way to libarchive, whose reading of
/// each entry's raw headers comes with the entry as `TarEntryHeader.audit`.
public final class TarGzReader: ArchiveDataBlocks {
  private var handle: OpaquePointer?
  private let context: ReaderContext
  /// The file and its inflater, when read on this thread; with read-ahead, the thread
  /// owns them and `stop()` brings them back.
  private var direct: InflatedFile?
  public let path: String
  private var atEnd = false
  private var expectedOffset: Int64 = 0

  private let readAhead: ReadAheadStream<InflatedFile>?
  public let limits: TarReaderLimits

  /// - Parameters:
  ///   - readAhead: read and inflate the file on a thread of its own, ahead of the caller.
  ///   - limits: bounds on padding after the end and on the strict parser's memory.
  public init(path: String, readAhead: Bool = false, limits: TarReaderLimits = TarReaderLimits()) throws {
    self.path = path
    self.limits = limits
    let auditor = TarHeaderAuditor(limits: limits)
    // Opened in each branch: a value given to the read-ahead thread must not be one this
    // thread could still reach.
    if readAhead {
      let ahead = ReadAheadStream(source: try InflatedFile(path: path, observer: nil))
      self.readAhead = ahead
      context = ReaderContext(stream: ahead, auditor: auditor)
    } else {
      let inflated = try InflatedFile(path: path, observer: nil)
      self.readAhead = nil
      direct = inflated
      context = ReaderContext(stream: inflated, auditor: auditor)
    }
    try openArchive()
  }

  /// Reads ahead on a thread of its own, which owns `observer` while it runs: it receives
  /// the file's compressed bytes as they are read, and `observer` hands it back after
  /// `stop()`. (An init of its own: the region checker cannot tell that only one branch
  /// of `init(path:readAhead:limits:)` would give it away.)
  public init(
    path: String, readingAheadWith observer: sending any ByteObserver, limits: TarReaderLimits = TarReaderLimits()
  ) throws {
    self.path = path
    self.limits = limits
    let ahead = ReadAheadStream(source: try InflatedFile(path: path, observer: observer))
    readAhead = ahead
    context = ReaderContext(stream: ahead, auditor: TarHeaderAuditor(limits: limits))
    try openArchive()
  }

  private func openArchive() throws {
    guard let handle = archive_read_new() else {
      throw ArchiveError(.io, operation: "archive_read_new", message: "out of memory", path: path)
    }
    self.handle = handle
    archive_read_support_format_tar(handle)
    // AppleDouble merging would make the entry list depend on the platform.
    archive_read_set_options(handle, "tar:!mac-ext")
    let status = archive_read_open(
      handle, Unmanaged.passUnretained(context).toOpaque(), nil,
      { _, client, bufferOut in
        guard let client, let bufferOut else { return -1 }
        let context = Unmanaged<ReaderContext>.fromOpaque(client).takeUnretainedValue()
        return context.supply(bufferOut)
      }, nil)
    if status != ARCHIVE_OK { throw failure("archive_read_open", status: status) }
  }

  deinit {
    readAhead?.stop()
    if let handle { archive_read_free(handle) }
  }

  /// Ends reading ahead, if it was on; the counters and the observer are then settled.
  public func stop() {
    guard let readAhead, direct == nil else { return }
    readAhead.stop()
    direct = readAhead.source
  }

  /// The observer given to `init` (with read-ahead: after `stop()`, nil before).
  public var observer: (any ByteObserver)? { direct?.observer }

  /// Compressed bytes read from the file so far (with read-ahead: after `stop()`, 0 before).
  public var compressedBytes: Int64 { direct?.file.bytesRead ?? 0 }

  /// Decompressed bytes inflated so far (with read-ahead: after `stop()`, 0 before).
  public var decompressedBytes: Int64 { direct?.inflater.decompressedBytes ?? 0 }

  /// The records the file's trailing empty gzip members carry (`GzipAttachment`), in file
  /// order; complete once the archive has been read to its end (with read-ahead: after
  /// `stop()`).
  public var attachmentRecords: [[UInt8]] {
    direct?.inflater.trailingEmptyMemberExtras.compactMap(GzipAttachment.record(inExtraField:)) ?? []
  }

  /// The next entry's header, or nil after the end-of-archive marker.
  public func nextEntry() throws -> TarEntryHeader? {
    guard let handle, !atEnd else { return nil }
    var entryPointer: OpaquePointer?
    let status = archive_read_next_header(handle, &entryPointer)
    if status == ARCHIVE_EOF {
      atEnd = true
      try checkEndOfArchive()
      return nil
    }
    var warnings: [String] = []
    if status == ARCHIVE_WARN {
      warnings.append(errorText() ?? "libarchive warning")
    } else if status != ARCHIVE_OK {
      var error = failure("archive_read_next_header", status: status)
      error.tarProblems = context.auditor.pendingProblems()
      throw error
    }
    guard let entry = entryPointer else { throw failure("archive_read_next_header", status: status) }
    expectedOffset = 0
    return header(of: entry, warnings: warnings)
  }

  /// The current entry's next block of data, nil at its end. A block is valid until the
  /// next call on this reader. Holes (sparse data) are reported as an error rather than filled.
  public func nextDataBlock() throws -> UnsafeRawBufferPointer? {
    guard let handle else { return nil }
    while true {
      var block: UnsafeRawPointer?
      var size = 0
      var offset: la_int64_t = 0
      let status = archive_read_data_block(handle, &block, &size, &offset)
      if status == ARCHIVE_EOF { return nil }
      if status != ARCHIVE_OK { throw failure("archive_read_data_block", status: status) }
      guard offset == expectedOffset else {
        throw ArchiveError(
          .malformedTar, operation: "archive_read_data_block",
          message: "entry data has a hole at offset \(expectedOffset)", path: path)
      }
      expectedOffset += Int64(size)
      if size > 0, let block { return UnsafeRawBufferPointer(start: block, count: size) }
    }
  }

  /// Skips the current entry's data.
  public func skipData() throws {
    try readData { _ in }
  }

  /// After the end-of-archive marker only zero padding may follow, or the file would
  /// carry data that no tar reader shows (a second, concatenated archive for instance).
  private func checkEndOfArchive() throws {
    guard let handle else { return }
    let consumed = archive_filter_bytes(handle, -1)
    // libarchive also ends quietly when the stream stops between entries; the two zero
    // blocks must really be there, or the archive was cut short.
    if !context.zeroBlocksEnd(at: consumed) {
      throw ArchiveError(
        .truncated, operation: "tar", message: "the tar stream has no end-of-archive marker (cut short?)", path: path)
    }
    // Headers libarchive read past without returning an entry (a pax global header at the
    // end), or an end the strict parser does not see where libarchive does.
    let leftover = context.auditor.finish(consumed: consumed)
    if !leftover.isEmpty {
      throw ArchiveError(
        .malformedTar, operation: "tar", message: "headers after the last entry, or an end the parsers disagree on",
        path: path, tarProblems: leftover)
    }
    if try context.nonZeroDataAfter(consumed: consumed, limit: limits.endPaddingBytes, path: path) {
      throw ArchiveError(
        .dataAfterEnd, operation: "tar", message: "data follows the end-of-archive marker", path: path)
    }
    // Only zeros follow, so libarchive stopped after a single zero block because the
    // stream ended there: the marker's second block is missing.
    if let end = context.auditor.endOffset, consumed - end < Int64(ReaderContext.endMarkerBytes) {
      throw ArchiveError(
        .truncated, operation: "tar", message: "the end-of-archive marker is a single zero block (cut short?)",
        path: path)
    }
  }

  private func header(of entry: OpaquePointer, warnings: [String]) -> TarEntryHeader {
    var rawPath: [UInt8] = []
    if let raw = archive_entry_pathname(entry) {
      rawPath = Array(
        UnsafeBufferPointer(start: UnsafeRawPointer(raw).assumingMemoryBound(to: UInt8.self), count: strlen(raw)))
    }
    let utf8Path = String(validating: rawPath, as: UTF8.self)
    let fileType = archive_entry_filetype(entry)
    let type: TarEntryHeader.EntryType
    switch UInt32(fileType) & typeMask {
    case regularType: type = archive_entry_hardlink(entry) != nil ? .hardLink : .regular
    case 0o040000: type = .directory
    case 0o120000: type = .symbolicLink
    case 0o020000: type = .characterDevice
    case 0o060000: type = .blockDevice
    case 0o010000: type = .fifo
    case 0o140000: type = .socket
    default: type = archive_entry_hardlink(entry) != nil ? .hardLink : .unknown(UInt32(fileType))
    }
    let link = archive_entry_hardlink(entry) ?? archive_entry_symlink(entry)
    let size = archive_entry_size_is_set(entry) != 0 ? archive_entry_size(entry) : -1
    return TarEntryHeader(
      path: utf8Path, rawPath: rawPath, type: type,
      size: size, linkTarget: link.map { String(cString: $0) },
      isSparse: archive_entry_sparse_count(entry) > 0,
      mode: UInt32(archive_entry_mode(entry)), uid: archive_entry_uid(entry),
      gid: archive_entry_gid(entry), warnings: warnings, isPOSIX: isPOSIXFormat(),
      audit: context.auditor.take(path: rawPath, size: size, isRegular: type == .regular))
  }

  /// libarchive's format code for the header just read: 0x30001 ustar, 0x30002 pax
  /// interchange, 0x30003 restricted pax; 0x30004 is GNU tar and 0x30000 plain v7.
  private func isPOSIXFormat() -> Bool {
    guard let handle else { return false }
    return (0x30001...0x30003).contains(archive_format(handle))
  }

  private func errorText() -> String? {
    handle.flatMap { archive_error_string($0) }.map { String(cString: $0) }
  }

  private func failure(_ operation: String, status: Int32) -> ArchiveError {
    if let failure = context.failure { return failure }
    let message = errorText() ?? "libarchive status \(status)"
    let kind: ArchiveError.Kind
    if message.contains("Unrecognized archive format") {
      kind = .notTar
    } else if message.lowercased().contains("truncated") {
      kind = .truncated
    } else {
      kind = .malformedTar
    }
    return ArchiveError(kind, operation: operation, message: message, path: path)
  }
}

/// A gzip file read through its inflater, kept together so that the read-ahead thread
/// can own both (and the file's observer) and hand them back.
private final class InflatedFile: ByteStream {
  let file: FileByteStream
  let inflater: GzipInflater
  let observer: (any ByteObserver)?

  init(path: String, observer: (any ByteObserver)?) throws {
    file = try FileByteStream(path: path)
    self.observer = observer
    if let observer { file.observer = { observer.observe($0) } }
    inflater = try GzipInflater(source: file, name: path)
  }

  func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int { try inflater.read(into: buffer) }
}

private final class ReaderContext {
  /// Where the tar bytes come from: the inflater, or a read-ahead over it.
  let stream: ByteStream
  /// Sees every byte handed to libarchive, before libarchive does.
  let auditor: TarHeaderAuditor
  var buffer = [UInt8](repeating: 0, count: 256 * 1024)
  var failure: ArchiveError?
  /// Bytes handed to libarchive before the current chunk, and the current chunk's size.
  var handedBefore: Int64 = 0
  var currentChunk = 0
  /// The last bytes handed over before the current chunk, to look back at the end marker.
  var tail: [UInt8] = []
  static let endMarkerBytes = 1024

  init(stream: ByteStream, auditor: TarHeaderAuditor) {
    self.stream = stream
    self.auditor = auditor
  }

  func supply(_ bufferOut: UnsafeMutablePointer<UnsafeRawPointer?>) -> Int {
    do {
      if currentChunk >= Self.endMarkerBytes {
        tail = Array(buffer[(currentChunk - Self.endMarkerBytes)..<currentChunk])
      } else if currentChunk > 0 {
        tail = Array((tail + buffer[0..<currentChunk]).suffix(Self.endMarkerBytes))
      }
      handedBefore += Int64(currentChunk)
      let count = try buffer.withUnsafeMutableBytes { try stream.read(into: $0) }
      currentChunk = count
      try buffer.withUnsafeBytes { bytes in
        try auditor.consume(UnsafeRawBufferPointer(rebasing: bytes[0..<count]))
        bufferOut.pointee = bytes.baseAddress
      }
      return count
    } catch let error as ArchiveError {
      failure = error
      return -1
    } catch {
      failure = ArchiveError(.io, operation: "read", message: "\(error)")
      return -1
    }
  }

  /// Whether the 1024 bytes before stream offset `consumed` are all zero.
  func zeroBlocksEnd(at consumed: Int64) -> Bool {
    guard consumed >= Int64(Self.endMarkerBytes) else { return false }
    let windowStart = handedBefore - Int64(tail.count)
    let window = tail + buffer[0..<currentChunk]
    let from = Int(consumed - Int64(Self.endMarkerBytes) - windowStart)
    let to = Int(consumed - windowStart)
    guard from >= 0, to <= window.count else { return false }
    return window[from..<to].allSatisfy { $0 == 0 }
  }

  /// True if any byte at or after stream offset `consumed` is not zero. Reads no further
  /// than `limit` bytes past it: more zeros than that are `limitExceeded`, so that a small
  /// file cannot make the reader inflate gigabytes of padding.
  func nonZeroDataAfter(consumed: Int64, limit: Int64, path: String) throws -> Bool {
    let startInChunk = Int(max(0, consumed - handedBefore))
    var after: Int64 = 0
    if startInChunk < currentChunk {
      if buffer[startInChunk..<currentChunk].contains(where: { $0 != 0 }) { return true }
      after = Int64(currentChunk - startInChunk)
    }
    while true {
      if after > limit {
        throw ArchiveError(
          .limitExceeded, operation: "tar",
          message: "more than \(limit) bytes of padding follow the end-of-archive marker", path: path)
      }
      let count = try buffer.withUnsafeMutableBytes { try stream.read(into: $0) }
      if count == 0 { return false }
      if buffer[0..<count].contains(where: { $0 != 0 }) { return true }
      after += Int64(count)
    }
  }
}
