import ArchiveIO

/// What a consumer needs from a pass over a bundle. Verification is the same whatever is
/// asked: the options only say what is handed over, and how much is built to do it.
public struct BundleReadingOptions: Sendable {
  public var limits = BundleLimits()
  /// The listed entries whose bytes are delivered as `.data` events.
  public var data = EntrySelection.none
  /// Build each message's `source.raw`; without it the record is still checked as strict
  /// JSON but `raw` is `null`, which saves most of a message's parsing.
  public var buildsSourceRecords = false
  /// End the pass once the conversation index has been read (a quick look at what a bundle holds;
  /// the report then covers only that part).
  public var stopsAfterConversationIndex = false
  /// Issues kept in the report; further ones are only counted.
  public var maximumIssues = 1000
  /// Where the exact cross-check of the message-id index spills when it outgrows
  /// `sortMemoryBytes`; by default the system's temporary directory.
  public var scratchDirectory: String?
  /// Smaller than pack's: a reader's other memory is small, and a recipient's machine may
  /// verify several bundles at once; the sort spills a run every 16 MiB instead.
  public var sortMemoryBytes = 16 << 20
  /// Threads that parse message lines (the pass itself is one thread; its result is the
  /// same on any number): by default the processors this process may use, at most 8.
  public var threads = ParallelGzipDeflater.defaultThreadCount
  /// Hand each message over as a `.message` event. A pass that wants only the verdict
  /// (verify) turns it off, and the messages are dropped where they were parsed.
  public var deliversMessages = true

  public init(data: EntrySelection = .none, buildsSourceRecords: Bool = false) {
    self.data = data
    self.buildsSourceRecords = buildsSourceRecords
  }
}

/// Listed entries chosen by role or path.
public struct EntrySelection: Sendable, Equatable {
  public var roles: Set<Manifest.FileEntry.Role>
  public var paths: Set<String>

  public init(roles: Set<Manifest.FileEntry.Role> = [], paths: Set<String> = []) {
    self.roles = roles
    self.paths = paths
  }

  public static let none = EntrySelection()
  public static let all = EntrySelection(roles: Set(Manifest.FileEntry.Role.allCases))

  public func contains(_ entry: Manifest.FileEntry) -> Bool { roles.contains(entry.role) || paths.contains(entry.path) }
}
