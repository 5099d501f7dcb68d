/// A conversation as an importer sees it, before any message is written.
public struct ConversationInfo: Sendable, Equatable {
  public var id: Identifier
  public var kind: ConversationEntry.Kind
  public var participants: [Identifier]?
  public var sourceID: Identifier?
  /// Members from another organisation seen in this message; the builder collects them
  /// over the whole conversation.
  public var externalMembers: [Identifier]?

  public init(
    id: Identifier, kind: ConversationEntry.Kind, participants: [Identifier]? = nil, sourceID: Identifier? = nil,
    externalMembers: [Identifier]? = nil
  ) {
    self.id = id
    self.kind = kind
    self.participants = participants
    self.sourceID = sourceID
    self.externalMembers = externalMembers
  }

  /// Whether a `--conversation` value names this conversation: its bundle id, the source's
  /// group or room id, or, for a direct chat, either party.
  public func matches(_ wanted: Identifier) -> Bool {
    wanted == id || wanted == sourceID || (kind == .direct && (participants ?? []).contains(wanted))
  }
}
