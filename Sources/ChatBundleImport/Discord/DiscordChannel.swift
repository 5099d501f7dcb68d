import ChatBundle

/// What a DiscordChatExporter file's header (`guild`, `channel`, before `messages`) says
/// about the one channel whose messages the file holds.
///
/// DCE writes one channel per file, so the header decides the conversation of every
/// message in it. For a thread, DCE puts the parent channel in `category`/`categoryId`
/// (its source says so), which is how a thread's conversation is named after its parent.
public struct DiscordChannel: Sendable, Equatable {
  public var id: Identifier
  /// DCE's channel type: `GuildTextChat`, `DirectTextChat`, `DirectGroupTextChat`,
  /// `GuildPublicThread`, … (kept as text: newer DCE versions may add types).
  public var type: String
  public var name: String?
  public var guildID: String?
  public var guildName: String?
  /// The category, or for a thread the parent channel.
  public var categoryID: String?
  public var category: String?

  static let threadTypes: Set<String> = ["GuildPublicThread", "GuildPrivateThread", "GuildNewsThread"]

  public init(
    id: Identifier, type: String, name: String? = nil, guildID: String? = nil, guildName: String? = nil,
    categoryID: String? = nil, category: String? = nil
  ) {
    self.id = id
    self.type = type
    self.name = name
    self.guildID = guildID
    self.guildName = guildName
    self.categoryID = categoryID
    self.category = category
  }

  /// Reads the header object; the error says what the file looks like when it is not a
  /// DCE export, so that a user who gave the wrong file or `--source` knows what to do.
  public init(header: JSONValue) throws(RecordError) {
    guard case .object(let object) = header else {
      throw RecordError(field: "", message: "the file's top level is not a JSON object")
    }
    guard let channelValue = object["channel"] else {
      throw RecordError(field: "channel", message: Self.lookalike(object))
    }
    let channel = try DiscordFields(channelValue, path: "channel")
    guard let id = try channel.identifier("id") else {
      throw RecordError(field: "channel.id", message: "is missing; a DiscordChatExporter file names its channel")
    }
    self.init(
      id: id, type: try channel.string("type") ?? "GuildTextChat", name: try channel.string("name"),
      categoryID: try channel.string("categoryId"), category: try channel.string("category"))
    if let guildValue = object["guild"], guildValue != .null {
      let guild = try DiscordFields(guildValue, path: "guild")
      guildID = try guild.string("id")
      guildName = try guild.string("name")
    }
    if let problem = Identifier.problem(conversationID.text) {
      throw RecordError(field: "channel.id", message: problem)
    }
  }

  /// What a top-level object without `channel` most likely is.
  private static func lookalike(_ object: JSONObject) -> String {
    "is missing: "
      + (ForeignExportDetector.describe(.object(object), source: "discord")
        ?? "this is not a DiscordChatExporter JSON export (export the channel with DCE's --format Json)")
  }

  public var isThread: Bool { Self.threadTypes.contains(type) }
  public var isDirect: Bool { type == "DirectTextChat" }

  /// `channel:<id>` for every channel type: Discord's ids are unique across the service,
  /// and the same channel exported twice lands in one conversation.
  public var conversationID: Identifier { Identifier("channel:" + id.text) }

  /// `guild / category / channel` for a guild channel, `guild / parent / thread` for a
  /// thread, the channel's own name for a direct or group chat (DCE names a DM after the
  /// other party).
  public var displayName: String? {
    let own = name.flatMap { $0.isEmpty ? nil : $0 }
    let inGuild = guildID != nil && guildID != "0"
    guard inGuild else { return own }
    let parts = [guildName, category, own].compactMap { $0.flatMap { $0.isEmpty ? nil : $0 } }
    return parts.isEmpty ? nil : parts.joined(separator: " / ")
  }

  /// The conversation; `participants` only for a direct chat, where they are the two
  /// authors the file shows (nil when it shows another number).
  public func conversation(participants: [Identifier]?) -> ConversationInfo {
    ConversationInfo(
      id: conversationID, kind: isDirect ? .direct : .group,
      participants: isDirect ? participants.flatMap { $0.count == 2 ? $0 : nil } : nil, sourceID: id)
  }
}
