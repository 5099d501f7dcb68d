/// A body without an envelope: a further body of a multi-body message, or an item of a
/// forwarded chat history (which keeps its original sender and time).
public struct MessagePart: Sendable, Hashable {
  /// For an item of a forwarded history: who sent it originally.
  public var sender: Identifier?
  /// For an item of a forwarded history: when it was sent, UTC milliseconds.
  public var timestamp: Int64?
  public var body: MessageBody
  /// Members of the stored part that its kind does not use; see `Message.unusedMembers`.
  public var unusedMembers: ContentMembers {
    get { unusedStorage?.members ?? ContentMembers() }
    set { unusedStorage = newValue.isEmpty ? nil : ContentMembers.Storage(newValue) }
  }
  var unusedStorage: ContentMembers.Storage?

  public init(_ body: MessageBody, sender: Identifier? = nil, timestamp: Int64? = nil) {
    self.body = body
    self.sender = sender
    self.timestamp = timestamp
  }

  public var kind: MessageKind { body.kind }
}
