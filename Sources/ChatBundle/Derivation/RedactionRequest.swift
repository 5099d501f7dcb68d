/// What `redact` is asked to remove, each with the reason the marker and the log give.
public struct RedactionRequest: Sendable {
  /// Whole messages, by id; their later versions (edit records) go with them.
  public var messages: [(id: Identifier, reason: String)] = []
  /// Spans matching a pattern in any string of any message, `source.raw` included.
  public var patterns: [(pattern: RedactionPattern, reason: String)] = []
  /// Media files, by SHA-256: left out of the bundle, every reference to them removed.
  public var media: [(sha256: String, reason: String)] = []

  public init() {}

  public var isEmpty: Bool { messages.isEmpty && patterns.isEmpty && media.isEmpty }
}
