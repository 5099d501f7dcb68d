import ChatBundle

/// One chat of a Telegram export, from its members before `messages`: which conversation
/// its messages go to, and how diagnostics name it.
///
/// The conversation id is `telegram:<id>`, `<id>` being the chat's bare peer id as
/// Telegram writes it; it is also the `source_id`. Telegram's kinds map as:
/// `personal_chat`, `bot_chat`, `saved_messages` → direct (participants: the account
/// owner when the export names them, and the peer `user<id>`); the groups
/// (`private_group`, `private_supergroup`, `public_supergroup`) and `replies` → group;
/// the channels (`private_channel`, `public_channel`) → chatroom, a room whose posts its
/// subscribers read, with no member list in the export.
public struct TelegramChat: Sendable, Equatable {
  public static let directTypes: Set<String> = ["personal_chat", "bot_chat", "saved_messages"]
  public static let groupTypes: Set<String> = ["private_group", "private_supergroup", "public_supergroup", "replies"]
  public static let channelTypes: Set<String> = ["private_channel", "public_channel"]

  /// The bare id, as written (digits, possibly with a minus sign in old exports).
  public var id: String
  public var type: String
  public var name: String?
  public var conversation: ConversationInfo
  /// How a diagnostic names the chat: `chat 3 (id 123)`.
  public var label: String

  /// - Parameter owner: the exporting account's `user<id>`, when the export says it.
  public init(header: JSONObject, number: Int, owner: Identifier?) throws(RecordError) {
    let label = "chat \(number)"
    guard let idValue = header["id"] else {
      throw RecordError(field: "\(label): id", message: "is missing; a Telegram chat has an id before its messages")
    }
    guard let literal = idValue.numberLiteral ?? idValue.stringValue, Self.isBareID(literal) else {
      throw RecordError(field: "\(label): id", message: "expected the chat's numeric id, found \(idValue.typeName)")
    }
    id = literal
    self.label = "\(label) (id \(literal))"
    guard let type = header["type"]?.stringValue else {
      throw RecordError(
        field: "\(self.label): type", message: header["type"] == nil ? "is missing" : "expected a string")
    }
    self.type = type
    if case .string(let text)? = header["name"], !text.isEmpty { name = text }
    let conversationID = Identifier("telegram:" + literal)
    if Self.directTypes.contains(type) {
      // Saved messages are the owner's own chat: its id is the owner's.
      let peer = Identifier("user" + literal)
      let participants = Identifier.sortedUnique([peer] + (owner.map { [$0] } ?? []))
      conversation = ConversationInfo(
        id: conversationID, kind: .direct, participants: participants, sourceID: Identifier(literal))
    } else if Self.channelTypes.contains(type) {
      conversation = ConversationInfo(id: conversationID, kind: .chatroom, sourceID: Identifier(literal))
    } else {
      // The groups, `replies`, and any type newer than this mapping: a conversation of
      // many people is the safe reading.
      conversation = ConversationInfo(id: conversationID, kind: .group, sourceID: Identifier(literal))
    }
  }

  /// The peer of a one-to-one chat: in a `bot_chat`, the bot.
  public var peer: Identifier? {
    Self.directTypes.contains(type) ? Identifier("user" + id) : nil
  }

  /// Digits, optionally after a minus sign, at most 40 characters.
  static func isBareID(_ text: String) -> Bool {
    let digits = text.hasPrefix("-") ? Substring(text.dropFirst()) : Substring(text)
    return !digits.isEmpty && digits.count <= 40 && digits.allSatisfy(\.isASCIIDigit)
  }
}
