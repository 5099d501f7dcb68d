import ChatBundle

/// Maps one message of a DiscordChatExporter (DCE) JSON file to the shared model.
///
/// Field meanings follow DCE's `JsonMessageWriter` (Tyrrrz/DiscordChatExporter@4f29fa6):
/// ids are snowflake strings, times ISO 8601 with an offset, `content` is Discord markdown
/// with mentions already written as `@Name`. The channel comes from the file's header
/// (`DiscordChannel`); the message itself travels as `raw`. The mapping is
/// spec/sources/discord.md.
public struct DiscordRecordMapper: Sendable {
  public static let platform: Identifier = "discord"

  public typealias Mapped = MappedRecord<DiscordMedia.Source>

  /// A mapped message and the display names it shows for users (author, mentioned,
  /// reacting), for the builder to use where no --people file names them.
  public struct Result: Sendable {
    public var mapped: Mapped
    public var names: [(id: Identifier, name: String)]
  }

  public init() {}

  public func map(_ raw: JSONValue, channel: DiscordChannel, conversation: ConversationInfo) throws(RecordError)
    -> Result
  {
    let record = try DiscordFields(raw, path: "")
    guard let id = try record.identifier("id") else { throw RecordError(field: "id", message: "is missing") }
    guard let timestamp = try record.time("timestamp") else {
      throw RecordError(field: "timestamp", message: "is missing")
    }
    var names: [(id: Identifier, name: String)] = []
    var sender: Identifier?
    var isBot = false
    if let author = try record.nested("author") {
      sender = try author.identifier("id")
      isBot = try author.bool("isBot") ?? false
      if let sender, let name = try displayName(author) { names.append((sender, name)) }
    }
    // Who `<@id>` tokens name, from the message's own list of mentioned users.
    var mentionNames: [Identifier: String] = [:]
    var mentioned: [Identifier] = []
    for user in try record.objects("mentions") {
      guard let userID = try user.identifier("id") else { continue }
      if !mentioned.contains(userID) { mentioned.append(userID) }
      if let name = try displayName(user) {
        mentionNames[userID] = name
        names.append((userID, name))
      }
    }
    let typeName = try record.string("type") ?? "Default"
    let type = DiscordMessageType(typeName)
    let content = DiscordContent.render(try record.string("content") ?? "", names: mentionNames, channel: channel)
    var message = Message(
      id: id, conversation: conversation.id, timestamp: timestamp, sender: sender, body: .text(content.text),
      source: SourceRecord(platform: Self.platform, raw: raw))
    message.mentions = mentioned + content.mentions.filter { !mentioned.contains($0) }
    message.mentionsAll = content.mentionsAll
    message.senderIsBot = isBot
    message.pinned = try record.bool("isPinned") ?? false
    if let edited = try record.time("timestampEdited") { message.edited = MessageEdit(timestamp: edited) }
    if channel.isThread { message.thread = ThreadReference(root: channel.id) }
    let reference = try record.nested("reference")
    let referenced = try reference?.identifier("messageId")
    let isForward = try reference?.string("type") == "Forward"
    var attachments: [MediaPath: DiscordMedia.Source] = [:]
    switch type {
    case .content:
      if isForward {
        let forwarded = try record.nested("forwardedMessage")
        message.forwardedFrom = ForwardOrigin(id: referenced, timestamp: try forwarded?.time("timestamp"))
      } else if let referenced {
        message.replyTo = ReplyReference(id: referenced)
      }
      attachments = try contentBodies(record, text: content.text, into: &message)
    case .joined:
      // Someone added to a group is in `mentions`; a server join is the sender's own.
      let added = typeName == "RecipientAdd" || typeName == "1"
      message.body = .membership(MembershipChange(.joined, members: added ? mentioned : []))
    case .left:
      message.body = .membership(MembershipChange(.left, members: mentioned))
    case .notice(let fallback):
      message.body = .notice(content.text.isEmpty ? fallback : content.text)
    case .pin:
      message.body = .notice(content.text.isEmpty ? "Pinned a message." : content.text)
      message.pinTarget = referenced
    case .unknown:
      message.body = .unknown(UnknownContent(sourceType: typeName, text: content.text.isEmpty ? nil : content.text))
    }
    for reaction in try record.objects("reactions") {
      message.reactions.append(try self.reaction(reaction, names: &names))
    }
    if let interaction = try record.nested("interaction"), let user = try interaction.nested("user"),
      let userID = try user.identifier("id"), let name = try displayName(user)
    {
      names.append((userID, name))
    }
    return Result(mapped: Mapped(message: message, conversation: conversation, attachments: attachments), names: names)
  }

  /// A user's name as the chat shows it: the server nickname over the account name.
  private func displayName(_ user: DiscordFields) throws(RecordError) -> String? {
    for key in ["nickname", "name"] {
      if let name = try user.string(key), !name.isEmpty { return name }
    }
    return nil
  }

