import CLibArchive

/// Writes a deterministic `tar.gz`: restricted pax (plain ustar unless a name is long),
/// regular files only, owner 0:0, mode 0644, a fixed mtime, no block padding, and a gzip
/// header with no time stamp.
///
/// libarchive writes the tar stream unblocked into a callback; `ParallelGzipDeflater`
/// compresses it on several threads, into bytes that do not depend on how many, and lets
/// each entry choose its own compression level (already-compressed media gain little from
/// level 6 and cost the most time).
public final class TarGzWriter {
  private var handle: OpaquePointer?
  private let context: WriterContext
  private var remaining: Int64 = 0
  private var currentPath: String?
  private var finished = false
  public let path: String

  /// Creates `path`, which must not exist yet (the caller picks a temporary name).
  /// `threads` compress; the archive's bytes are the same whatever their number.
  public init(
    path: String, compressionLevel: Int = 6, threads: Int = ParallelGzipDeflater.defaultThreadCount
  ) throws {
    self.path = path
    let file: OpenFile
    do {
      file = try OpenFile(
        path, .writeOnly, options: [.create, .exclusiveCreate], permissions: [.ownerReadWrite, .groupRead, .otherRead])
    } catch {
      throw ArchiveError(.io, operation: "create", message: error.message, path: path)
    }
    let context = WriterContext(file: file)
    self.context = context
    context.deflater = try ParallelGzipDeflater(level: compressionLevel, threads: threads) {
      [unowned context] bytes in
      try context.writeCompressed(bytes)
    }
    guard let handle = archive_write_new() else {
      throw ArchiveError(.io, operation: "archive_write_new", message: "out of memory", path: path)
    }
    self.handle = handle
    try check(archive_write_set_format_pax_restricted(handle), "archive_write_set_format_pax_restricted")
    try check(archive_write_add_filter_none(handle), "archive_write_add_filter_none")
    // Unblocked: every header and data write reaches the callback at once, so a level
    // change applies exactly from the entry on, and nothing pads the end.
    try check(archive_write_set_bytes_per_block(handle, 0), "archive_write_set_bytes_per_block")
    let status = archive_write_open(
      handle, Unmanaged.passUnretained(context).toOpaque(), nil,
      { _, client, buffer, length in
        guard let client, let buffer else { return -1 }
        let context = Unmanaged<WriterContext>.fromOpaque(client).takeUnretainedValue()
        do {
          try context.deflater?.write(UnsafeRawBufferPointer(start: buffer, count: length))
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

  /// Starts a regular file entry of exactly `size` bytes.
  public func beginEntry(
    path entryPath: String, size: Int64, modificationTime: Int64, compressionLevel: Int? = nil
  ) throws {
    guard let handle, !finished else { throw usage("the archive is already finished") }
    guard remaining == 0 else {
      throw usage("'\(currentPath ?? "")' is \(remaining) bytes short of its declared size")
    }
    // libarchive 3.6 converts names through the C locale and crashes on non-ASCII ones;
    // bundle paths are printable ASCII by the format's grammar anyway.
    guard !entryPath.isEmpty, entryPath.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) else {
      throw usage("entry names must be printable ASCII: '\(entryPath)'")
    }
    if let compressionLevel { try context.deflater?.setLevel(compressionLevel) }
    guard let entry = archive_entry_new() else { throw usage("archive_entry_new failed") }
    defer { archive_entry_free(entry) }
    archive_entry_set_pathname_utf8(entry, entryPath)
    archive_entry_set_filetype(entry, 0o100000)
    archive_entry_set_perm(entry, 0o644)
    archive_entry_set_size(entry, size)
    archive_entry_set_mtime(entry, time_t(modificationTime), 0)
    archive_entry_set_uid(entry, 0)
    archive_entry_set_gid(entry, 0)
    currentPath = entryPath
    try check(archive_write_header(handle, entry), "archive_write_header")
    remaining = size
  }

  /// Appends bytes to the current entry.
  public func write(_ bytes: UnsafeRawBufferPointer) throws {
    guard let handle, let base = bytes.baseAddress, !bytes.isEmpty else { return }
    guard Int64(bytes.count) <= remaining else {
      throw usage("more bytes than declared for '\(currentPath ?? "")'")
    }
    var offset = 0
    while offset < bytes.count {
      let written = archive_write_data(handle, base + offset, bytes.count - offset)
      if written <= 0 {
        // A write that makes no progress would loop forever; libarchive calls it fatal.
        try check(written < 0 ? Int32(truncatingIfNeeded: written) : ARCHIVE_FATAL, "archive_write_data")
      }
      offset += written
    }
    remaining -= Int64(bytes.count)
  }

  public func write(_ bytes: [UInt8]) throws {
    try bytes.withUnsafeBytes { try write($0) }
  }

  /// Writes the end-of-archive marker and the gzip trailer, then flushes the file to disk.
  public func finish() throws {
    guard let handle, !finished else { return }
    guard remaining == 0 else {
      throw usage("'\(currentPath ?? "")' is \(remaining) bytes short of its declared size")
    }
    try check(archive_write_close(handle), "archive_write_close")
    archive_write_free(handle)
    self.handle = nil
    try context.deflater?.finish()
    try context.closeFile(sync: true)
    finished = true
  }

  /// The number of compressed bytes written so far.
  public var compressedBytes: Int64 { context.bytesWritten }

  private func check(_ status: Int32, _ operation: String) throws {
    if status == ARCHIVE_OK { return }
    if let failure = context.failure { throw failure }
    let message = handle.flatMap { archive_error_string($0) }.map { String(cString: $0) }
    throw ArchiveError(
      .io, operation: operation, message: message ?? "libarchive status \(status)",
      path: currentPath ?? path)
  }

  private func usage(_ message: String) -> ArchiveError {
    ArchiveError(.usage, operation: "tar writer", message: message, path: path)
  }
}

private final class WriterContext {
  private var file: OpenFile?
  var deflater: ParallelGzipDeflater?
  var failure: Error?
  var bytesWritten: Int64 = 0

  init(file: OpenFile) {
    self.file = file
  }

  func writeCompressed(_ bytes: UnsafeRawBufferPointer) throws {
    guard let file else { return }
    do { try file.writeAll(bytes) } catch { throw ArchiveError(error) }
    bytesWritten += Int64(bytes.count)
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
