/// The outcome of one verification pass.
public struct VerificationReport: Sendable {
  /// SHA-256 of the manifest's bytes: the id a sender announces and a recipient compares.
  public var bundleID: String?
  /// SHA-256 of the `.tar.gz` file as read (transport only: recompressing changes it).
  public var fileSHA256: String?
  public var fileBytes: Int64 = 0
  public var formatVersion: String?
  public var issues: [VerificationIssue] = []
  /// Issues past the cap are counted, not kept, so a hostile bundle cannot fill memory.
  public var droppedIssues = 0
  public var entries: Int64 = 0
  public var conversations: Int64 = 0
  public var messages: Int64 = 0
  public var media: Int64 = 0
  public var bytes: Int64 = 0
  public var manifest: Manifest?
  /// Signatures, timestamps and other records that travel with the bundle (spec §3.1),
  /// as found; what they prove is checked apart, against the keys and roots a recipient
  /// trusts.
  public var attachments: [BundleAttachment] = []
  /// Set when the file itself could not be read (an I/O error, not damage): the outcome
  /// is unknown rather than invalid.
  public var readError: String?

  public var errorCount: Int { issues.filter { $0.severity == .error }.count }
  public var warningCount: Int { issues.filter { $0.severity == .warning }.count }
  /// Valid means a manifest was read and no error was found.
  public var isValid: Bool {
    readError == nil && bundleID != nil && manifest != nil && errorCount == 0 && droppedIssues == 0
  }

  public init() {}

  public func jsonValue() -> JSONValue {
    var object = JSONObject()
    object.append("valid", JSONValue.bool(isValid))
    object.append("read_error", readError)
    object.append("bundle_id", bundleID.map(JSONValue.string) ?? .null)
    object.append("file_sha256", fileSHA256.map(JSONValue.string) ?? .null)
    object.append("file_bytes", fileBytes)
    object.append("format_version", formatVersion.map(JSONValue.string) ?? .null)
    object.append(
      "counts",
      JSONValue.object(
        JSONObject([
          "entries": .integer(entries), "conversations": .integer(conversations), "messages": .integer(messages),
          "media": .integer(media), "bytes": .integer(bytes),
        ])))
    object.append("errors", errorCount)
    object.append("warnings", warningCount)
    object.append("issues_not_listed", droppedIssues)
    object.append(
      "issues",
      JSONValue.array(
        issues.map { issue in
          var entry = JSONObject()
          entry.append("code", issue.code.rawValue)
          entry.append("name", issue.code.slug)
          entry.append("severity", issue.severity.rawValue)
          entry.append("path", issue.path)
          entry.append("line", issue.line)
          entry.append("message", issue.message)
          return .object(entry)
        }))
    return .object(object)
  }
}