  /// One body per thing the message carries, in this order: the text, the attachments,
  /// the stickers, the embeds (and their pictures when DCE downloaded them), then the same
  /// for a forwarded message. The first is the message's body, the rest its `parts`.
  private func contentBodies(_ record: DiscordFields, text: String, into message: inout Message) throws(RecordError)
    -> [MediaPath: DiscordMedia.Source]
  {
    var bodies: [(body: MessageBody, source: DiscordMedia.Source?)] = []
    if !text.isEmpty { bodies.append((.text(text), nil)) }
    try appendCarried(record, to: &bodies)
    if let forwarded = try record.nested("forwardedMessage") {
      // The forward's own text is usually empty; the forwarded text is what was shared.
      if let forwardedText = try forwarded.string("content"), !forwardedText.isEmpty {
        bodies.append((.text(forwardedText), nil))
      }
      try appendCarried(forwarded, to: &bodies)
    }
    guard let first = bodies.first else {
      message.body = .text("")
      return [:]
    }
    var attachments: [MediaPath: DiscordMedia.Source] = [:]
    message.body = first.body
    if let source = first.source { attachments[.media] = source }
    for (index, extra) in bodies.dropFirst().enumerated() {
      message.parts.append(MessagePart(extra.body))
      if let source = extra.source { attachments[MediaPath([.part(index)])] = source }
    }
    return attachments
  }

  private func appendCarried(
    _ record: DiscordFields, to bodies: inout [(body: MessageBody, source: DiscordMedia.Source?)]
  ) throws(RecordError) {
    for attachment in try record.objects("attachments") {
      let fileName = try attachment.string("fileName")
      let reference = MediaReference(
        name: fileName, sourceReference: try attachment.identifier("id")?.text)
      let source = DiscordMedia.Source(
        url: try attachment.string("url"), declaredSize: try attachment.count("fileSizeBytes"))
      bodies.append((.media(MediaContent(Self.mediaKind(fileName: fileName), reference: reference)), source))
    }
    for sticker in try record.objects("stickers") {
      // Lottie stickers are JSON animations, not pictures.
      let format = try sticker.string("format")
      let kind: MediaContent.Kind = format == "Lottie" ? .file : .image
      let reference = MediaReference(
        name: try sticker.string("name"), sourceReference: try sticker.identifier("id")?.text)
      bodies.append(
        (.media(MediaContent(kind, reference: reference)), DiscordMedia.Source(url: try sticker.string("sourceUrl"))))
    }
    for embed in try record.objects("embeds") {
      let summary = try embedText(embed)
      if !summary.isEmpty { bodies.append((.text(summary), nil)) }
      // An embed's pictures are links to the web page's preview; only a copy DCE saved
      // beside the export is media.
      var pictures: [DiscordFields] = []
      for key in ["thumbnail", "image"] { if let picture = try embed.nested(key) { pictures.append(picture) } }
      pictures += try embed.objects("images")
      for picture in pictures {
        let url = try picture.string("url")
        guard case .local = DiscordMedia.locate(url) else { continue }
        var reference = MediaReference()
        reference.width = try picture.count("width")
        reference.height = try picture.count("height")
        bodies.append((.media(MediaContent(.image, reference: reference)), DiscordMedia.Source(url: url)))
      }
    }
  }

  /// An embed as readable text: its author, title, link, description, fields and footer,
  /// one per line, leaving out what is empty.
  private func embedText(_ embed: DiscordFields) throws(RecordError) -> String {
    var lines: [String] = []
    if let author = try embed.nested("author"), let name = try author.string("name") { lines.append(name) }
    for key in ["title", "url", "description"] { if let value = try embed.string(key) { lines.append(value) } }
    for field in try embed.objects("fields") {
      let name = try field.string("name") ?? ""
      let value = try field.string("value") ?? ""
      lines.append(name.isEmpty ? value : value.isEmpty ? name : "\(name): \(value)")
    }
    if let footer = try embed.nested("footer"), let text = try footer.string("text") { lines.append(text) }
    return lines.filter { !$0.isEmpty }.joined(separator: "\n")
  }

  /// DCE's own choice of how to show an attachment, by its file name's extension.
  static func mediaKind(fileName: String?) -> MediaContent.Kind {
    guard let fileName, let dot = fileName.lastIndex(of: ".") else { return .file }
    switch fileName[fileName.index(after: dot)...].lowercased() {
    case "png", "jpg", "jpeg", "gif", "webp", "bmp", "svg", "avif", "heic": return .image
    case "mp4", "webm", "mov", "mkv", "avi", "m4v": return .video
    case "mp3", "ogg", "wav", "m4a", "flac", "opus", "aac": return .audio
    default: return .file
    }
  }

  private func reaction(_ reaction: DiscordFields, names: inout [(id: Identifier, name: String)])
    throws(RecordError) -> Reaction
  {
    var users: [Identifier] = []
    for user in try reaction.objects("users") {
      guard let userID = try user.identifier("id") else { continue }
      users.append(userID)
      if let name = try displayName(user) { names.append((userID, name)) }
    }
    let emoji = try reaction.nested("emoji")
    let emojiName = try emoji?.string("name")
    let code = try emoji?.string("code")
    let emojiID = try emoji?.string("id")
    // A custom emoji has an id and only a name; a standard one's name is the character and
    // its code the name (`thumbsup`).
    let isCustom = !(emojiID ?? "").isEmpty
    let shown = [emojiName, code, emojiID].compactMap { $0 }.first { !$0.isEmpty } ?? "?"
    let name = isCustom ? nil : code.flatMap { $0.isEmpty || $0 == shown ? nil : $0 }
    let count = try reaction.count("count") ?? Int64(users.count)
    return Reaction(emoji: shown, name: name, count: count, users: users)
  }
}
