/// What a message is, independent of the service it came from.
public enum MessageKind: String, Sendable, CaseIterable, Hashable {
  case text
  case image
  case audio
  case video
  case file
  case location
  /// A control message the service's clients act on and do not show (Easemob `cmd`).
  case command
  /// An application-defined event with key/value fields (Easemob `custom`).
  case custom
  /// A forwarded bundle of earlier messages ("chat history"), inline or as an attachment.
  case merged
  case memberJoined = "member_joined"
  case memberLeft = "member_left"
  /// A system notice or announcement: group renamed, settings changed, pinned notice.
  case notice
  /// A tombstone saying that another message was recalled.
  case recall
  /// A message type this version does not know; its raw record says everything.
  case unknown
  /// A marker left where a whole message was redacted (since 1.5): who sent it, when, and
  /// its kind stay; the content is gone.
  case redacted
}
