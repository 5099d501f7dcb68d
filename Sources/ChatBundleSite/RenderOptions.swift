import ChatBundle

/// How a bundle becomes a site.
public struct RenderOptions: Sendable {
  /// IANA zone for times; nil means the bundle's source time zone.
  public var timeZone: String?
  public var language: Language = .zhCN
  /// Messages per page at most; a page also ends with its month.
  public var pageSize = 1000
  /// Rows per index page at most, for each of its lists (conversations, media that could
  /// not be bundled, skipped records): an export of tens of thousands of one-to-one chats,
  /// or one packed without its media, would otherwise make an index page of megabytes.
  public var indexRowsPerPage = 1000
  /// A directory of templates to use instead of the built-in ones.
  public var templatesDirectory: String?
  /// Render a bundle that fails verification, marking every page as unverified.
  public var force = false
  /// Show recalled messages as a tombstone only: their text, media and search entries stay
  /// out of the site (for recipients who must not see recalled content).
  public var hideRecalled = false
  /// A user id whose messages stand on the right, as in that user's phone; nil for the
  /// neutral layout, everyone on the left.
  public var perspective: String?
  /// When set, every page states that the bundle was verified at this time (UTC ms). Off
  /// by default, so that the same bundle always gives the same site.
  public var verificationTime: Int64?
  /// Threads that parse the bundle's messages while the pages are written; the site is
  /// byte for byte the same on any number.
  public var threads = BundleReadingOptions().threads
  /// An `extract` of the same bundle: media files whose bytes there match the manifest are
  /// hard-linked into the site rather than written again.
  public var mediaSource: String?

  /// Who signed and timestamped the bundle, and whether each is trusted, for every page's
  /// header; by default the signatures' validity with trust not checked. The CLI passes one
  /// that knows the trusted keys and timestamp roots.
  public var provenance: (@Sendable (VerificationReport) async -> ProvenanceSummary)?

  public enum Language: String, Sendable, CaseIterable { case zhCN = "zh-CN", en }

  public init() {}
}

/// What `render` produced.
public struct RenderSummary: Sendable {
  public var output: String
  public var indexPage: String
  public var report: VerificationReportSummary
  public var conversations: Int
  public var pages: Int
  public var messages: Int64
  public var media: Int
  /// Media files hard-linked from `mediaSource` rather than written.
  public var mediaLinked = 0
  /// Messages of the `perspective` user, shown on the right.
  public var perspectiveMessages: Int64 = 0
}

/// The parts of the verification report the CLI prints after rendering.
public struct VerificationReportSummary: Sendable {
  public var bundleID: String?
  public var isValid: Bool
  public var issues: [String]
}
