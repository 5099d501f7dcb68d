import ChatBundle

/// Maps the messages of one Telegram chat to the model, in the order the export lists
/// them (spec/sources/telegram.md).
///
/// Message ids are per chat, so a message's id is `<chat id>:<message id>`, and replies
/// and pins name their target the same way. The mapper remembers a little about the chat
/// as it goes, never the messages: the time of the last message (an `unsupported` record
/// has none of its own), which names came with which ids (service actions name people
/// only by name), and which messages opened a forum topic (replies to them are the
/// topic's thread).
public struct TelegramRecordMapper {
  public static let platform: Identifier = "telegram"

  public typealias Mapped = MappedRecord<TelegramMedia.Source>

  /// A mapped message and the display names its record gave, keyed by id.
  public struct Output {
    public var mapped: Mapped
    public var names: [(id: Identifier, name: String)]
  }

  public let chat: TelegramChat
  private let time: TelegramTime
  private let content = TelegramContentMapper()
  private var lastTimestamp: Int64 = 0
  /// Display name → the one id it came with; nil once two ids used the same name.
  private var idsByName: [String: Identifier?] = [:]
  private var topicRoots: Set<String> = []
  /// Bounds the name table of a chat with very many authors.
  private static let maximumNames = 100_000

  public init(chat: TelegramChat, zoneIdentifier: String) {
    self.chat = chat
    time = TelegramTime(zoneIdentifier: zoneIdentifier)
  }

  public mutating func map(_ raw: JSONValue) throws(RecordError) -> Output {
    guard case .object(let record) = raw else {
      throw RecordError(field: "", message: "a message must be a JSON object, found \(raw.typeName)")
    }
    guard let idValue = record["id"] else { throw RecordError(field: "id", message: "is missing") }
    guard let number = TelegramServiceMapper.messageNumber(idValue) else {
      throw RecordError(field: "id", message: "expected the message's number, found \(idValue.typeName)")
    }
    let id = Identifier(chat.id + ":" + number)
    let type = record["type"]?.stringValue
    // `{"id": n, "type": "unsupported"}` has no time: it sits where the export put it.
    let timestamp =
      try time.milliseconds(record, "date")
      ?? (type == "unsupported" ? lastTimestamp : nil)
    guard let timestamp else {
      throw RecordError(field: "date_unixtime", message: "is missing, and so is date: the message has no time")
    }
    lastTimestamp = timestamp
    let isService = type == "service"
    let senderKey = isService ? "actor_id" : "from_id"
    let sender = try identifier(record[senderKey], field: senderKey)
    var names: [(Identifier, String)] = []
    if let sender, let name = TelegramServiceMapper.name(record[isService ? "actor" : "from"]) {
      names.append((sender, name))
      remember(name, sender)
    }
    var message = Message(
      id: id, conversation: chat.conversation.id, timestamp: timestamp, sender: sender,
      body: .text(""), source: SourceRecord(platform: Self.platform, raw: raw))
    var attachments: [MediaPath: TelegramMedia.Source] = [:]
    switch type {
    case "message":
      let text = TelegramText(record: record)
      message.mentions = text.mentions
      let mapped = content.map(record, text: text.text)
      message.body = mapped.body
      message.parts = mapped.parts
      attachments = mapped.attachments
    case "service":
      let mapped = TelegramServiceMapper(chat: chat).map(record, actor: sender, names: idsByName)
      message.body = mapped.body
      message.parts = mapped.parts
      message.pinTarget = mapped.pinTarget
      if let photo = mapped.photo {
        attachments[MediaPath([.part(message.parts.count)])] = photo.source
        message.parts.append(MessagePart(.media(MediaContent(.image, reference: photo.reference))))
      }
      if record["action"]?.stringValue == "topic_created" { topicRoots.insert(number) }
    default:
      let text = TelegramText(record: record).text
      message.body = .unknown(UnknownContent(sourceType: type ?? "(no type)", text: text.isEmpty ? nil : text))
    }
    try envelope(record, into: &message, names: &names)
    return Output(
      mapped: Mapped(message: message, conversation: chat.conversation, attachments: attachments),
      names: names.map { (id: $0.0, name: $0.1) })
  }

