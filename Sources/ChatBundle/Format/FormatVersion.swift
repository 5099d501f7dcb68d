/// `MAJOR.MINOR`, both decimal with no leading zeros.
public struct FormatVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
  public var major: Int
  public var minor: Int

  /// The newest version this tool reads completely and may write.
  public static let current = withRedactions
  /// The first version; writers use it whenever the bundle needs nothing newer (VERSIONING.md §8).
  public static let initial = FormatVersion(major: 1, minor: 0)
  /// 1.1 added `conversations[].external_members` to the manifest.
  public static let withExternalMembers = FormatVersion(major: 1, minor: 1)
  /// 1.2 added the manifest's `custody` and `coverage`.
  public static let withCustodyAndCoverage = FormatVersion(major: 1, minor: 2)
  /// 1.3 added the messages' edits, reactions, threads, pins, bot senders and forwards,
  /// revision records (feature `message-revisions`), and `source.credentials_removed`.
  public static let withAnnotations = FormatVersion(major: 1, minor: 3)
  /// 1.4 added the manifest's `lineage`: the parents of a derived bundle, the chain of a
  /// continuous archive's sealed bundles.
  public static let withLineage = FormatVersion(major: 1, minor: 4)
  /// 1.5 added redaction: the `redacted` kind and the messages' `redactions` records
  /// (feature `redactions`).
  public static let withRedactions = FormatVersion(major: 1, minor: 5)

  public init(major: Int, minor: Int) {
    self.major = major
    self.minor = minor
  }

  /// Parses the strict form; `1.0 `, `.97`, `01.0` and `1` are all refused.
  public init?(_ text: String) {
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 2, let major = Self.component(parts[0]), let minor = Self.component(parts[1]) else {
      return nil
    }
    self.init(major: major, minor: minor)
  }

  private static func component(_ text: Substring) -> Int? {
    guard !text.isEmpty, text.count <= 6, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
    if text.count > 1 && text.first == "0" { return nil }
    return Int(text)
  }

  public var description: String { "\(major).\(minor)" }

  public static func < (lhs: FormatVersion, rhs: FormatVersion) -> Bool {
    (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
  }
}
