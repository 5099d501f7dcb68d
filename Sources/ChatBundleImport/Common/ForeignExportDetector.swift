import ChatBundle

/// Says what a record that a mapper cannot read looks like instead, when it is plainly
/// another service's export or an API response that holds no messages: the user has given
/// the wrong file or the wrong `--source`, and "msg_id is missing" would not tell them.
public enum ForeignExportDetector {
  /// What the record is and what to do, or nil when it looks like nothing known.
  /// - Parameter source: the `--source` the user gave.
  public static func describe(_ raw: JSONValue, source: String) -> String? {
    guard case .object(let record) = raw else { return nil }
    if let chats = record["chatdata"]?.arrayValue,
      chats.contains(where: { $0.objectValue?["encrypt_chat_msg"] != nil })
        || (record["errcode"] != nil && chats.isEmpty)
    {
      return "this is WeCom's GetChatData response, still encrypted: decrypt each chatdata[].encrypt_chat_msg "
        + "(the Finance SDK's DecryptData with the corp's private key for encrypt_random_key) and pack the "
        + "decrypted messages with --source wecom"
    }
    if record["encrypt_chat_msg"] != nil || record["encrypt_random_key"] != nil {
      return "this is an encrypted WeCom archive record (encrypt_chat_msg): decrypt it first and pack the "
        + "decrypted message with --source wecom"
    }
    if let data = record["data"]?.arrayValue, data.contains(where: { $0.objectValue?["url"] != nil }),
      record["msg_id"] == nil
    {
      return "this is Easemob's response to GET /{org}/{app}/chatmessages/{time}: it holds a link to the hour's "
        + "history file, not messages; download data[0].url before it expires (or run 'chatbundle pull easemob') "
        + "and pack the downloaded .gz with --source easemob"
    }
    let looksLike: (name: String, option: String)?
    if record["msgid"] != nil && (record["msgtype"] != nil || record["action"] != nil) {
      looksLike = ("a WeCom (会话内容存档) message", "wecom")
    } else if record["msg_id"] != nil && (record["payload"] != nil || record["chat_type"] != nil) {
      looksLike = ("an Easemob history record", "easemob")
    } else if record["guild"] != nil && record["channel"] != nil
      || record["messages"] != nil && (record["guild"] != nil || record["channel"] != nil)
    {
      looksLike = ("a DiscordChatExporter channel export", "discord")
    } else if record["messages"] != nil && record["type"] != nil && record["id"] != nil
      || record["chats"]?.objectValue?["list"] != nil || record["personal_information"] != nil
      || record["type"]?.stringValue.map(telegramChatTypes.contains) == true
    {
      looksLike = ("a Telegram Desktop export (result.json)", "telegram")
    } else if record["entities"]?.arrayValue != nil {
      looksLike = ("an Easemob history file ({\"entities\": […]})", "easemob")
    } else if record["ts"]?.stringValue != nil && record["type"]?.stringValue == "message" {
      looksLike = ("a Slack export's message (a day file of a channel folder)", "slack")
    } else {
      looksLike = nil
    }
    guard let looksLike, looksLike.option != source else { return nil }
    return
      "this looks like \(looksLike.name), not \(sourceName(source)) data: pack it with --source \(looksLike.option)"
  }

  /// The `type` of a chat in Telegram Desktop's export.
  static let telegramChatTypes: Set<String> = [
    "personal_chat", "bot_chat", "private_group", "private_supergroup", "public_supergroup", "private_channel",
    "public_channel", "saved_messages", "replies",
  ]

  private static func sourceName(_ source: String) -> String {
    switch source {
    case "easemob": "Easemob"
    case "wecom": "WeCom"
    default: source
    }
  }
}
