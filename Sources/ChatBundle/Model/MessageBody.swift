/// What a message or a part says, one case per kind, each with exactly the content that
/// kind carries. The kind is never stored apart from the content, so the two cannot
/// disagree.
///
/// The cases that hold media references are boxed (`indirect`): a reference is large, and
/// unboxed it would make every message, text ones included, as large to copy through the
/// reader's queues.
public enum MessageBody: Sendable, Hashable {
  case text(String)
  /// A picture, a sound, a video or another file.
  indirect case media(MediaContent)
  /// A shared place; nil only when a stored line of this kind has no `location`.
  case location(Location?)
  /// A forwarded chat history.
  indirect case merged(MergedRecord)
  /// A control message that clients act on and do not show (Easemob `cmd`): its action.
  case command(String)
  /// An application-defined event with key/value fields.
  indirect case custom(CustomEvent)
  /// Users joined or left.
  case membership(MembershipChange)
  /// A system notice or announcement.
  case notice(String)
  /// A tombstone: another message was recalled. The target is nil only in a part, which
  /// has no member for it; a message's recall always names its target.
  case recall(target: Identifier?)
  /// A type this version does not model; `source.raw` says everything.
  case unknown(UnknownContent)
  /// A whole message redacted (since 1.5): the kind it had. The reason is the message's
  /// redaction record (`Message.redactions`).
  case redacted(removedKind: MessageKind?)

  public var kind: MessageKind {
    switch self {
    case .text: .text
    case .media(let content): content.kind.messageKind
    case .location: .location
    case .merged: .merged
    case .command: .command
    case .custom: .custom
    case .membership(let change): change.change == .joined ? .memberJoined : .memberLeft
    case .notice: .notice
    case .recall: .recall
    case .unknown: .unknown
    case .redacted: .redacted
    }
  }

  /// Whether the service itself produced the row (a notice, a membership change, a
  /// recall), which transcripts show apart from what people said.
  public var isSystemEvent: Bool {
    switch self {
    case .membership, .notice, .recall, .redacted: true
    default: false
    }
  }
}

/// An attachment-carrying body: its kind, the file, a preview, and a caption.
public struct MediaContent: Sendable, Hashable {
  public enum Kind: String, Sendable, CaseIterable {
    case image, audio, video, file

    public var messageKind: MessageKind {
      switch self {
      case .image: .image
      case .audio: .audio
      case .video: .video
      case .file: .file
      }
    }
  }

  public var kind: Kind
  /// The file; nil only when a stored line of this kind names none.
  @OutOfLine public var reference: MediaReference?
  /// A preview image (a video's poster frame). Messages only: a part has no member for it.
  @OutOfLine public var thumbnail: MediaReference?
  public var caption: String?

  public init(
    _ kind: Kind, reference: MediaReference?, thumbnail: MediaReference? = nil, caption: String? = nil
  ) {
    self.kind = kind
    self.reference = reference
    self.thumbnail = thumbnail
    self.caption = caption
  }
}

/// Users who joined or left a conversation.
public struct MembershipChange: Sendable, Hashable {
  public enum Change: Sendable, Hashable { case joined, left }

  public var change: Change
  /// Who joined or left; empty when the source says only that someone did (then the
  /// sender is the one). Messages only: a part has no member for it.
  public var members: [Identifier]

  public init(_ change: Change, members: [Identifier] = []) {
    self.change = change
    self.members = members
  }
}

/// A body of a type this version does not model.
public struct UnknownContent: Sendable, Hashable {
  /// The source's own name for the type.
  public var sourceType: String?
  /// Text the source gave with it, if any.
  public var text: String?

  public init(sourceType: String?, text: String? = nil) {
    self.sourceType = sourceType
    self.text = text
  }
}
