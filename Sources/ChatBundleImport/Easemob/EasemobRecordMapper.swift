import ChatBundle

/// Maps one Easemob history record to the shared message model.
///
/// Field meanings follow Easemob's "获取历史消息记录" REST doc: `payload.from`/`payload.to`
/// are sender and receiver (user, group or chat room), `timestamp` is UTC milliseconds,
/// one body per message as a rule. The record itself travels as `raw`.
public struct EasemobRecordMapper: Sendable {
  public init() {}

  /// What an attachment needs to find its file: the chatfiles url and the declared size.
  public struct Attachment: Sendable, Equatable {
    public var url: String?
    public var declaredSize: Int64?
  }

  public typealias Mapped = MappedRecord<Attachment>

  /// Why a record is not a message at all, so that it is recorded as skipped rather
  /// than refused: the post-send callbacks for read and delivery receipts and for
  /// notifications carry no content of the conversation.
  public func notAMessageReason(_ raw: JSONValue) -> String? {
    guard let chatType = raw.objectValue?["chat_type"]?.stringValue else { return nil }
    switch chatType {
    case "read_ack", "delivery_ack", "channel_ack":
      return "an Easemob \(chatType) callback (a receipt, not a message)"
    case "notify":
      return "an Easemob notify callback (a notification, not a message)"
    default:
      return nil
    }
  }

  public func map(_ raw: JSONValue) throws(RecordError) -> Mapped {
    do {
      return try mapRecord(raw)
    } catch {
      if let foreign = ForeignExportDetector.describe(raw, source: "easemob") {
        throw RecordError(field: "", message: foreign)
      }
      throw error
    }
  }

  private func mapRecord(_ raw: JSONValue) throws(RecordError) -> Mapped {
    guard case .object(let record) = raw else {
      throw RecordError(field: "", message: "a record must be a JSON object, found \(raw.typeName)")
    }
    let id = try messageID(record)
    let timestamp = try timestampValue(record)
    let payload = record["payload"]?.objectValue ?? JSONObject()
    let chatType = record["chat_type"]?.stringValue ?? "chat"
    // An edit callback's `meta.edit_msg` names the original sender; `from` is whoever edited.
    let editMeta = chatType == "edit" ? payload["meta"]?.objectValue?["edit_msg"]?.objectValue : nil
    let editor = Identifier.ifValid(payload["from"]?.stringValue ?? record["from"]?.stringValue)
    let sender = Identifier.ifValid(editMeta?["sender"]?.stringValue) ?? editor
    let receiver = Identifier.ifValid(payload["to"]?.stringValue ?? record["to"]?.stringValue)
    guard let sender else {
      throw RecordError(field: "payload.from", message: "the sender is missing or not a valid id")
    }
    guard let receiver else {
      throw RecordError(field: "payload.to", message: "the receiver is missing or not a valid id")
    }
    let conversation = try conversationInfo(
      record, chatType: chatType, editChatType: editMeta?["chat_type"]?.stringValue, sender: sender,
      receiver: receiver)
    var message = Message(
      id: id, conversation: conversation.id, timestamp: timestamp, sender: sender,
      body: .unknown(UnknownContent(sourceType: nil)),
      source: SourceRecord(platform: "easemob", raw: raw))
    var attachments: [MediaPath: Attachment] = [:]
    var bodies = payload["bodies"]?.arrayValue ?? []
    if bodies.isEmpty, payload["type"]?.stringValue != nil {
      // Some captures put the one body's members in the payload itself.
      bodies = [.object(payload)]
    }
    for (index, element) in bodies.enumerated() {
      guard case .object(let fields) = element else {
        throw RecordError(field: "payload.bodies[\(index)]", message: "a body must be an object")
      }
      let body = try mapBody(fields, index: index)
      let steps: [MediaPath.Step] = index == 0 ? [] : [.part(message.parts.count)]
      if let media = body.media {
        attachments[MediaPath(steps)] = Attachment(url: body.mediaURL, declaredSize: media.size)
      }
      if index == 0 {
        message.body = body.body
        if body.thumbnail != nil { attachments[.thumbnail] = Attachment(url: body.thumbnailURL) }
      } else {
        message.parts.append(MessagePart(body.body))
      }
    }
    switch chatType {
    case "recall":
      let target = Identifier.ifValid(
        record["recall_id"]?.stringValue ?? record["recall_id"]?.numberLiteral
          ?? payload["ack_message_id"]?.stringValue)
      guard let target else {
        throw RecordError(field: "recall_id", message: "a recall callback must name the recalled message")
      }
      message.body = .recall(target: target)
      message.parts = []
      attachments = [:]
    case "edit":
      guard
        let target = Identifier.ifValid(
          payload["edit_message_id"]?.stringValue ?? payload["edit_message_id"]?.numberLiteral)
      else {
        throw RecordError(field: "payload.edit_message_id", message: "an edit callback must name the edited message")
      }
      message.editTarget = target
      let editedAt = SourceCount.count(editMeta?["edit_time"]).flatMap {
        (0...BundleLimits.maximumTimestamp).contains($0) ? $0 : nil
      }
      let operatorID = Identifier.ifValid(editMeta?["operator"]?.stringValue) ?? editor
      // The revision keeps the record's own time, when the edit was made, so the transcript
      // shows it where it happened, linked to the original.
      message.edited = MessageEdit(timestamp: editedAt ?? timestamp, editor: operatorID == sender ? nil : operatorID)
    default:
      if bodies.isEmpty {
        message.body = .unknown(
          UnknownContent(
            sourceType: payload["type"]?.stringValue ?? "(no bodies)", text: payload["msg"]?.stringValue))
      }
    }
    if let ext = payload["ext"]?.objectValue {
      message.replyTo = quote(from: ext)
      switch ext["em_at_list"] {
      case .array(let users)?:
        message.mentions = users.compactMap { Identifier.ifValid($0.stringValue) }
      case .string(let text)? where text.lowercased() == "all":
        message.mentionsAll = true
      default: break
      }
    }
    return Mapped(message: message, conversation: conversation, attachments: attachments)
  }

