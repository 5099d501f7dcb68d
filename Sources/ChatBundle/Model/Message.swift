/// One message, in the model shared by every source.
///
/// Kind-specific content lives in optional fields; a reply is any message with `replyTo`.
/// `raw` is the source record exactly as parsed, so nothing the service said is lost and a
/// later export back into a chat service has every field.
public struct Message: Sendable, Hashable {
  public var id: String
  public var conversation: String
  /// Milliseconds since 1970-01-01T00:00:00Z.
  public var timestamp: Int64
  /// The sending user's id; nil for rows the service itself produced.
  public var sender: String?
  public var kind: MessageKind
  public var text: String?
  public var media: MediaReference?
  public var thumbnail: MediaReference?
  public var location: Location?
  public var command: String?
  public var custom: CustomEvent?
  public var merged: MergedRecord?
  /// The users who joined or left, for `member_joined` and `member_left`.
  public var members: [String]?
  /// For `recall`: the message that was recalled.
  public var recallTarget: String?
  public var replyTo: ReplyReference?
  public var mentions: [String]?
  public var mentionsAll: Bool
  /// For `unknown`: the source's name for the type.
  public var sourceType: String?
  /// Further parts when a source message carries more than one body.
  public var parts: [MessagePart]?
  public var platform: String
  public var raw: JSONValue

  public init(
    id: String, conversation: String, timestamp: Int64, sender: String?, kind: MessageKind,
    platform: String, raw: JSONValue
  ) {
    self.id = id
    self.conversation = conversation
    self.timestamp = timestamp
    self.sender = sender
    self.kind = kind
    self.platform = platform
    self.raw = raw
    self.mentionsAll = false
  }
}

public struct Location: Sendable, Hashable {
  public var address: String?
  public var name: String?
  /// Degrees, as the source's number literal (kept exact).
  public var latitude: String
  public var longitude: String

  public init(address: String? = nil, name: String? = nil, latitude: String, longitude: String) {
    self.address = address
    self.name = name
    self.latitude = latitude
    self.longitude = longitude
  }
}

public struct CustomEvent: Sendable, Hashable {
  public var event: String?
  /// Key/value pairs in source order.
  public var fields: [KeyValue]

  public init(event: String?, fields: [KeyValue]) {
    self.event = event
    self.fields = fields
  }
}

public struct KeyValue: Sendable, Hashable {
  public var key: String
  public var value: String
  public init(_ key: String, _ value: String) {
    self.key = key
    self.value = value
  }
}

/// A forwarded "chat history": title and summary, the attachment holding the original
/// messages when the source keeps them remotely, or the items inline when it does not.
public struct MergedRecord: Sendable, Hashable {
  public var title: String?
  public var summary: String?
  public var level: Int64?
  public var items: [MessagePart]

  public init(title: String?, summary: String?, level: Int64?, items: [MessagePart] = []) {
    self.title = title
    self.summary = summary
    self.level = level
    self.items = items
  }
}

/// The quoted message of a reply, with the preview the sender saw.
public struct ReplyReference: Sendable, Hashable {
  public var id: String
  public var sender: String?
  public var preview: String?

  public init(id: String, sender: String? = nil, preview: String? = nil) {
    self.id = id
    self.sender = sender
    self.preview = preview
  }
}

/// A message's body without its envelope: an extra body, or an item of a merged record.
public struct MessagePart: Sendable, Hashable {
  public var kind: MessageKind
  public var sender: String?
  public var timestamp: Int64?
  public var text: String?
  public var media: MediaReference?
  public var location: Location?
  public var merged: MergedRecord?
  public var sourceType: String?

  public init(kind: MessageKind, sender: String? = nil, timestamp: Int64? = nil, text: String? = nil) {
    self.kind = kind
    self.sender = sender
    self.timestamp = timestamp
    self.text = text
  }
}