  /// Replies, threads, forwards, edits, reactions and whether a bot sent it.
  private mutating func envelope(
    _ record: JSONObject, into message: inout Message, names: inout [(Identifier, String)]
  ) throws(RecordError) {
    if let target = record["reply_to_message_id"] {
      guard let number = TelegramServiceMapper.messageNumber(target) else {
        throw RecordError(field: "reply_to_message_id", message: "expected a message number, found \(target.typeName)")
      }
      // A reply into another chat names that chat's bare id.
      let chatID = record["reply_to_peer_id"].flatMap(Self.barePeerID) ?? chat.id
      let top = record["reply_to_top_message_id"].flatMap(TelegramServiceMapper.messageNumber)
      if chatID == chat.id, top == nil, topicRoots.contains(number) {
        // Written in a forum topic: Telegram files the message as a reply to the topic's
        // opening service message.
        message.thread = ThreadReference(root: Identifier(chat.id + ":" + number))
      } else {
        message.replyTo = ReplyReference(id: Identifier(chatID + ":" + number))
        if let top, chatID == chat.id { message.thread = ThreadReference(root: Identifier(chat.id + ":" + top)) }
      }
    }
    if record["forwarded_from"] != nil || record["forwarded_from_id"] != nil {
      let name = TelegramServiceMapper.name(record["forwarded_from"])
      let id = Identifier.ifValid(record["forwarded_from_id"]?.stringValue)
      if let id, let name { names.append((id, name)) }
      message.forwardedFrom = ForwardOrigin(name: name, id: id)
    }
    if let edited = try time.milliseconds(record, "edited") {
      message.edited = MessageEdit(timestamp: edited)
    }
    if let reactions = record["reactions"] {
      message.reactions = try self.reactions(reactions, names: &names)
    }
    let viaBot = record["via_bot"]?.stringValue.map { !$0.isEmpty } ?? false
    message.senderIsBot = viaBot || (chat.type == "bot_chat" && message.sender != nil && message.sender == chat.peer)
  }

  /// `[{type, count, emoji | document_id, recent: [{from, from_id, date}]}]`.
  private func reactions(_ value: JSONValue, names: inout [(Identifier, String)]) throws(RecordError) -> [Reaction] {
    guard let elements = value.arrayValue else {
      throw RecordError(field: "reactions", message: "expected an array, found \(value.typeName)")
    }
    var result: [Reaction] = []
    for (index, element) in elements.enumerated() {
      guard let reaction = element.objectValue else {
        throw RecordError(field: "reactions[\(index)]", message: "expected an object, found \(element.typeName)")
      }
      let type = reaction["type"]?.stringValue ?? "emoji"
      let emoji: String
      var name: String?
      switch type {
      case "emoji":
        emoji = reaction["emoji"]?.stringValue ?? ""
      case "paid":
        (emoji, name) = ("⭐", "paid")
      default:
        // A custom emoji is a sticker file: its document id (or path) is its only name.
        emoji = reaction["document_id"].map(TelegramContentMapper.text) ?? type
        name = type
      }
      guard !emoji.isEmpty else {
        throw RecordError(field: "reactions[\(index)].emoji", message: "is missing or empty")
      }
      var users: [Identifier] = []
      for person in reaction["recent"]?.arrayValue ?? [] {
        guard let person = person.objectValue, let id = Identifier.ifValid(person["from_id"]?.stringValue) else {
          continue
        }
        users.append(id)
        if let personName = TelegramServiceMapper.name(person["from"]) { names.append((id, personName)) }
      }
      let count = SourceCount.count(reaction["count"]) ?? Int64(users.count)
      result.append(Reaction(emoji: emoji, name: name, count: max(count, Int64(users.count)), users: users))
    }
    return result
  }

  private mutating func remember(_ name: String, _ id: Identifier) {
    if let known = idsByName[name] {
      if known != id { idsByName[name] = .some(nil) }
    } else if idsByName.count < Self.maximumNames {
      idsByName[name] = id
    }
  }

  /// `reply_to_peer_id` as the bare id of a chat: `channel123` → `123`; a number as is.
  static func barePeerID(_ value: JSONValue) -> String? {
    guard var text = value.numberLiteral ?? value.stringValue else { return nil }
    for prefix in ["user", "channel", "chat"] where text.hasPrefix(prefix) {
      text.removeFirst(prefix.count)
      break
    }
    return TelegramChat.isBareID(text) ? text : nil
  }

  private func identifier(_ value: JSONValue?, field: String) throws(RecordError) -> Identifier? {
    guard let value, value != .null else { return nil }
    guard let text = value.stringValue else {
      throw RecordError(field: field, message: "expected a string like \"user123\", found \(value.typeName)")
    }
    if let problem = Identifier.problem(text) { throw RecordError(field: field, message: problem) }
    return Identifier(text)
  }
}
