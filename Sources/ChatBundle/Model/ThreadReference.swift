/// That a message is a reply in a thread, and which message the thread hangs from.
public struct ThreadReference: Sendable, Hashable {
  /// The thread's first message.
  public var root: Identifier
  /// The reply was also posted to the conversation itself (Slack's "also send to
  /// channel").
  public var broadcast: Bool

  public init(root: Identifier, broadcast: Bool = false) {
    self.root = root
    self.broadcast = broadcast
  }
}
