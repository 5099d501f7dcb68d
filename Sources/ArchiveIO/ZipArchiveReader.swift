import CLibArchive

#if canImport(Glibc)
  import Glibc
#endif

// libarchive's AE_IF* constants are casts in macros, which Swift does not import.
private let zipTypeMask: UInt32 = 0o170000
private let zipRegularType: UInt32 = 0o100000
private let zipDirectoryType: UInt32 = 0o040000
private let zipLinkType: UInt32 = 0o120000

/// Reads a zip file entry by entry in one forward pass, without extracting anything, for
/// importers of exports that services ship as zips (Slack).
///
/// libarchive parses only zip, through the central directory (the seekable reader), so a
/// tar or another format cannot pass for one. Nothing here touches the file system but the
/// zip itself: an entry's name is data for the caller, never a path. The limits hold
/// against what the entries really inflate to, not what their headers declare, so a zip
/// bomb stops at the limit.
public final class ZipArchiveReader: ArchiveDataBlocks {
  /// Bounds on what one zip may make a reader do.
  public struct Limits: Sendable, Equatable {
    /// Entries, directories included.
    public var maximumEntries: Int
    /// Bytes inflated over the whole zip.
    public var maximumTotalBytes: Int64
    /// Bytes inflated from one entry.
    public var maximumEntryBytes: Int64

    public init(
      maximumEntries: Int = 1_000_000, maximumTotalBytes: Int64 = 256 << 30, maximumEntryBytes: Int64 = 16 << 30
    ) {
      self.maximumEntries = maximumEntries
      self.maximumTotalBytes = maximumTotalBytes
      self.maximumEntryBytes = maximumEntryBytes
    }
  }

  /// What the zip says about one entry, before its data is read.
  public struct Entry: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case regular, directory, symbolicLink, other }

    /// The name as UTF-8 text, or nil when its bytes are not valid UTF-8.
    public var name: String?
    /// The name's bytes as stored.
    public var rawName: [UInt8]
    public var kind: Kind
    /// The uncompressed size the zip declares, when it declares one.
    public var declaredSize: Int64?
    /// The entry's position in the zip, from 1.
    public var number: Int
  }

  public let path: String
  public let limits: Limits
  private var handle: OpaquePointer?
  private var entries = 0
  private var totalBytes: Int64 = 0
  private var entryBytes: Int64 = 0
  private var atEnd = false

  public init(path: String, limits: Limits = Limits()) throws(ArchiveError) {
    self.path = path
    self.limits = limits
    // libarchive opens the path itself: it must be a regular file (a FIFO would block).
    let kind: FileKind
    do { kind = try FileStatus(path: path, followingLinks: true).kind } catch { throw ArchiveError(error) }
    guard kind == .regular else {
      throw ArchiveError(
        .io, operation: "open", message: "is \(kind.description); only regular files are read", path: path)
    }
    guard let handle = archive_read_new() else {
      throw ArchiveError(.io, operation: "archive_read_new", message: "out of memory", path: path)
    }
    self.handle = handle
    archive_read_support_format_zip_seekable(handle)
    let status = archive_read_open_filename(handle, path, 1 << 16)
    if status != ARCHIVE_OK { throw failure("archive_read_open_filename", status: status) }
  }

  deinit {
    if let handle { archive_read_free(handle) }
  }

  /// The next entry, or nil after the last.
  public func nextEntry() throws(ArchiveError) -> Entry? {
    guard let handle, !atEnd else { return nil }
    var entryPointer: OpaquePointer?
    let status = archive_read_next_header(handle, &entryPointer)
    if status == ARCHIVE_EOF {
      atEnd = true
      return nil
    }
    guard status == ARCHIVE_OK || status == ARCHIVE_WARN, let entry = entryPointer else {
      throw failure("archive_read_next_header", status: status)
    }
    entries += 1
    guard entries <= limits.maximumEntries else {
      throw ArchiveError(
        .limitExceeded, operation: "zip", message: "more than \(limits.maximumEntries) entries", path: path)
    }
    entryBytes = 0
    var rawName: [UInt8] = []
    if let raw = archive_entry_pathname(entry) {
      rawName = Array(
        UnsafeBufferPointer(start: UnsafeRawPointer(raw).assumingMemoryBound(to: UInt8.self), count: strlen(raw)))
    }
    let kind: Entry.Kind
    switch UInt32(archive_entry_filetype(entry)) & zipTypeMask {
    case zipRegularType: kind = .regular
    case zipDirectoryType: kind = .directory
    case zipLinkType: kind = .symbolicLink
    default: kind = .other
    }
    let declared = archive_entry_size_is_set(entry) != 0 ? archive_entry_size(entry) : nil
    return Entry(
      name: String(validating: rawName, as: UTF8.self), rawName: rawName, kind: kind,
      declaredSize: declared.flatMap { $0 >= 0 ? Int64($0) : nil }, number: entries)
  }

  /// The current entry's next block of data, nil at its end. A block is valid until the
  /// next call on this reader.
  public func nextDataBlock() throws(ArchiveError) -> UnsafeRawBufferPointer? {
    guard let handle else { return nil }
    while true {
      var block: UnsafeRawPointer?
      var size = 0
      var offset: la_int64_t = 0
      let status = archive_read_data_block(handle, &block, &size, &offset)
      if status == ARCHIVE_EOF { return nil }
      guard status == ARCHIVE_OK || status == ARCHIVE_WARN else {
        throw failure("archive_read_data_block", status: status)
      }
      let count = Int64(size)
      entryBytes += count
      totalBytes += count
      if entryBytes > limits.maximumEntryBytes {
        throw ArchiveError(
          .limitExceeded, operation: "zip",
          message: "entry \(entries) inflates to more than \(limits.maximumEntryBytes) bytes", path: path)
      }
      if totalBytes > limits.maximumTotalBytes {
        throw ArchiveError(
          .limitExceeded, operation: "zip", message: "inflates to more than \(limits.maximumTotalBytes) bytes",
          path: path)
      }
      if size > 0, let block { return UnsafeRawBufferPointer(start: block, count: size) }
    }
  }

  private func failure(_ operation: String, status: Int32) -> ArchiveError {
    let message =
      handle.flatMap { archive_error_string($0) }.map { String(cString: $0) } ?? "libarchive status \(status)"
    // Unrecognised formats and damaged entries alike: callers that must tell a zip from
    // another file look at its first bytes before opening it.
    let kind: ArchiveError.Kind = message.lowercased().contains("truncated") ? .truncated : .corruptCompression
    return ArchiveError(kind, operation: operation, message: message, path: path)
  }
}
