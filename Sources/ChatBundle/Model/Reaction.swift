/// People who reacted to a message with one emoji.
public struct Reaction: Sendable, Hashable {
  /// The emoji as characters when the source gives or implies them (`👍`), otherwise the
  /// service's name for a custom one (`partyparrot`).
  public var emoji: String
  /// The service's own name for it when `emoji` is the character (Slack's `+1`).
  public var name: String?
  /// How many reacted; at least as many as `users` names, since sources list only some.
  public var count: Int64
  /// Who reacted, as far as the source says, in its order.
  public var users: [Identifier]

  public init(emoji: String, name: String? = nil, count: Int64, users: [Identifier] = []) {
    self.emoji = emoji
    self.name = name
    self.count = count
    self.users = users
  }
}
