import ChatBundle

/// One message as a request to Easemob's message-import API (`POST
/// /{org}/{app}/messages/users/import` for one-to-one chats, `…/messages/chatgroups/import`
/// for groups), or the reason it cannot be one.
///
/// The request body has exactly the fields the import API documents: `from`, `target`,
/// `type`, `body`, `is_ack_read`, `msg_timestamp`, `need_download`. `target` is a string
/// (the other party, or the group id), as the import API's table and examples give it.
/// Each `body` uses the field names of Easemob's own message bodies for its type (`msg`;
/// `url`, `filename`, `file_length`, `size`; `length` in seconds; `thumb`; `addr`, `lat`,
/// `lng`; `action`; `customEvent`, `v2:customExts`), never a `secret`, and media `url`s
/// point at the bundle's media as `chatbundle extract` lays it out, under a base URL where
/// the extracted files are served.
public enum EasemobImportMapping {
  /// The import API carries these message types; the rest of the model has no import form.
  public static let importableKinds: Set<MessageKind> = [
    .text, .image, .audio, .video, .file, .location, .command, .custom,
  ]

  public enum Outcome: Equatable {
    /// The request line, and anything of the message it does not carry.
    case request(endpoint: String, body: JSONValue, notCarried: [String])
    /// Why the message has no request.
    case skipped(reason: String, detail: String?)
  }

  /// Why a message, or a piece of one, is not imported. Short codes, as in the report.
  public enum Reason {
    /// merged, recall, member_joined, member_left, notice, unknown.
    public static let unsupportedKind = "unsupported_kind"
    /// Chat rooms: the import API has endpoints for one-to-one chats and groups only.
    public static let unsupportedConversation = "unsupported_conversation"
    /// The attachment is not in the bundle, so there is nothing to point a url at.
    public static let mediaMissing = "media_missing"
    /// A message without a sender (the service's own rows) has no `from`.
    public static let noSender = "no_sender"
    /// A group without a source id, or a one-to-one chat whose other party is unknown.
    public static let noTarget = "no_target"
    public static let partsNotCarried = "extra_parts_not_carried"
    public static let thumbnailMissing = "thumbnail_missing"
    public static let replyNotCarried = "reply_not_carried"
    public static let mentionsNotCarried = "mentions_not_carried"
  }

  public static func map(_ message: Message, in conversation: ConversationEntry, mediaBaseURL: String) -> Outcome {
    guard importableKinds.contains(message.kind) else {
      return .skipped(reason: Reason.unsupportedKind, detail: message.kind.rawValue)
    }
    let endpoint: String
    let target: Identifier
    switch conversation.kind {
    case .chatroom:
      return .skipped(reason: Reason.unsupportedConversation, detail: "chat rooms have no import endpoint")
    case .group:
      guard let group = conversation.sourceID else {
        return .skipped(reason: Reason.noTarget, detail: "the group has no source id")
      }
      endpoint = "chatgroups"
      target = group
    case .direct:
      guard let sender = message.sender, let participants = conversation.participants,
        participants.contains(sender)
      else {
        return .skipped(reason: message.sender == nil ? Reason.noSender : Reason.noTarget, detail: nil)
      }
      endpoint = "users"
      target = participants.first { $0 != sender } ?? sender
    }
    guard let sender = message.sender else { return .skipped(reason: Reason.noSender, detail: nil) }
    var notCarried: [String] = []
    let base = mediaBaseURL.hasSuffix("/") ? String(mediaBaseURL.dropLast()) : mediaBaseURL
    func url(_ reference: MediaReference) -> String? { reference.bundlePath.map { base + "/" + $0 } }

    var type: String
    var body = JSONObject()
    var isMedia = false
    switch message.body {
    case .text(let text):
      type = "txt"
      body.append("msg", text)
    case .media(let content):
      guard let media = content.reference, let mediaURL = url(media) else {
        let reason = content.reference?.missing ?? "no attachment"
        return .skipped(reason: Reason.mediaMissing, detail: reason)
      }
      isMedia = true
      type = ["image": "img", "audio": "audio", "video": "video", "file": "file"][content.kind.rawValue] ?? "file"
      body.append("url", mediaURL)
      body.append("filename", media.name ?? media.sha256 ?? "")
      body.append("file_length", media.size)
      if content.kind == .audio || content.kind == .video {
        // Whole seconds, rounded; written so that no duration can overflow.
        body.append("length", media.durationMilliseconds.map { $0 / 1000 + ($0 % 1000 >= 500 ? 1 : 0) })
      }
      if content.kind == .image {
        body.append("size", size(media.width, media.height))
      }
      if content.kind == .video, let thumbnail = content.thumbnail {
        if let thumbURL = url(thumbnail) {
          body.append("thumb", thumbURL)
          // In Easemob's video body `size` is the thumbnail's.
          body.append("size", size(thumbnail.width, thumbnail.height))
        } else {
          notCarried.append(Reason.thumbnailMissing)
        }
      }
    case .location(let place):
      type = "loc"
      guard let location = place else { return .skipped(reason: Reason.unsupportedKind, detail: "location") }
      body.append("addr", location.address ?? location.name ?? "")
      body.append("lat", JSONValue.number(location.latitude))
      body.append("lng", JSONValue.number(location.longitude))
    case .command(let action):
      type = "cmd"
      body.append("action", action)
    case .custom(let custom):
      type = "custom"
      body.append("customEvent", custom.event)
      if !custom.fields.isEmpty {
        body.append(
          "v2:customExts", JSONValue.object(JSONObject(custom.fields.map { .init($0.key, .string($0.value)) })))
      }
    case .merged, .membership, .notice, .recall, .unknown, .redacted:
      return .skipped(reason: Reason.unsupportedKind, detail: message.kind.rawValue)
    }
    if !message.parts.isEmpty { notCarried.append(Reason.partsNotCarried) }
    if message.replyTo != nil { notCarried.append(Reason.replyNotCarried) }
    if !message.mentions.isEmpty || message.mentionsAll { notCarried.append(Reason.mentionsNotCarried) }

    var request = JSONObject()
    request.append("from", sender.text)
    request.append("target", target.text)
    request.append("type", type)
    request.append("body", JSONValue.object(body))
    request.append("is_ack_read", JSONValue.bool(true))
    request.append("msg_timestamp", message.timestamp)
    request.append("need_download", JSONValue.bool(isMedia))
    return .request(endpoint: endpoint, body: .object(request), notCarried: notCarried)
  }

  /// One output line's value: `{"endpoint":…,"message_id":…,"body":{…}}`.
  public static func envelope(endpoint: String, messageID: Identifier, body: JSONValue) -> JSONValue {
    .object(JSONObject(["endpoint": .string(endpoint), "message_id": .string(messageID.text), "body": body]))
  }

  private static func size(_ width: Int64?, _ height: Int64?) -> JSONValue? {
    guard let width, let height else { return nil }
    return .object(JSONObject(["width": .integer(width), "height": .integer(height)]))
  }
}