  /// The conversation: a group's is its `group_id` when the record has one (post-send
  /// callbacks set `to` to a member), else the receiver; an edit or recall callback's is
  /// the one its original was sent in, as far as the record tells.
  private func conversationInfo(
    _ record: JSONObject, chatType: String, editChatType: String?, sender: Identifier, receiver: Identifier
  ) throws(RecordError) -> ConversationInfo {
    let groupID = Identifier.ifValid(record["group_id"]?.stringValue ?? record["group_id"]?.numberLiteral)
    var kind = chatType
    if chatType == "edit" || chatType == "recall" {
      let original = editChatType?.split(separator: ":").first.map(String.init)
      kind = original.flatMap { ["chat", "groupchat", "chatroom"].contains($0) ? $0 : nil } ?? "chat"
      if groupID != nil && kind == "chat" { kind = "groupchat" }
    }
    switch kind {
    case "chat":
      return DirectConversation.info(sender, receiver)
    case "groupchat":
      let group = groupID ?? receiver
      return ConversationInfo(id: Identifier("group:" + group.text), kind: .group, sourceID: group)
    case "chatroom":
      let room = groupID ?? receiver
      return ConversationInfo(id: Identifier("chatroom:" + room.text), kind: .chatroom, sourceID: room)
    default:
      throw RecordError(
        field: "chat_type",
        message: "\"\(chatType)\" is not a message type chatbundle knows (chat, groupchat, chatroom, and the "
          + "callbacks edit and recall; read_ack, delivery_ack and notify are skipped)")
    }
  }

  /// One body, with the urls its files are to be found by.
  private struct Body {
    var body: MessageBody
    var mediaURL: String?
    var thumbnailURL: String?

    var media: MediaReference? {
      switch body {
      case .media(let content): content.reference
      case .merged(let record): record.attachment
      default: nil
      }
    }

    var thumbnail: MediaReference? {
      if case .media(let content) = body { return content.thumbnail }
      return nil
    }
  }

