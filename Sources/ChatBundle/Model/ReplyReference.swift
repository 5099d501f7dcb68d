/// The quoted message of a reply, with the preview the sender saw.
public struct ReplyReference: Sendable, Hashable {
  public var id: Identifier
  public var sender: Identifier?
  public var preview: String?

  public init(id: Identifier, sender: Identifier? = nil, preview: String? = nil) {
    self.id = id
    self.sender = sender
    self.preview = preview
  }
}
