import ChatBundle

/// Maps one message of a Slack day file to the shared message model (spec
/// `spec/sources/slack.md`).
///
/// Slack has no global message id: `ts` is unique within a conversation, so a message is
/// `<channel id>:<ts>`, and a thread's root and a pin's target are named the same way. The
/// record, its tokens removed, travels as `raw`.
public struct SlackRecordMapper: Sendable {
  public static let platform: Identifier = "slack"

  /// Where the messages being mapped were found.
  struct Context: Sendable {
    /// The id messages are numbered under (the channel's id, or an unlisted folder's name).
    var channel: String
    /// The conversation's folder inside the export.
    var folder: String
    var conversation: ConversationInfo
    /// The `ts` of the messages the metadata lists as pinned.
    var pinned: Set<String>
  }

  typealias Mapped = MappedRecord<SlackMedia.Source>

  /// A mapped message and the display names it teaches (a bot's, a profile snapshot's).
  struct Result {
    var record: Mapped
    var names: [(id: Identifier, name: String)]
  }

  static let joinSubtypes: Set<String> = ["channel_join", "group_join"]
  static let leaveSubtypes: Set<String> = ["channel_leave", "group_leave"]
  /// Subtypes that carry what someone said (with files), not an event of the channel.
  static let contentSubtypes: Set<String> = [
    "bot_message", "thread_broadcast", "reply_broadcast", "me_message", "file_share", "file_comment",
    "file_mention", "slackbot_response",
  ]
  /// Events of the channel, shown as a notice with Slack's own text.
  static let noticeSubtypes: Set<String> = [
    "channel_topic", "channel_purpose", "channel_name", "channel_archive", "channel_unarchive",
    "group_topic", "group_purpose", "group_name", "group_archive", "group_unarchive", "pinned_item",
    "unpinned_item", "reminder_add", "reminder_delete", "bot_add", "bot_remove", "bot_enable", "bot_disable",
    "channel_convert_to_private", "channel_convert_to_public", "channel_posting_permissions", "sh_room_created",
    "sh_room_shared", "tombstone", "joiner_notification", "app_conversation_join", "app_conversation_leave",
    "channel_canvas_updated", "channel_properties_updated", "share_shortcut",
  ]

  let users: [String: SlackWorkspace.User]
  let channelNames: [String: String]

  init(users: [String: SlackWorkspace.User], channelNames: [String: String]) {
    self.users = users
    self.channelNames = channelNames
  }

  func map(_ raw: JSONValue, in context: Context) throws(RecordError) -> Result {
    guard case .object(let record) = raw else {
      throw RecordError(field: "", message: "a message must be a JSON object, found \(raw.typeName)")
    }
    let ts = try timestampText(record["ts"], field: "ts")
    guard let timestamp = SlackTimestamp.milliseconds(ts) else {
      throw RecordError(field: "ts", message: "expected \"<seconds>.<microseconds>\", found \(ts.debugDescription)")
    }
    let id = try identifier(context.channel + ":" + ts, field: "ts")
    let subtype = record["subtype"]?.stringValue
    let user = try optionalIdentifier(record["user"], field: "user")
    let botID = try optionalIdentifier(record["bot_id"], field: "bot_id")
    let sender = user ?? botID
    var names: [(id: Identifier, name: String)] = []
    let isBot = subtype == "bot_message" || botID != nil || user.map { users[$0.text]?.isBot == true } ?? false
    if let sender {
      let botName = record["username"]?.stringValue ?? record["bot_profile"]?.objectValue?["name"]?.stringValue
      let profile = record["user_profile"]?.objectValue
      let snapshot = profile?["real_name"]?.stringValue ?? profile?["display_name"]?.stringValue
      for name in [isBot ? botName : nil, snapshot].compactMap({ $0 }) where !name.isEmpty {
        names.append((sender, name))
      }
    }

    let markup = SlackMarkup(userName: { users[$0]?.name }, channelName: { channelNames[$0] })
    let rendered = markup.render(record["text"]?.stringValue ?? "")
    var message = Message(
      id: id, conversation: context.conversation.id, timestamp: timestamp, sender: sender,
      body: .text(""), source: SourceRecord(platform: Self.platform, raw: raw))
    message.senderIsBot = isBot
    message.mentions = Identifier.sortedUnique(rendered.mentions.compactMap { Identifier.ifValid($0) })
    message.mentionsAll = rendered.mentionsAll
    var attachments: [MediaPath: SlackMedia.Source] = [:]

    switch subtype {
    case let kind? where Self.joinSubtypes.contains(kind):
      message.body = .membership(MembershipChange(.joined, members: user.map { [$0] } ?? []))
    case let kind? where Self.leaveSubtypes.contains(kind):
      message.body = .membership(MembershipChange(.left, members: user.map { [$0] } ?? []))
    case let kind? where Self.noticeSubtypes.contains(kind):
      message.body = .notice(rendered.text)
      if kind == "pinned_item" { message.pinTarget = pinTarget(record, channel: context.channel) }
    case nil:
      attachments = content(
        record, text: rendered.text, isBot: isBot, folder: context.folder, markup: markup, into: &message)
    case let kind? where Self.contentSubtypes.contains(kind):
      attachments = content(
        record, text: rendered.text, isBot: isBot, folder: context.folder, markup: markup, into: &message)
    case let kind?:
      // huddle_thread and whatever Slack adds next: kept as what they are, raw says all.
      message.body = .unknown(UnknownContent(sourceType: kind, text: rendered.text.isEmpty ? nil : rendered.text))
    }

    if let threadTS = record["thread_ts"]?.stringValue, threadTS != ts {
      guard SlackTimestamp.isValid(threadTS) else {
        throw RecordError(field: "thread_ts", message: "expected \"<seconds>.<microseconds>\"")
      }
      message.thread = ThreadReference(
        root: try identifier(context.channel + ":" + threadTS, field: "thread_ts"),
        broadcast: subtype == "thread_broadcast" || subtype == "reply_broadcast")
    }
    if let edited = record["edited"]?.objectValue {
      let editor = try optionalIdentifier(edited["user"], field: "edited.user")
      message.edited = MessageEdit(
        timestamp: edited["ts"]?.stringValue.flatMap(SlackTimestamp.milliseconds),
        editor: editor == sender ? nil : editor)
    }
    message.reactions = reactions(record["reactions"])
    let pinnedTo = record["pinned_to"]?.arrayValue ?? []
    message.pinned = context.pinned.contains(ts) || !pinnedTo.isEmpty
    message.forwardedFrom = forwardOrigin(record)
    return Result(
      record: Mapped(message: message, conversation: context.conversation, attachments: attachments), names: names)
  }

