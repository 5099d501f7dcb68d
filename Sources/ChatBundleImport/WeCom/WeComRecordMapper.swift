import ChatBundle

/// Maps one decrypted WeCom archive message (会话内容存档) to the shared message model.
///
/// Field meanings follow the official 消息格式 page as copied in WxJava and the Go SDK
/// comments: `msgtime` is UTC milliseconds, `roomid` is empty for one-to-one chats, and
/// the payload sits under a key that is usually, but not always, the msgtype. The record
/// itself travels as `raw`. The mapping is spec Appendix C.
public struct WeComRecordMapper: Sendable {
  public static let platform: Identifier = "wecom"
  /// The conversation that collects `switch` records, which belong to no chat.
  public static let switchConversation: Identifier = "wecom:switch"
  /// Msgtypes shown as a `custom` event named after the msgtype.
  static let customTypes: Set<String> = [
    "agree", "disagree", "card", "link", "weapp", "news", "calendar", "todo", "vote", "collect", "redpacket",
    "external_redpacket", "meeting", "docmsg", "sphfeed", "meeting_voice_call",
  ]
  /// Msgtypes whose content a message models directly.
  static let contentTypes: Set<String> = [
    "text", "markdown", "image", "emotion", "voice", "video", "file", "voip_doc_share", "location", "chatrecord",
    "mixed",
  ]

  private let content = WeComContentMapper()

  public init() {}

  public typealias Mapped = MappedRecord<WeComMedia.Source>

  /// WeCom's external_userid: `wm` (a WeChat user) or `wo` (another corporation's member)
  /// and 30 more characters of `[A-Za-z0-9_-]`. Internal userids are chosen by the
  /// corporation and could begin with `wm`, so the length and alphabet are required too.
  public static func isExternalContact(_ id: Identifier) -> Bool {
    let bytes = id.bytes
    guard bytes.count == 32, bytes[0] == UInt8(ascii: "w"),
      bytes[1] == UInt8(ascii: "m") || bytes[1] == UInt8(ascii: "o")
    else { return false }
    return bytes.allSatisfy {
      ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x5F || $0 == 0x2D
    }
  }

  /// The key of a msgtype's payload: WeCom reuses `info`, `doc` and `redpacket`.
  static func payloadKey(for msgtype: String) -> String {
    switch msgtype {
    case "docmsg": "doc"
    case "markdown", "news": "info"
    case "external_redpacket": "redpacket"
    default: msgtype
    }
  }

