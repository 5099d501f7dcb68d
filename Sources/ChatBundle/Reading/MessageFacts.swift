/// What the checks of a conversation file need of one message: its place in the order, its
/// media references and what the conversation index counts. Taken on the thread that parsed
/// the line, so that when nobody asked for the messages themselves (verify), the parsed
/// message is freed there too rather than by the reader's thread, where freeing memory
/// another thread allocated would contend with it.
struct MessageFacts: Sendable {
  let id: Identifier
  let conversation: Identifier
  let timestamp: Int64
  let kind: MessageKind
  let sender: Identifier?
  /// The members a membership change or a `members` array lists (spec §10.1).
  let listedMembers: [Identifier]
  let hasEditTarget: Bool
  let isRedacted: Bool
  let media: [(field: String, reference: MediaReference)]

  init(_ message: Message) {
    id = message.id
    conversation = message.conversation
    timestamp = message.timestamp
    kind = message.kind
    sender = message.sender
    listedMembers = ConversationStatistics.listedMembers(of: message)
    hasEditTarget = message.editTarget != nil
    isRedacted = message.isRedacted
    media = message.mediaReferences.map { ($0.path.description, $0.reference) }
  }
}