  /// Text and files: the text is the body and each file a part; a message of files only
  /// has its first file as the body. Legacy `attachments` (bots' formatted posts) are
  /// added to the text of a bot's message or of one without text; link previews of other
  /// messages are left to `raw`.
  private func content(
    _ record: JSONObject, text: String, isBot: Bool, folder: String, markup: SlackMarkup, into message: inout Message
  ) -> [MediaPath: SlackMedia.Source] {
    var text = text
    if isBot || text.isEmpty {
      let extra = (record["attachments"]?.arrayValue ?? []).compactMap { attachmentText($0, markup: markup) }
      if !extra.isEmpty { text = ([text].filter { !$0.isEmpty } + extra).joined(separator: "\n") }
    }
    var files = (record["files"]?.arrayValue ?? []).compactMap(\.objectValue)
    if files.isEmpty, let legacy = record["file"]?.objectValue { files = [legacy] }
    var attachments: [MediaPath: SlackMedia.Source] = [:]
    var bodies: [MessageBody] = text.isEmpty && !files.isEmpty ? [] : [.text(text)]
    for file in files {
      let (body, source) = media(file, folder: folder)
      let path = bodies.isEmpty ? MediaPath.media : MediaPath([.part(bodies.count - 1)])
      attachments[path] = source
      bodies.append(body)
    }
    message.body = bodies.first ?? .text("")
    message.parts = bodies.dropFirst().map { MessagePart($0) }
    return attachments
  }

  private func attachmentText(_ value: JSONValue, markup: SlackMarkup) -> String? {
    guard let attachment = value.objectValue else { return nil }
    var lines: [String] = []
    for key in ["pretext", "author_name", "title", "text"] {
      guard let line = attachment[key]?.stringValue, !line.isEmpty else { continue }
      var rendered = markup.render(line).text
      if key == "title", let link = attachment["title_link"]?.stringValue, !link.isEmpty {
        rendered += " (" + link + ")"
      }
      lines.append(rendered)
    }
    for field in attachment["fields"]?.arrayValue ?? [] {
      guard let field = field.objectValue else { continue }
      let title = field["title"]?.stringValue ?? ""
      let value = markup.render(field["value"]?.stringValue ?? "").text
      lines.append(title.isEmpty ? value : title + ": " + value)
    }
    if lines.isEmpty, let fallback = attachment["fallback"]?.stringValue, !fallback.isEmpty {
      lines.append(markup.render(fallback).text)
    }
    return lines.isEmpty ? nil : lines.joined(separator: "\n")
  }