  public func map(_ raw: JSONValue) throws(RecordError) -> Mapped {
    do {
      return try mapRecord(raw)
    } catch {
      if let foreign = ForeignExportDetector.describe(raw, source: "wecom") {
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
    guard let msgtype = record["msgtype"]?.stringValue else {
      if record["action"]?.stringValue == "switch" { return try switchNotice(record, id: id, raw: raw) }
      throw RecordError(field: "msgtype", message: record["msgtype"] == nil ? "is missing" : "expected a string")
    }
    let timestamp = try time(record, field: "msgtime")
    let sender = try identifier(record["from"], field: "from")
    let payload =
      record[msgtype]?.objectValue ?? record[Self.payloadKey(for: msgtype)]?.objectValue ?? JSONObject()
    // A consent event's `userid` is the external contact who answered; a card's is only
    // the contact it shows, who need not be in the chat.
    let consenting =
      msgtype == "agree" || msgtype == "disagree" ? payload["userid"]?.stringValue.map { Identifier($0) } : nil
    let conversation = try conversationInfo(record, sender: sender, consenting: consenting)
    var message = Message(
      id: id, conversation: conversation.id, timestamp: timestamp, sender: sender,
      body: .unknown(UnknownContent(sourceType: msgtype)), source: SourceRecord(platform: Self.platform, raw: raw))
    var attachments: [MediaPath: WeComMedia.Source] = [:]
    if msgtype == "revoke" {
      message.body = .recall(target: try identifier(payload["pre_msgid"], field: "revoke.pre_msgid"))
    } else if msgtype == "mixed" {
      attachments = mixed(payload, into: &message)
    } else if Self.contentTypes.contains(msgtype) {
      let mapped = content.map(type: msgtype, payload: payload, depth: 0)
      message.body = mapped.body
      for pending in mapped.media { attachments[MediaPath(pending.steps)] = pending.source }
    } else if Self.customTypes.contains(msgtype) {
      var event = customEvent(msgtype, record: record, payload: payload)
      if msgtype == "meeting_voice_call", let sdkFileID = payload["sdkfileid"]?.stringValue, !sdkFileID.isEmpty {
        // The call's recording: no md5sum is declared, so it is found by sdkfileid only.
        event.attachment = MediaReference(sourceReference: sdkFileID)
        attachments[.media] = WeComMedia.Source(payload)
      }
      message.body = .custom(event)
    }
    return Mapped(message: message, conversation: conversation, attachments: attachments)
  }

  /// `mixed.item[]`: the first item gives the message's kind and content, the others
  /// become `parts`, as Easemob's further bodies do.
  private func mixed(_ payload: JSONObject, into message: inout Message) -> [MediaPath: WeComMedia.Source] {
    let items = payload["item"]?.arrayValue?.map { $0.objectValue ?? JSONObject() } ?? []
    guard let first = items.first else {
      message.body = .text("")
      return [:]
    }
    var attachments: [MediaPath: WeComMedia.Source] = [:]
    let mapped = content.mapItem(first, depth: 0)
    message.body = mapped.body
    for pending in mapped.media { attachments[MediaPath(pending.steps)] = pending.source }
    for item in items.dropFirst() {
      let mapped = content.mapItem(item, depth: 0)
      let index = message.parts.count
      for pending in mapped.media { attachments[MediaPath([.part(index)] + pending.steps)] = pending.source }
      message.parts.append(MessagePart(mapped.body))
    }
    return attachments
  }

  private func customEvent(_ msgtype: String, record: JSONObject, payload: JSONObject) -> CustomEvent {
    var fields: [KeyValue] = []
    // The call ids sit beside the payload, not in it.
    for key in ["voiceid", "voipid"] {
      if let value = record[key] { fields.append(KeyValue(key, WeComCustomFields.text(value, key: key))) }
    }
    switch msgtype {
    case "news":
      fields += WeComCustomFields.articles(payload)
    case "vote" where record["vote"]?.objectValue == nil:
      // The Go SDK documents vote's members at the top level, beside the envelope.
      for key in ["votetitle", "voteitem", "votetype", "voteid"] {
        if let value = record[key] { fields.append(KeyValue(key, WeComCustomFields.text(value, key: key))) }
      }
    case "meeting_voice_call":
      fields += WeComCustomFields.fields(payload, skipping: ["sdkfileid"])
    default:
      fields += WeComCustomFields.fields(payload)
    }
    return CustomEvent(event: msgtype, fields: fields)
  }

  /// `action: switch` (a member switched enterprise) has only `msgid`, `time` and `user`.
  private func switchNotice(_ record: JSONObject, id: Identifier, raw: JSONValue) throws(RecordError) -> Mapped {
    let timestamp = try time(record, field: "time")
    let message = Message(
      id: id, conversation: Self.switchConversation, timestamp: timestamp,
      sender: Identifier.ifValid(record["user"]?.stringValue), body: .notice("switched enterprise"),
      source: SourceRecord(platform: Self.platform, raw: raw))
    return Mapped(message: message, conversation: ConversationInfo(id: Self.switchConversation, kind: .group))
  }

  /// A group when `roomid` is set; otherwise the direct chat of `from` and the one
  /// `tolist` entry. Several receivers without a room (seen in calls) make an ad-hoc group
  /// named by a hash of the sorted parties, so the same parties meet in one conversation.
  private func conversationInfo(_ record: JSONObject, sender: Identifier, consenting: Identifier?)
    throws(RecordError) -> ConversationInfo
  {
    var receivers: [Identifier] = []
    switch record["tolist"] {
    case .array?, nil: break
    case .string(let text)?:
      throw RecordError(
        field: "tolist",
        message: "is the string \"\(text.prefix(80))\" but WeCom gives an array of user ids (\"tolist\":[\"id\"]); "
          + "the collector that wrote this file changed it: write tolist as an array")
    case let other?:
      throw RecordError(field: "tolist", message: "expected an array of user ids, found \(other.typeName)")
    }
    for (index, element) in (record["tolist"]?.arrayValue ?? []).enumerated() {
      receivers.append(try identifier(element, field: "tolist[\(index)]"))
    }
    var everyone = [sender] + receivers
    if let consenting { everyone.append(consenting) }
    let external = Identifier.sortedUnique(everyone.filter(Self.isExternalContact))
    let externalMembers = external.isEmpty ? nil : external
    if let room = record["roomid"]?.stringValue, !room.isEmpty {
      if let problem = Identifier.problem(room) { throw RecordError(field: "roomid", message: problem) }
      return ConversationInfo(
        id: Identifier("group:" + room), kind: .group, sourceID: Identifier(room), externalMembers: externalMembers)
    }
    switch Set(receivers).count {
    case 0:
      throw RecordError(field: "tolist", message: "a message without roomid needs a receiver")
    case 1:
      return DirectConversation.info(sender, receivers[0], externalMembers: externalMembers)
    default:
      let parties = Identifier.sortedUnique(everyone.prefix(receivers.count + 1))
      let digest = SHA256Digest.hex(of: Array(parties.map(\.text).joined(separator: "\n").utf8))
      return ConversationInfo(
        id: Identifier("party:" + digest.prefix(24)), kind: .group, externalMembers: externalMembers)
    }
  }

  private func messageID(_ record: JSONObject) throws(RecordError) -> Identifier {
    switch record["msgid"] {
    case .string(let text)?:
      if let problem = Identifier.problem(text) { throw RecordError(field: "msgid", message: problem) }
      return Identifier(text)
    case .number(let literal)?:
      // Kept exactly: the parser keeps the literal, so ids beyond 2^63 lose nothing.
      guard literal.allSatisfy(\.isASCIIDigit) else {
        throw RecordError(
          field: "msgid", message: "the number \(literal) is not an integer, so its exact digits are lost")
      }
      return Identifier(literal)
    case nil:
      throw RecordError(field: "msgid", message: "is missing")
    case let other?:
      throw RecordError(field: "msgid", message: "expected a string, found \(other.typeName)")
    }
  }

  private func time(_ record: JSONObject, field: String) throws(RecordError) -> Int64 {
    let value = record[field]
    let literal = value?.numberLiteral ?? value?.stringValue
    guard let literal, let timestamp = Int64(literal), (0...BundleLimits.maximumTimestamp).contains(timestamp) else {
      throw RecordError(
        field: field, message: value == nil ? "is missing" : "expected milliseconds since 1970 as an integer")
    }
    return timestamp
  }

  private func identifier(_ value: JSONValue?, field: String) throws(RecordError) -> Identifier {
    guard let value else { throw RecordError(field: field, message: "is missing") }
    guard let text = value.stringValue else {
      throw RecordError(field: field, message: "expected a string, found \(value.typeName)")
    }
    if let problem = Identifier.problem(text) { throw RecordError(field: field, message: problem) }
    return Identifier(text)
  }
}
