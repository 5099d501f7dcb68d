import ArchiveIO

/// Every problem `verify` can report, with a stable code. Fixtures are named after these
/// codes and the spec lists them; a code's meaning never changes once published.
public enum IssueCode: String, Sendable, CaseIterable, Codable {
  // A: the container (gzip and tar)
  case notGzip = "A01"
  case truncated = "A02"
  case corruptCompression = "A03"
  case trailingData = "A04"
  case notTar = "A05"
  case dataAfterEnd = "A06"
  case malformedTarHeader = "A07"
  case limitExceeded = "A08"
  case paxGlobalHeader = "A09"
  case paxKeywordNotAllowed = "A10"
  case tarParserDisagreement = "A11"
  case malformedAttachment = "A12"
  // B: entries and their paths
  case unsafePath = "B01"
  case outsideRoot = "B02"
  case notRegularFile = "B03"
  case sparseEntry = "B04"
  case duplicateEntry = "B05"
  // C: the manifest and integrity
  case manifestNotFirst = "C01"
  case manifestTooLarge = "C02"
  case manifestNotJSON = "C03"
  case manifestSchema = "C04"
  case unsupportedFormat = "C05"
  case newerMajorVersion = "C06"
  case unknownRequiredFeature = "C07"
  case unknownManifestField = "C08"
  case unlistedEntry = "C09"
  case missingEntry = "C10"
  case digestMismatch = "C11"
  case sizeMismatch = "C12"
  case duplicateListing = "C13"
  case unsafeListedPath = "C14"
  case totalsMismatch = "C15"
  case entryOutOfOrder = "C16"
  case unknownTimeZone = "C17"
  // D: content and cross references
  case ndjsonFraming = "D01"
  case recordNotJSON = "D02"
  case recordSchema = "D03"
  case duplicateMessageID = "D04"
  case messageOrder = "D05"
  case unresolvedMedia = "D06"
  case unreferencedMedia = "D07"
  case indexMismatch = "D08"
  case conversationMismatch = "D09"
  case rawLineSeparator = "D10"
  case missingListMismatch = "D11"

  public var severity: VerificationIssue.Severity {
    switch self {
    case .unknownManifestField, .unreferencedMedia, .rawLineSeparator, .unknownTimeZone, .malformedAttachment: .warning
    default: .error
    }
  }

  /// The code for what the strict tar parser found in an entry's raw headers (§13.3,
  /// steps 2 and 3).
  public init(_ problem: TarHeaderProblem) {
    switch problem {
    case .globalHeader: self = .paxGlobalHeader
    case .paxKeywordNotAllowed: self = .paxKeywordNotAllowed
    case .disagreement: self = .tarParserDisagreement
    case .sparseKeyword: self = .sparseEntry
    case .typeflag: self = .notRegularFile
    case .extensionHeader, .duplicatePaxKeyword, .malformedPaxRecord, .paxValue, .paxSizeDiffers, .repeatedPaxHeader,
      .extendedHeaderTooLarge, .notUstar, .checksum, .malformedField, .pathSplit:
      self = .malformedTarHeader
    }
  }

  /// A short name, used in fixture file names and the JSON report.
  public var slug: String {
    switch self {
    case .notGzip: "not_gzip"
    case .truncated: "truncated"
    case .corruptCompression: "corrupt_compression"
    case .trailingData: "trailing_data"
    case .notTar: "not_tar"
    case .dataAfterEnd: "data_after_end"
    case .malformedTarHeader: "malformed_tar_header"
    case .limitExceeded: "limit_exceeded"
    case .paxGlobalHeader: "pax_global_header"
    case .paxKeywordNotAllowed: "pax_keyword_not_allowed"
    case .tarParserDisagreement: "tar_parser_disagreement"
    case .malformedAttachment: "malformed_attachment"
    case .unsafePath: "unsafe_path"
    case .outsideRoot: "outside_root"
    case .notRegularFile: "not_regular_file"
    case .sparseEntry: "sparse_entry"
    case .duplicateEntry: "duplicate_entry"
    case .manifestNotFirst: "manifest_not_first"
    case .manifestTooLarge: "manifest_too_large"
    case .manifestNotJSON: "manifest_not_json"
    case .manifestSchema: "manifest_schema"
    case .unsupportedFormat: "unsupported_format"
    case .newerMajorVersion: "newer_major_version"
    case .unknownRequiredFeature: "unknown_required_feature"
    case .unknownManifestField: "unknown_manifest_field"
    case .unlistedEntry: "unlisted_entry"
    case .missingEntry: "missing_entry"
    case .digestMismatch: "digest_mismatch"
    case .sizeMismatch: "size_mismatch"
    case .duplicateListing: "duplicate_listing"
    case .unsafeListedPath: "unsafe_listed_path"
    case .totalsMismatch: "totals_mismatch"
    case .entryOutOfOrder: "entry_out_of_order"
    case .unknownTimeZone: "unknown_time_zone"
    case .ndjsonFraming: "ndjson_framing"
    case .recordNotJSON: "record_not_json"
    case .recordSchema: "record_schema"
    case .duplicateMessageID: "duplicate_message_id"
    case .messageOrder: "message_order"
    case .unresolvedMedia: "unresolved_media"
    case .unreferencedMedia: "unreferenced_media"
    case .indexMismatch: "index_mismatch"
    case .conversationMismatch: "conversation_mismatch"
    case .rawLineSeparator: "raw_line_separator"
    case .missingListMismatch: "missing_list_mismatch"
    }
  }
}

/// One problem found in a bundle.
public struct VerificationIssue: Sendable, Equatable, CustomStringConvertible {
  public enum Severity: String, Sendable, Codable { case error, warning }

  public var code: IssueCode
  public var severity: Severity
  /// The entry's path inside the bundle root, when the problem belongs to one.
  public var path: String?
  /// The line, for problems inside an NDJSON file.
  public var line: Int64?
  public var message: String

  public init(_ code: IssueCode, path: String? = nil, line: Int64? = nil, _ message: String) {
    self.code = code
    self.severity = code.severity
    self.path = path
    self.line = line
    self.message = message
  }

  public var description: String {
    var location = ""
    if let path { location = path + (line.map { ":\($0)" } ?? "") + ": " }
    return "\(severity.rawValue) \(code.rawValue) \(code.slug): \(location)\(message)"
  }
}