  private func media(_ file: JSONObject, folder: String) -> (MessageBody, SlackMedia.Source) {
    let mimetype = file["mimetype"]?.stringValue
    let kind: MediaContent.Kind =
      switch mimetype?.split(separator: "/").first {
      case "image"?: .image
      case "audio"?: .audio
      case "video"?: .video
      default: .file
      }
    let name = file["name"]?.stringValue ?? file["title"]?.stringValue
    let id = file["id"]?.stringValue
    let reference = MediaReference(
      size: SourceCount.count(file["size"]), name: name,
      mediaType: mimetype.flatMap { Self.isMediaType($0) ? $0 : nil },
      width: SourceCount.count(file["original_w"]).flatMap { $0 > 0 ? $0 : nil },
      height: SourceCount.count(file["original_h"]).flatMap { $0 > 0 ? $0 : nil },
      durationMilliseconds: SourceCount.count(file["duration_ms"]),
      sourceReference: id.flatMap { Identifier.problem($0) == nil ? $0 : nil })
    let title = file["title"]?.stringValue
    let caption = title.flatMap { $0.isEmpty || $0 == name ? nil : $0 }
    let privateURL = file["url_private_download"]?.stringValue ?? file["url_private"]?.stringValue ?? ""
    let source = SlackMedia.Source(
      fileID: id, name: file["name"]?.stringValue, folder: folder, declaredSize: SourceCount.count(file["size"]),
      mode: file["mode"]?.stringValue, isExternal: file["is_external"]?.boolValue == true,
      hasPrivateURL: privateURL.hasPrefix("https://") || privateURL.hasPrefix("http://"))
    return (.media(MediaContent(kind, reference: reference, caption: caption)), source)
  }

  /// `type/subtype` in plain ASCII, so a hostile value is not passed on as a media type.
  static func isMediaType(_ text: String) -> Bool {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    return parts.count == 2 && text.utf8.count <= 127
      && parts.allSatisfy { part in
        !part.isEmpty
          && part.utf8.allSatisfy {
            ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2E
              || $0 == 0x2B || $0 == 0x2D || $0 == 0x5F
          }
      }
  }

  private func reactions(_ value: JSONValue?) -> [Reaction] {
    (value?.arrayValue ?? []).compactMap { element in
      guard let reaction = element.objectValue, let name = reaction["name"]?.stringValue, !name.isEmpty else {
        return nil
      }
      let who = (reaction["users"]?.arrayValue ?? []).compactMap { $0.stringValue.flatMap(Identifier.ifValid) }
      let count = SourceCount.count(reaction["count"]) ?? Int64(who.count)
      if let character = SlackEmoji.character(for: name) {
        return Reaction(emoji: character, name: name, count: count, users: who)
      }
      return Reaction(emoji: name, count: count, users: who)
    }
  }

  /// The pinned message of a `pinned_item` notice: its `item`'s ts, or the one its
  /// attachment (the pinned message shown) carries.
  private func pinTarget(_ record: JSONObject, channel: String) -> Identifier? {
    let item = record["item"]?.objectValue
    let candidates = [
      item?["ts"]?.stringValue, item?["message"]?.objectValue?["ts"]?.stringValue,
      record["attachments"]?.arrayValue?.first?.objectValue?["ts"]?.stringValue,
    ]
    guard let ts = candidates.compactMap({ $0 }).first(where: SlackTimestamp.isValid) else { return nil }
    return Identifier.ifValid(channel + ":" + ts)
  }

  /// A message shared from elsewhere shows the original as an attachment marked
  /// `is_share` (and `is_msg_unfurl`), with its author and time.
  private func forwardOrigin(_ record: JSONObject) -> ForwardOrigin? {
    guard
      let shared = (record["attachments"]?.arrayValue ?? []).lazy.compactMap(\.objectValue).first(where: {
        $0["is_share"]?.boolValue == true && $0["is_msg_unfurl"]?.boolValue == true
      })
    else { return nil }
    let author = shared["author_id"]?.stringValue.flatMap(Identifier.ifValid)
    let name = shared["author_name"]?.stringValue ?? shared["author_subname"]?.stringValue
    let time = shared["ts"]?.stringValue.flatMap(SlackTimestamp.milliseconds)
    return ForwardOrigin(name: name, id: author, timestamp: time)
  }

  private func timestampText(_ value: JSONValue?, field: String) throws(RecordError) -> String {
    guard let value else { throw RecordError(field: field, message: "is missing") }
    guard let text = value.stringValue else {
      throw RecordError(field: field, message: "expected a string, found \(value.typeName)")
    }
    return text
  }

  private func identifier(_ text: String, field: String) throws(RecordError) -> Identifier {
    if let problem = Identifier.problem(text) { throw RecordError(field: field, message: problem) }
    return Identifier(text)
  }

  private func optionalIdentifier(_ value: JSONValue?, field: String) throws(RecordError) -> Identifier? {
    switch value {
    case nil, .null?: return nil
    case .string(let text)?:
      if text.isEmpty { return nil }
      return try identifier(text, field: field)
    case let other?:
      throw RecordError(field: field, message: "expected a string, found \(other.typeName)")
    }
  }
}