  private func mapBody(_ body: JSONObject, index: Int) throws(RecordError) -> Body {
    let type = body["type"]?.stringValue
    let isCombine = type == "combine" || body["subType"]?.stringValue == "sub_combine" || body["combineLevel"] != nil
    func attachment() -> MediaReference {
      let size = body["size"]?.objectValue
      return MediaReference(
        size: SourceCount.count(body["file_length"]), name: body["filename"]?.stringValue,
        width: SourceCount.count(size?["width"]),
        height: SourceCount.count(size?["height"]),
        durationMilliseconds: SourceCount.milliseconds(seconds: body["length"]),
        sourceReference: body["url"]?.stringValue.flatMap(EasemobMedia.fileKey(fromURL:)))
    }
    if isCombine {
      var record = MergedRecord(
        title: body["title"]?.stringValue, summary: body["summary"]?.stringValue,
        level: SourceCount.count(body["combineLevel"]))
      if body["url"] != nil || body["filename"] != nil { record.attachment = attachment() }
      return Body(body: .merged(record), mediaURL: body["url"]?.stringValue)
    }
    switch type {
    case "txt":
      return Body(body: .text(body["msg"]?.stringValue ?? ""))
    case "img", "audio", "file", "video":
      let kind: MediaContent.Kind = type == "img" ? .image : type == "audio" ? .audio : type == "file" ? .file : .video
      var content = MediaContent(kind, reference: attachment())
      var result = Body(body: .media(content), mediaURL: body["url"]?.stringValue)
      if kind == .video, let thumb = body["thumb"]?.stringValue, !thumb.isEmpty {
        // In a video body `size` is the thumbnail's size, not the video's.
        content.thumbnail = MediaReference(
          width: content.reference?.width, height: content.reference?.height,
          sourceReference: EasemobMedia.fileKey(fromURL: thumb))
        content.reference?.width = nil
        content.reference?.height = nil
        result.body = .media(content)
        result.thumbnailURL = thumb
      }
      return result
    case "loc":
      guard let latitude = coordinate(body["lat"]), let longitude = coordinate(body["lng"]) else {
        throw RecordError(field: "payload.bodies[\(index)]", message: "a location needs numeric lat and lng")
      }
      return Body(
        body: .location(Location(address: body["addr"]?.stringValue, latitude: latitude, longitude: longitude)))
    case "cmd":
      return Body(body: .command(body["action"]?.stringValue ?? ""))
    case "custom":
      return Body(body: .custom(customEvent(body)))
    default:
      return Body(body: .unknown(UnknownContent(sourceType: type ?? "(no type)")))
    }
  }

  /// `v2:customExts` (a map) first, then any key of `customExts` that the map does not
  /// have: the legacy array of one-key objects, or a map.
  private func customEvent(_ body: JSONObject) -> CustomEvent {
    var fields: [KeyValue] = []
    var seen: Set<String> = []
    func add(_ key: String, _ value: JSONValue) {
      guard seen.insert(key).inserted else { return }
      fields.append(KeyValue(key, value.stringValue ?? String(decoding: JSONWriter.serialize(value), as: UTF8.self)))
    }
    for member in body["v2:customExts"]?.objectValue?.members ?? [] { add(member.key, member.value) }
    switch body["customExts"] {
    case .array(let elements)?:
      for element in elements {
        for member in element.objectValue?.members ?? [] { add(member.key, member.value) }
      }
    case .object(let map)?:
      // Agora's documented form: one map, like `v2:customExts`.
      for member in map.members { add(member.key, member.value) }
    default: break
    }
    return CustomEvent(event: body["customEvent"]?.stringValue, fields: fields)
  }

  /// The quoted message of an Easemob UIKit reply (`ext.msgQuote`), which some SDKs store
  /// as an object and others as a JSON string.
  private func quote(from ext: JSONObject) -> ReplyReference? {
    var quote = ext["msgQuote"]
    if case .string(let text)? = quote { quote = try? JSONParser.parse(text, options: .lenient) }
    guard let fields = quote?.objectValue,
      let id = Identifier.ifValid(fields["msgID"]?.stringValue ?? fields["msgID"]?.numberLiteral)
    else { return nil }
    let sender = Identifier.ifValid(fields["msgSender"]?.stringValue)
    return ReplyReference(id: id, sender: sender, preview: fields["msgPreview"]?.stringValue)
  }

  private func messageID(_ record: JSONObject) throws(RecordError) -> Identifier {
    switch record["msg_id"] {
    case .string(let text)?:
      if let problem = Identifier.problem(text) { throw RecordError(field: "msg_id", message: problem) }
      return Identifier(text)
    case .number(let literal)?:
      // Kept exactly: the parser keeps the literal, so ids beyond 2^53 lose nothing.
      guard literal.allSatisfy(\.isASCIIDigit) else {
        throw RecordError(
          field: "msg_id", message: "the number \(literal) is not an integer, so its exact digits are lost")
      }
      return Identifier(literal)
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
