/// The content members of a stored message line or part (spec §8.1 members 6–15, §8.8),
/// as they stand on disk: the form between the JSON and `MessageBody`.
///
/// A body is written by filling the members its kind uses; a line is read by taking those
/// members for the body and keeping the rest, which the spec allows on any kind, as the
/// record's unused members. The two never overlap, so reading and writing round-trip.
public struct ContentMembers: Sendable, Hashable {
  public var text: String?
  @OutOfLine public var media: MediaReference?
  @OutOfLine public var location: Location?
  /// The `merged` object; its `attachment` is always nil here (that is `media`).
  @OutOfLine public var merged: MergedRecord?
  public var sourceType: String?
  // Members a part does not have (§8.8): only a message line holds these.
  @OutOfLine public var thumbnail: MediaReference?
  public var command: String?
  /// The `custom` object; its `attachment` is always nil here (that is `media`).
  @OutOfLine public var custom: CustomEvent?
  public var members: [Identifier]?
  public var recallTarget: Identifier?
  /// A redaction marker's `redacted_kind`: the kind of the message it replaces (since 1.5).
  public var redactedKind: MessageKind?

  public init() {}

  public var isEmpty: Bool {
    text == nil && media == nil && location == nil && merged == nil && sourceType == nil && thumbnail == nil
      && command == nil && custom == nil && members == nil && recallTarget == nil && redactedKind == nil
  }

  /// Immutable storage for members kept out of line.
  final class Storage: Sendable, Hashable {
    let members: ContentMembers
    init(_ members: ContentMembers) { self.members = members }
    static func == (lhs: Storage, rhs: Storage) -> Bool { lhs.members == rhs.members }
    func hash(into hasher: inout Hasher) { hasher.combine(members) }
  }

  /// Where a body stands: a part has fewer members than a message line.
  public enum Level: Sendable { case message, part }

  /// The members `body` fills at `level`. What a part has no member for (a thumbnail,
  /// custom fields, the members who joined, a recall's target) is not written.
  public init(_ body: MessageBody, level: Level) {
    self.init()
    let isMessage = level == .message
    switch body {
    case .text(let text), .notice(let text):
      self.text = text
    case .media(let content):
      media = content.reference
      text = content.caption
      if isMessage { thumbnail = content.thumbnail }
    case .location(let place):
      location = place
    case .merged(let record):
      var stored = record
      stored.attachment = nil
      merged = stored
      media = record.attachment
    case .command(let action):
      if isMessage { command = action } else { text = action }
    case .custom(let event):
      media = event.attachment
      if isMessage {
        var stored = event
        stored.attachment = nil
        custom = stored
      }
    case .membership(let change):
      if isMessage, !change.members.isEmpty { members = change.members }
    case .recall(let target):
      if isMessage { recallTarget = target }
    case .unknown(let content):
      sourceType = content.sourceType
      text = content.text
    case .redacted(let removedKind):
      if isMessage { redactedKind = removedKind }
    }
  }

  /// The body of `kind` made of these members, and the members it does not use.
  public func body(as kind: MessageKind, level: Level) -> (body: MessageBody, unused: ContentMembers) {
    var rest = self
    let isMessage = level == .message
    let body: MessageBody
    switch kind {
    case .text, .notice:
      let text = rest.text ?? ""
      rest.text = nil
      body = kind == .text ? .text(text) : .notice(text)
    case .image, .audio, .video, .file:
      let mediaKind = MediaContent.Kind(rawValue: kind.rawValue) ?? .file
      var content = MediaContent(mediaKind, reference: rest.media, caption: rest.text)
      rest.media = nil
      rest.text = nil
      if isMessage {
        content.thumbnail = rest.thumbnail
        rest.thumbnail = nil
      }
      body = .media(content)
    case .location:
      body = .location(rest.location)
      rest.location = nil
    case .merged:
      var record = rest.merged ?? MergedRecord(title: nil, summary: nil, level: nil)
      record.attachment = rest.media
      rest.merged = nil
      rest.media = nil
      body = .merged(record)
    case .command:
      if isMessage {
        body = .command(rest.command ?? "")
        rest.command = nil
      } else {
        body = .command(rest.text ?? "")
        rest.text = nil
      }
    case .custom:
      var event = (isMessage ? rest.custom : nil) ?? CustomEvent(event: nil, fields: [])
      event.attachment = rest.media
      rest.media = nil
      if isMessage { rest.custom = nil }
      body = .custom(event)
    case .memberJoined, .memberLeft:
      let members = isMessage ? rest.members ?? [] : []
      if isMessage { rest.members = nil }
      body = .membership(MembershipChange(kind == .memberJoined ? .joined : .left, members: members))
    case .recall:
      body = .recall(target: isMessage ? rest.recallTarget : nil)
      if isMessage { rest.recallTarget = nil }
    case .unknown:
      body = .unknown(UnknownContent(sourceType: rest.sourceType, text: rest.text))
      rest.sourceType = nil
      rest.text = nil
    case .redacted:
      body = .redacted(removedKind: isMessage ? rest.redactedKind : nil)
      if isMessage { rest.redactedKind = nil }
    }
    return (body, rest)
  }

  /// These members with `other`'s added; the two must not share a member.
  func adding(_ other: ContentMembers) -> ContentMembers {
    var result = self
    result.text = text ?? other.text
    result.media = media ?? other.media
    result.location = location ?? other.location
    result.merged = merged ?? other.merged
    result.sourceType = sourceType ?? other.sourceType
    result.thumbnail = thumbnail ?? other.thumbnail
    result.command = command ?? other.command
    result.custom = custom ?? other.custom
    result.members = members ?? other.members
    result.recallTarget = recallTarget ?? other.recallTarget
    result.redactedKind = redactedKind ?? other.redactedKind
    return result
  }
}

extension Message {
  /// Every content member the stored line holds: the body's and the unused ones. Set,
  /// the members are read as the message's kind, as a stored line would be.
  public var contentMembers: ContentMembers {
    get {
      let own = ContentMembers(body, level: .message)
      return unusedStorage.map { own.adding($0.members) } ?? own
    }
    set { (body, unusedMembers) = newValue.body(as: kind, level: .message) }
  }
}

extension MessagePart {
  /// Every content member the stored part holds; see `Message.contentMembers`.
  public var contentMembers: ContentMembers {
    get {
      let own = ContentMembers(body, level: .part)
      return unusedStorage.map { own.adding($0.members) } ?? own
    }
    set { (body, unusedMembers) = newValue.body(as: kind, level: .part) }
  }
}
