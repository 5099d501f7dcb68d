/// One message, in the model shared by every source: an envelope (who, when, where, in
/// answer to what) around one body, with further bodies in `parts`.
///
/// `source.raw` is the source record exactly as parsed, so nothing the service said is
/// lost and a later export back into a chat service has every field.
public struct Message: Sendable, Hashable {
  public var id: Identifier
  public var conversation: Identifier
  /// Milliseconds since 1970-01-01T00:00:00Z.
  public var timestamp: Int64
  /// The sending user's id; nil for rows the service itself produced.
  public var sender: Identifier?
  public var body: MessageBody
  /// Further bodies when one source message carries several, in source order.
  public var parts: [MessagePart] = []
  public var replyTo: ReplyReference?
  public var mentions: [Identifier] = []
  public var mentionsAll = false
  public var source: SourceRecord
  /// Members of the stored line that its kind does not use (spec §8.2 lets a message carry
  /// them). Writers of this tool never produce any; a reader keeps them so that no media
  /// reference a line holds escapes the checks, and so that the line can be written back.
  public var unusedMembers: ContentMembers {
    get { unusedStorage?.members ?? ContentMembers() }
    set { unusedStorage = newValue.isEmpty ? nil : ContentMembers.Storage(newValue) }
  }
  /// Boxed: nearly always empty, and as large as every content member together, so that a
  /// message stays small to copy between threads and through queues.
  var unusedStorage: ContentMembers.Storage?
  /// Edits, reactions, threads and the like (since 1.3); nil when there are none.
  @OutOfLine public internal(set) var annotations: MessageAnnotations?

  public init(
    id: Identifier, conversation: Identifier, timestamp: Int64, sender: Identifier?, body: MessageBody,
    source: SourceRecord
  ) {
    self.id = id
    self.conversation = conversation
    self.timestamp = timestamp
    self.sender = sender
    self.body = body
    self.source = source
  }

  public var kind: MessageKind { body.kind }

  /// Whether the stored line holds members its kind does not use.
  public var hasUnusedMembers: Bool { unusedStorage != nil }
}

/// Where a message came from: the service, and the record it was made from.
public struct SourceRecord: Sendable, Hashable {
  public var platform: Identifier
  /// The record as parsed; `null` when a reader chose not to build it (it was still
  /// checked as strict JSON).
  public var raw: JSONValue

  public init(platform: Identifier, raw: JSONValue) {
    self.platform = platform
    self.raw = raw
  }
}
