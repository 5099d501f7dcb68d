import ArchiveIO

/// How a bundle is packed, independent of the source service.
public struct PackOptions: Sendable {
  public var platform: Identifier
  /// IANA zone of the source's users, recorded in the manifest.
  public var timeZone: String
  public var scope = ExportScope()
  public var generatorVersion = ChatBundleVersion.current
  /// Display names for user, group and chat-room ids.
  public var people: [Identifier: String] = [:]
  /// Keep the first copy of a message id whose copies differ, instead of failing.
  public var keepFirstDuplicate = false
  /// Skip malformed records (each recorded in the manifest) instead of failing.
  public var skipInvalid = false
  public var maximumSkipped = 10_000
  /// Memory each external sort may use before it spills to disk.
  public var sortMemoryBytes = 64 << 20
  /// Where scratch files go; by default beside the output, so the final rename is atomic.
  public var temporaryDirectory: String?
  /// Keys that sign the bundle as it is written, so that it appears at the output signed.
  public var signingKeys: [SigningKey] = []
  /// Who exports, for whom and why, recorded in the manifest as given.
  public var custody: Custody?
  /// Threads that parse and compress; the bundle is byte for byte the same on any number.
  public var threads = ParallelGzipDeflater.defaultThreadCount

  public init(platform: Identifier, timeZone: String) {
    self.platform = platform
    self.timeZone = timeZone
  }
}

/// What a pack produced, for the closing summary.
public struct PackSummary: Sendable {
  public var output: String
  public var bundleID: String
  public var bundleBytes: Int64
  public var conversations: Int64
  public var messages: Int64
  public var media: Int64
  public var mediaBytes: Int64
  public var missing: Int64
  public var skipped: Int64
  public var duplicates: Int64
  public var filtered: Int64
  public var records: Int64
}

/// Progress of a running pack, for a progress display.
public struct PackProgress: Sendable {
  public enum Phase: String, Sendable {
    case reading = "reading", sorting = "sorting", writing = "writing"
  }
  public var phase: Phase
  public var done: Int64
  public var total: Int64?
}

public enum ChatBundleVersion {
  public static let current = "0.1.0"
}
