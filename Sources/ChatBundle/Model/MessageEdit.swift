/// That a message was edited after it was sent: when last, by whom when not the sender,
/// and the earlier versions when the source keeps them. The message's own text is the
/// current version.
public struct MessageEdit: Sendable, Hashable {
  /// When the message was last edited, UTC milliseconds; nil when the source says only
  /// that it was.
  public var timestamp: Int64?
  /// Who edited it, when the source names someone other than the sender.
  public var editor: Identifier?
  /// Earlier versions, oldest first.
  public var history: [MessageRevision]

  public init(timestamp: Int64? = nil, editor: Identifier? = nil, history: [MessageRevision] = []) {
    self.timestamp = timestamp
    self.editor = editor
    self.history = history
  }
}

/// An earlier version of an edited message's text.
public struct MessageRevision: Sendable, Hashable {
  public var text: String
  /// Since when this version stood (its sending or an earlier edit), UTC milliseconds.
  public var timestamp: Int64?

  public init(text: String, timestamp: Int64? = nil) {
    self.text = text
    self.timestamp = timestamp
  }
}
