import ChatBundle

/// Maps one Easemob history record to the shared message model.
///
/// Field meanings follow Easemob's "获取历史消息记录" REST doc: `payload.from`/`payload.to`
/// are sender and receiver (user, group or chat room), `timestamp` is UTC milliseconds,
/// one body per message as a rule. The record itself travels as `raw`.
public struct EasemobRecordMapper: Sendable {
  public init() {}

  /// A record mapped, with its media still to be resolved.
  public struct Mapped: Sendable {
    public var message: Message
    public var conversation: ConversationInfo
    /// Attachments to resolve: the message field, the chatfiles url, the declared size.
    public var attachments: [Attachment]
  }

  public struct Attachment: Sendable {
    public var field: AttachmentField
    public var url: String?
    public var declaredSize: Int64?
  }

  public enum AttachmentField: Sendable, Equatable {
    case media
    case thumbnail
    case part(Int)
  }

  public func map(_ raw: JSONValue) throws(RecordError) -> Mapped {
    guard case .object(let record) = raw else {
      throw RecordError(field: "", message: "a record must be a JSON object, found \(raw.typeName)")
    }
    let id = try messageID(record)
    let timestamp = try timestampValue(record)
    let payload = record["payload"]?.objectValue ?? JSONObject()
    let sender = payload["from"]?.stringValue ?? record["from"]?.stringValue
    let receiver = payload["to"]?.stringValue ?? record["to"]?.stringValue
    guard let sender, Identifier.problem(sender) == nil else {
      throw RecordError(field: "payload.from", message: "the sender is missing or not a valid id")
    }
    guard let receiver, Identifier.problem(receiver) == nil else {
      throw RecordError(field: "payload.to", message: "the receiver is missing or not a valid id")
    }
    let chatType = record["chat_type"]?.stringValue ?? "chat"
    let conversation: ConversationInfo
    switch chatType {
    case "chat":
      conversation = DirectConversation.info(sender, receiver)
    case "groupchat":
      conversation = ConversationInfo(id: "group:" + receiver, kind: .group, sourceID: receiver)
    case "chatroom":
      conversation = ConversationInfo(id: "chatroom:" + receiver, kind: .chatroom, sourceID: receiver)
    default:
      throw RecordError(
        field: "chat_type", message: "\"\(chatType)\" is not a history message type (chat, groupchat or chatroom)")
    }
    var message = Message(
      id: id, conversation: conversation.id, timestamp: timestamp, sender: sender, kind: .unknown,
      platform: "easemob", raw: raw)
    var attachments: [Attachment] = []
    let bodies = payload["bodies"]?.arrayValue ?? []
    for (index, body) in bodies.enumerated() {
      guard case .object(let fields) = body else {
        throw RecordError(field: "payload.bodies[\(index)]", message: "a body must be an object")
      }
      let part = try mapBody(fields, index: index)
      if index == 0 {
        message.kind = part.kind
        message.text = part.text
        message.location = part.location
        message.merged = part.merged
        message.sourceType = part.sourceType
        message.command = part.command
        message.custom = part.custom
        message.media = part.media
        message.thumbnail = part.thumbnail
        if part.media != nil {
          attachments.append(Attachment(field: .media, url: part.mediaURL, declaredSize: part.media?.size))
        }
        if part.thumbnail != nil { attachments.append(Attachment(field: .thumbnail, url: part.thumbnailURL)) }
      } else {
        var extra = MessagePart(kind: part.kind, text: part.text ?? part.command)
        extra.location = part.location
        extra.merged = part.merged
        extra.sourceType = part.sourceType
        extra.media = part.media
        if part.media != nil {
          attachments.append(
            Attachment(field: .part((message.parts ?? []).count), url: part.mediaURL, declaredSize: part.media?.size))
        }
        message.parts = (message.parts ?? []) + [extra]
      }
    }
    if let ext = payload["ext"]?.objectValue {
      message.replyTo = quote(from: ext)
      switch ext["em_at_list"] {
      case .array(let users)?:
        let ids = users.compactMap(\.stringValue).filter { Identifier.problem($0) == nil }
        if !ids.isEmpty { message.mentions = ids }
      case .string(let text)? where text.lowercased() == "all":
        message.mentionsAll = true
      default: break
      }
    }
    return Mapped(message: message, conversation: conversation, attachments: attachments)
  }

  private struct Body {
    var kind: MessageKind
    var text: String?
    var media: MediaReference?
    var mediaURL: String?
    var thumbnail: MediaReference?
    var thumbnailURL: String?
    var location: Location?
    var merged: MergedRecord?
    var command: String?
    var custom: CustomEvent?
    var sourceType: String?
  }

