/// The first entry of every bundle: what is in it, where it came from, and the size and
/// SHA-256 of every other file. The SHA-256 of its exact bytes is the bundle id.
public struct Manifest: Sendable, Equatable {
  public static let formatName = "chatbundle"

  /// The lowest version that expresses the content; the writer raises it when it must.
  public var formatVersion = FormatVersion.initial
  public var requiredFeatures: [String] = []
  /// Seconds since the epoch; taken from the data (the newest message), never the clock.
  public var created: Int64 = 0
  public var generatorName = "chatbundle"
  public var generatorVersion = ""
  public var source = Source()
  public var scope = ExportScope()
  public var totals = Totals()
  public var conversations: [ConversationEntry] = []
  public var files: [FileEntry] = []
  public var missing: [MissingMedia] = []
  public var skipped: [SkippedRecord] = []
  /// Who exported the bundle, for whom and why; nil when the packer said nothing. Since 1.2.
  public var custody: Custody?
  /// What the source delivered against what was asked; nil when the source says nothing
  /// about it. Since 1.2.
  public var coverage: Coverage?
  /// The bundles this one was derived from, or the one sealed before it; nil for a bundle
  /// packed from a source. Since 1.4.
  public var lineage: Lineage?
  /// Keys this version does not know, kept so that a reader can warn about them.
  public var unknownKeys: [String] = []

  public init() {}

  public struct Source: Sendable, Equatable {
    public var platform: Identifier = ""
    /// IANA name of the zone the source's users live in; times themselves are UTC.
    public var timeZone = "UTC"
    public var inputs: [InputFile] = []
    /// Credentials found in the source data and removed before anything was written
    /// (since 1.3), by kind and name, in bytewise order.
    public var credentialsRemoved: [CredentialRemoval] = []
    public init() {}
  }

  /// That credentials of one kind were removed from the source data: export tokens in
  /// file links, for example (`url_query_parameter` `t`).
  public struct CredentialRemoval: Sendable, Equatable {
    public var kind: String
    public var name: String
    public var count: Int64
    public init(kind: String, name: String, count: Int64) {
      self.kind = kind
      self.name = name
      self.count = count
    }
  }

  public struct InputFile: Sendable, Equatable {
    public var name: String
    public var size: Int64
    public var sha256: String
    public var records: Int64
    public init(name: String, size: Int64, sha256: String, records: Int64) {
      self.name = name
      self.size = size
      self.sha256 = sha256
      self.records = records
    }
  }

  public struct Totals: Sendable, Equatable {
    public var files: Int64 = 0
    public var bytes: Int64 = 0
    public var conversations: Int64 = 0
    public var messages: Int64 = 0
    public var media: Int64 = 0
    public var mediaBytes: Int64 = 0
    public var missing: Int64 = 0
    public var skipped: Int64 = 0
    /// Identical copies of a message seen more than once in the input and stored once.
    public var duplicates: Int64 = 0
    public init() {}
  }

  public struct FileEntry: Sendable, Equatable {
    public enum Role: String, Sendable, CaseIterable {
      case people, index, messages, media
    }
    public var path: String
    public var size: Int64
    public var sha256: String
    public var role: Role
    public var mediaType: String?
    public init(path: String, size: Int64, sha256: String, role: Role, mediaType: String? = nil) {
      self.path = path
      self.size = size
      self.sha256 = sha256
      self.role = role
      self.mediaType = mediaType
    }
  }

  public struct MissingMedia: Sendable, Equatable {
    public var message: Identifier
    public var conversation: Identifier
    /// The message field that refers to the file (`media`, `thumbnail`, `parts[0].media`).
    public var field: String
    public var name: String?
    public var sourceReference: String?
    public var reason: String
    public var detail: String?
    public init(
      message: Identifier, conversation: Identifier, field: String, name: String?, sourceReference: String?,
      reason: String, detail: String? = nil
    ) {
      self.message = message
      self.conversation = conversation
      self.field = field
      self.name = name
      self.sourceReference = sourceReference
      self.reason = reason
      self.detail = detail
    }
  }

  public struct SkippedRecord: Sendable, Equatable {
    public var input: String
    public var line: Int64
    public var reason: String
    public var messageID: String?
    public init(input: String, line: Int64, reason: String, messageID: String? = nil) {
      self.input = input
      self.line = line
      self.reason = reason
      self.messageID = messageID
    }
  }

  /// The manifest's path-indexed view, for lookups while reading.
  public func file(at path: String) -> FileEntry? { files.first { $0.path == path } }
}

/// The filters an export was made with; nil means "not limited".
public struct ExportScope: Sendable, Equatable {
  /// Milliseconds since the epoch, inclusive.
  public var since: Int64?
  /// Milliseconds since the epoch, exclusive.
  public var until: Int64?
  public var conversations: [Identifier]?
  public var members: [Identifier]?
  public init(
    since: Int64? = nil, until: Int64? = nil, conversations: [Identifier]? = nil, members: [Identifier]? = nil
  ) {
    self.since = since
    self.until = until
    self.conversations = conversations
    self.members = members
  }

  public var isUnlimited: Bool { since == nil && until == nil && conversations == nil && members == nil }
}

/// A conversation as the manifest declares it.
public struct ConversationEntry: Sendable, Equatable {
  public enum Kind: String, Sendable, CaseIterable {
    /// Two people (Easemob `chat`, a WeCom message without `roomid`).
    case direct
    case group
    case chatroom
  }
  public var id: Identifier
  public var kind: Kind
  public var name: String?
  /// For a direct conversation, its two parties in bytewise order.
  public var participants: [Identifier]?
  /// Members known to belong to another organisation (WeCom external contacts), sorted
  /// bytewise; nil when the source marks nobody. Since format 1.1.
  public var externalMembers: [Identifier]?
  /// The source's id for a group or chat room.
  public var sourceID: Identifier?
  public var path: String
  public var messageCount: Int64
  public var firstTimestamp: Int64
  public var lastTimestamp: Int64

  public init(
    id: Identifier, kind: Kind, name: String? = nil, participants: [Identifier]? = nil, sourceID: Identifier? = nil,
    path: String, messageCount: Int64 = 0, firstTimestamp: Int64 = 0, lastTimestamp: Int64 = 0,
    externalMembers: [Identifier]? = nil
  ) {
    self.id = id
    self.kind = kind
    self.name = name
    self.participants = participants
    self.externalMembers = externalMembers
    self.sourceID = sourceID
    self.path = path
    self.messageCount = messageCount
    self.firstTimestamp = firstTimestamp
    self.lastTimestamp = lastTimestamp
  }
}
