import CLibArchive

/// Writes a deterministic zip through libarchive's zip writer: regular files at the root
/// only, in the order given, mode 0644, owner 0:0, one fixed modification time, no access
/// or change times, each entry stored or deflated as the caller says.
///
/// libarchive derives the MS-DOS date and time of each header from the modification time
/// through `localtime()`, so the same archive would differ between two time zones. The
/// writer sees every byte libarchive writes and puts the fixed time's DOS fields, worked
/// out in UTC, into each local header and each central directory record; the `UT` extra
/// field holds the same time as seconds since the epoch, which is zone-free already.
///
/// Entry names are printable ASCII without a slash: callers name files themselves, never
/// after data.
public final class ZipArchiveWriter {
  public enum Compression: Sendable, Equatable {
    /// Kept as is: already-compressed media gain nothing from deflate.
    case store
    case deflate
  }

  /// 1980-01-01T00:00:00Z, the first instant a DOS time can say.
  public static let modificationTime: Int64 = 315_532_800
  /// Its DOS time and date, little-endian as the headers hold them: time 0, date 0x0021.
  static let dosTimeAndDate: [UInt8] = [0x00, 0x00, 0x21, 0x00]

  public let path: String
  private var handle: OpaquePointer?
  private let context: ZipWriterContext
  private var remaining: Int64 = 0
  private var currentName: String?
  private var finished = false

  /// Creates `path`, which must not exist yet.
  public init(path: String) throws {
    self.path = path
    let file: OpenFile
    do {
      file = try OpenFile(
        path, .writeOnly, options: [.create, .exclusiveCreate], permissions: [.ownerReadWrite, .groupRead, .otherRead])
    } catch {
      throw ArchiveError(.io, operation: "create", message: error.message, path: path)
    }
    let context = ZipWriterContext(file: file)
    self.context = context
    guard let handle = archive_write_new() else {
      throw ArchiveError(.io, operation: "archive_write_new", message: "out of memory", path: path)
    }
    self.handle = handle
    try check(archive_write_set_format_zip(handle), "archive_write_set_format_zip")
    try check(archive_write_add_filter_none(handle), "archive_write_add_filter_none")
    try check(archive_write_set_bytes_per_block(handle, 0), "archive_write_set_bytes_per_block")
    let status = archive_write_open(
      handle, Unmanaged.passUnretained(context).toOpaque(), nil,
      { _, client, buffer, length in
        guard let client, let buffer else { return -1 }
        let context = Unmanaged<ZipWriterContext>.fromOpaque(client).takeUnretainedValue()
        do {
          try context.write(UnsafeRawBufferPointer(start: buffer, count: length))
          return length
        } catch {
          context.failure = error
          return -1
        }
      }, nil)
    try check(status, "archive_write_open")
    try check(archive_write_set_bytes_in_last_block(handle, 1), "archive_write_set_bytes_in_last_block")
  }

  deinit {
    if let handle { archive_write_free(handle) }
  }