  private func mapBody(_ body: JSONObject, index: Int) throws(RecordError) -> Body {
    let type = body["type"]?.stringValue
    let isCombine = type == "combine" || body["subType"]?.stringValue == "sub_combine" || body["combineLevel"] != nil
    func attachment() -> MediaReference {
      MediaReference(
        size: integer(body["file_length"]), name: body["filename"]?.stringValue,
        width: integer(body["size"]?.objectValue?["width"]), height: integer(body["size"]?.objectValue?["height"]),
        durationMilliseconds: integer(body["length"]).map { $0 * 1000 },
        sourceReference: body["url"]?.stringValue.flatMap(EasemobMedia.fileKey(fromURL:)))
    }
    if isCombine {
      var result = Body(kind: .merged)
      result.merged = MergedRecord(
        title: body["title"]?.stringValue, summary: body["summary"]?.stringValue, level: integer(body["combineLevel"]))
      if body["url"] != nil || body["filename"] != nil {
        result.media = attachment()
        result.mediaURL = body["url"]?.stringValue
      }
      return result
    }
    switch type {
    case "txt":
      return Body(kind: .text, text: body["msg"]?.stringValue ?? "")
    case "img", "audio", "file", "video":
      let kind: MessageKind = type == "img" ? .image : type == "audio" ? .audio : type == "file" ? .file : .video
      var result = Body(kind: kind, media: attachment(), mediaURL: body["url"]?.stringValue)
      if kind == .video, let thumb = body["thumb"]?.stringValue, !thumb.isEmpty {
        result.thumbnail = MediaReference(sourceReference: EasemobMedia.fileKey(fromURL: thumb))
        result.thumbnailURL = thumb
        // In a video body `size` is the thumbnail's size, not the video's.
        result.thumbnail?.width = result.media?.width
        result.thumbnail?.height = result.media?.height
        result.media?.width = nil
        result.media?.height = nil
      }
      return result
    case "loc":
      guard let latitude = coordinate(body["lat"]), let longitude = coordinate(body["lng"]) else {
        throw RecordError(field: "payload.bodies[\(index)]", message: "a location needs numeric lat and lng")
      }
      return Body(
        kind: .location,
        location: Location(address: body["addr"]?.stringValue, latitude: latitude, longitude: longitude))
    case "cmd":
      return Body(kind: .command, command: body["action"]?.stringValue ?? "")
    case "custom":
      return Body(kind: .custom, custom: customEvent(body))
    default:
      return Body(kind: .unknown, sourceType: type ?? "(no type)")
    }
  }

  /// `v2:customExts` (a map) first, then any key of the legacy `customExts` array of
  /// one-key objects that the map does not have.
  private func customEvent(_ body: JSONObject) -> CustomEvent {
    var fields: [KeyValue] = []
    var seen: Set<String> = []
    func add(_ key: String, _ value: JSONValue) {
      guard seen.insert(key).inserted else { return }
      fields.append(KeyValue(key, value.stringValue ?? String(decoding: JSONWriter.serialize(value), as: UTF8.self)))
    }
    for member in body["v2:customExts"]?.objectValue?.members ?? [] { add(member.key, member.value) }
    for element in body["customExts"]?.arrayValue ?? [] {
      for member in element.objectValue?.members ?? [] { add(member.key, member.value) }
    }
    return CustomEvent(event: body["customEvent"]?.stringValue, fields: fields)
  }

  /// The quoted message of an Easemob UIKit reply (`ext.msgQuote`), which some SDKs store
  /// as an object and others as a JSON string.
  private func quote(from ext: JSONObject) -> ReplyReference? {
    var quote = ext["msgQuote"]
    if case .string(let text)? = quote { quote = try? JSONParser.parse(text, options: .lenient) }
    guard let fields = quote?.objectValue,
      let id = fields["msgID"]?.stringValue ?? fields["msgID"]?.numberLiteral, Identifier.problem(id) == nil
    else { return nil }
    let sender = fields["msgSender"]?.stringValue.flatMap { Identifier.problem($0) == nil ? $0 : nil }
    return ReplyReference(id: id, sender: sender, preview: fields["msgPreview"]?.stringValue)
  }

  private func messageID(_ record: JSONObject) throws(RecordError) -> String {
    switch record["msg_id"] {
    case .string(let text)?:
      if let problem = Identifier.problem(text) { throw RecordError(field: "msg_id", message: problem) }
      return text
    case .number(let literal)?:
      // Kept exactly: the parser keeps the literal, so ids beyond 2^53 lose nothing.
      guard literal.allSatisfy(\.isASCIIDigit) else {
        throw RecordError(
          field: "msg_id", message: "the number \(literal) is not an integer, so its exact digits are lost")
      }
      return literal
    case nil:
      throw RecordError(field: "msg_id", message: "is missing")
    case let other?:
      throw RecordError(field: "msg_id", message: "expected a string, found \(other.typeName)")
    }
  }

  private func timestampValue(_ record: JSONObject) throws(RecordError) -> Int64 {
    let value = record["timestamp"]
    let literal = value?.numberLiteral ?? value?.stringValue
    guard let literal, let timestamp = Int64(literal), (0...BundleLimits.maximumTimestamp).contains(timestamp) else {
      throw RecordError(
        field: "timestamp", message: value == nil ? "is missing" : "expected milliseconds since 1970 as an integer")
    }
    return timestamp
  }

  private func integer(_ value: JSONValue?) -> Int64? {
    guard let literal = value?.numberLiteral ?? value?.stringValue else { return nil }
    if let whole = Int64(literal) { return whole }
    return Double(literal).flatMap { $0.isFinite && abs($0) < 9e15 ? Int64($0.rounded()) : nil }
  }

  private func coordinate(_ value: JSONValue?) -> String? {
    if let literal = value?.numberLiteral { return literal }
    if let text = value?.stringValue?.trimmingSpaces, case .number(let literal)? = try? JSONParser.parse(text) {
      return literal
    }
    return nil
  }
}

extension Character {
  var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

extension String {
  func replacingAll(_ target: String, with replacement: String) -> String {
    split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
  }
}
