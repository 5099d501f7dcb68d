/// What the services say about a message besides its content (since format 1.3): edits,
/// reactions, threads, pins, bots, forwards. Kept together behind one pointer in
/// `Message`, since most messages have none of it and every message is copied several
/// times on its way through the readers' queues.
public struct MessageAnnotations: Sendable, Hashable {
  public var edited: MessageEdit?
  public var reactions: [Reaction] = []
  public var thread: ThreadReference?
  public var pinned = false
  /// On a notice that something was pinned: the pinned message.
  public var pinTarget: Identifier?
  /// This record is a later version of that message (an Easemob edit callback); spec
  /// feature `message-revisions`.
  public var editTarget: Identifier?
  public var senderIsBot = false
  public var forwardedFrom: ForwardOrigin?
  /// What a redaction changed in this message (since 1.5; feature `redactions`).
  public var redactions: [RedactionRecord] = []

  public init() {}

  public var isEmpty: Bool { self == MessageAnnotations() }
}

extension Message {
  public var edited: MessageEdit? {
    get { annotations?.edited }
    set { updateAnnotations { $0.edited = newValue } }
  }

  public var reactions: [Reaction] {
    get { annotations?.reactions ?? [] }
    set { updateAnnotations { $0.reactions = newValue } }
  }

  public var thread: ThreadReference? {
    get { annotations?.thread }
    set { updateAnnotations { $0.thread = newValue } }
  }

  public var pinned: Bool {
    get { annotations?.pinned ?? false }
    set { updateAnnotations { $0.pinned = newValue } }
  }

  public var pinTarget: Identifier? {
    get { annotations?.pinTarget }
    set { updateAnnotations { $0.pinTarget = newValue } }
  }

  public var editTarget: Identifier? {
    get { annotations?.editTarget }
    set { updateAnnotations { $0.editTarget = newValue } }
  }

  public var senderIsBot: Bool {
    get { annotations?.senderIsBot ?? false }
    set { updateAnnotations { $0.senderIsBot = newValue } }
  }

  public var forwardedFrom: ForwardOrigin? {
    get { annotations?.forwardedFrom }
    set { updateAnnotations { $0.forwardedFrom = newValue } }
  }

  public var redactions: [RedactionRecord] {
    get { annotations?.redactions ?? [] }
    set { updateAnnotations { $0.redactions = newValue } }
  }

  /// Whether the line needs format 1.3.
  public var hasAnnotations: Bool { annotations != nil }

  /// Whether the line needs the feature `redactions` (format 1.5).
  public var isRedacted: Bool { kind == .redacted || !(annotations?.redactions.isEmpty ?? true) }

  private mutating func updateAnnotations(_ change: (inout MessageAnnotations) -> Void) {
    var value = annotations ?? MessageAnnotations()
    change(&value)
    annotations = value.isEmpty ? nil : value
  }
}
