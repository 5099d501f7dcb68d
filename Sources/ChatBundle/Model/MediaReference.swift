/// A message's attachment: either stored in the bundle (by SHA-256) or recorded as missing.
public struct MediaReference: Sendable, Hashable {
  /// Lowercase hex SHA-256 of the stored bytes; nil when the file could not be bundled.
  public var sha256: String?
  /// Size in bytes of the stored file.
  public var size: Int64?
  /// The original file name, as data only: it never becomes a path.
  public var name: String?
  /// The media type (MIME), from the file's content or name.
  public var mediaType: String?
  public var width: Int64?
  public var height: Int64?
  public var durationMilliseconds: Int64?
  /// The source's own handle for the file (an Easemob chatfiles uuid, a WeCom sdkfileid).
  public var sourceReference: String?
  /// Why the file is not in the bundle (a `MissingReason` raw value), nil when it is.
  public var missing: String?

  public init(
    sha256: String? = nil, size: Int64? = nil, name: String? = nil, mediaType: String? = nil,
    width: Int64? = nil, height: Int64? = nil, durationMilliseconds: Int64? = nil,
    sourceReference: String? = nil, missing: String? = nil
  ) {
    self.sha256 = sha256
    self.size = size
    self.name = name
    self.mediaType = mediaType
    self.width = width
    self.height = height
    self.durationMilliseconds = durationMilliseconds
    self.sourceReference = sourceReference
    self.missing = missing
  }

  /// The path of the stored file inside the bundle root, if it is stored.
  public var bundlePath: String? { sha256.map(BundleLayout.mediaPath(sha256:)) }
}

/// Why an attachment could not be bundled.
public enum MissingReason: String, Sendable, CaseIterable {
  /// Reasons are short codes; a later minor version may add codes, so a reader accepts any
  /// well-formed one and knows the meaning of these.
  public static func isWellFormed(_ code: String) -> Bool {
    !code.isEmpty && code.utf8.count <= 64
      && code.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }
  }

  /// No `--media` directory was given.
  case noMediaDirectory = "no_media_directory"
  /// The media directory has no file for this reference.
  case notFound = "not_found"
  /// The message names no file at all (an empty or absent url).
  case noReference = "no_reference"
  /// The reference is not a plain file name, so it was not looked up.
  case unsafeReference = "unsafe_reference"
  /// The file exists but could not be read.
  case unreadable
  /// The file's size differs from the size the message declares (a partial download).
  case sizeMismatch = "size_mismatch"
  /// The file's checksum differs from the one the message declares.
  case checksumMismatch = "checksum_mismatch"
  /// Since 1.3: the export holds only a link to the file, never fetched.
  case notDownloaded = "not_downloaded"
  /// Since 1.3: the export says it left the file out.
  case notExported = "not_exported"
  /// Since 1.5: a redaction removed the file and its reference (spec §8.12).
  case redacted
  /// Since 1.3: the export says the file could not be had.
  case unavailable
  /// Since 1.3: the export's path leads out of the folder given.
  case outsideExport = "outside_export"
  /// Since 1.3: the service says the file was deleted.
  case fileDeleted = "file_deleted"
  /// Since 1.3: the service hides the file under its plan's limits.
  case hiddenByPlanLimit = "hidden_by_plan_limit"
  /// Since 1.3: the file lives in another service.
  case externalFile = "external_file"
}
