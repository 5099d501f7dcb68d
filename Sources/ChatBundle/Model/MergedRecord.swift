/// A forwarded "chat history": title and summary, the items inline when the source
/// includes them, and the attachment holding the originals when it keeps them remotely.
public struct MergedRecord: Sendable, Hashable {
  /// Nesting deeper than this is refused; merged records inside merged records are rare,
  /// and an unbounded depth would let a hostile file exhaust the stack.
  public static let maximumDepth = 16

  public var title: String?
  public var summary: String?
  public var level: Int64?
  public var items: [MessagePart]
  /// Stored as the enclosing message's or part's `media`.
  @OutOfLine public var attachment: MediaReference?

  public init(
    title: String?, summary: String?, level: Int64?, items: [MessagePart] = [], attachment: MediaReference? = nil
  ) {
    self.title = title
    self.summary = summary
    self.level = level
    self.items = items
    self.attachment = attachment
  }
}