  /// Starts a regular file of exactly `size` bytes at the zip's root.
  public func beginEntry(name: String, size: Int64, compression: Compression) throws {
    guard let handle, !finished else { throw usage("the archive is already finished") }
    guard remaining == 0 else { throw usage("'\(currentName ?? "")' is \(remaining) bytes short of its size") }
    guard size >= 0 else { throw usage("a negative size for '\(name)'") }
    guard !name.isEmpty, name != ".", name != "..",
      name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "\\") })
    else { throw usage("entry names are printable ASCII without a slash or a space: '\(name)'") }
    // These two may be called between entries, unlike the format options.
    switch compression {
    case .store: try check(archive_write_zip_set_compression_store(handle), "archive_write_zip_set_compression_store")
    case .deflate:
      try check(archive_write_zip_set_compression_deflate(handle), "archive_write_zip_set_compression_deflate")
    }
    guard let entry = archive_entry_new() else { throw usage("archive_entry_new failed") }
    defer { archive_entry_free(entry) }
    archive_entry_set_pathname_utf8(entry, name)
    archive_entry_set_filetype(entry, 0o100000)
    archive_entry_set_perm(entry, 0o644)
    archive_entry_set_size(entry, la_int64_t(size))
    archive_entry_set_mtime(entry, time_t(Self.modificationTime), 0)
    archive_entry_set_uid(entry, 0)
    archive_entry_set_gid(entry, 0)
    // The previous entry's data descriptor first: then the local header is the first
    // thing libarchive writes for this entry.
    try check(archive_write_finish_entry(handle), "archive_write_finish_entry")
    currentName = name
    context.localHeaderStart = context.offset
    try check(archive_write_header(handle, entry), "archive_write_header")
    remaining = size
  }

  /// Appends bytes to the current entry.
  public func write(_ bytes: UnsafeRawBufferPointer) throws {
    guard let handle, let base = bytes.baseAddress, !bytes.isEmpty else { return }
    guard Int64(bytes.count) <= remaining else { throw usage("more bytes than declared for '\(currentName ?? "")'") }
    var offset = 0
    while offset < bytes.count {
      let written = archive_write_data(handle, base + offset, bytes.count - offset)
      if written <= 0 {
        try check(written < 0 ? Int32(truncatingIfNeeded: written) : ARCHIVE_FATAL, "archive_write_data")
      }
      offset += written
    }
    remaining -= Int64(bytes.count)
  }

  public func write(_ bytes: [UInt8]) throws {
    try bytes.withUnsafeBytes { try write($0) }
  }

  /// Writes the central directory and closes the file (after an fsync when `sync`).
  public func finish(sync: Bool = false) throws {
    guard let handle, !finished else { return }
    guard remaining == 0 else { throw usage("'\(currentName ?? "")' is \(remaining) bytes short of its size") }
    // The last entry's data descriptor first, so that what close writes is the central
    // directory and its end records only.
    try check(archive_write_finish_entry(handle), "archive_write_finish_entry")
    context.collected = []
    try check(archive_write_close(handle), "archive_write_close")
    archive_write_free(handle)
    self.handle = nil
    try context.writeCentralDirectory()
    try context.closeFile(sync: sync)
    finished = true
  }

  /// Bytes written so far.
  public var bytesWritten: Int64 { context.offset }

  private func check(_ status: Int32, _ operation: String) throws {
    if status == ARCHIVE_OK { return }
    if let failure = context.failure { throw failure }
    let message = handle.flatMap { archive_error_string($0) }.map { String(cString: $0) }
    throw ArchiveError(
      .io, operation: operation, message: message ?? "libarchive status \(status)", path: currentName ?? path)
  }

  private func usage(_ message: String) -> ArchiveError {
    ArchiveError(.usage, operation: "zip writer", message: message, path: path)
  }
}

private final class ZipWriterContext {
  private var file: OpenFile?
  var failure: Error?
  /// Bytes that reached the file (or the collected central directory) so far.
  var offset: Int64 = 0
  /// Where the current entry's local header starts; its DOS time is bytes 10 to 13.
  var localHeaderStart: Int64?
  /// While the archive closes: the central directory, patched before it is written.
  var collected: [UInt8]?

  init(file: OpenFile) {
    self.file = file
  }

  func write(_ bytes: UnsafeRawBufferPointer) throws {
    if collected != nil {
      collected?.append(contentsOf: bytes)
      offset += Int64(bytes.count)
      return
    }
    let start = offset
    offset += Int64(bytes.count)
    guard let header = localHeaderStart, header + 10 < offset, start < header + 14 else {
      return try writeFile(bytes)
    }
    var patched = Array(bytes)
    for index in 0..<4 {
      let position = header + 10 + Int64(index) - start
      if position >= 0 && position < Int64(patched.count) {
        patched[Int(position)] = ZipArchiveWriter.dosTimeAndDate[index]
      }
    }
    if header + 14 <= offset { localHeaderStart = nil }
    try patched.withUnsafeBytes { try writeFile($0) }
  }

  /// Puts the fixed DOS time into every central directory record, then writes it all.
  func writeCentralDirectory() throws {
    guard var bytes = collected else { return }
    collected = nil
    func little16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
    var position = 0
    while position + 46 <= bytes.count, bytes[position] == 0x50, bytes[position + 1] == 0x4B,
      bytes[position + 2] == 0x01, bytes[position + 3] == 0x02
    {
      for index in 0..<4 { bytes[position + 12 + index] = ZipArchiveWriter.dosTimeAndDate[index] }
      position += 46 + little16(position + 28) + little16(position + 30) + little16(position + 32)
    }
    try bytes.withUnsafeBytes { try writeFile($0) }
  }

  private func writeFile(_ bytes: UnsafeRawBufferPointer) throws {
    guard let file else { return }
    do { try file.writeAll(bytes) } catch { throw ArchiveError(error) }
  }

  func closeFile(sync: Bool) throws {
    guard let file else { return }
    self.file = nil
    do {
      if sync { try file.sync() }
      try file.close()
    } catch {
      throw ArchiveError(error)
    }
  }
}
