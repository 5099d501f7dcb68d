import ChatBundle

/// Service messages (`"type":"service"`): what happened, said as a readable notice, or as
/// a membership change when people joined or left.
///
/// Telegram names the people an action concerns (`members`, `inviter`) by display name
/// only, never by id. A membership change lists the ids of those names that the chat has
/// already shown with an id (as a message's `from`/`from_id` or an action's
/// `actor`/`actor_id`) and that belong to one id only; a part of kind `notice` always
/// says the whole action with the names, so no name is lost when no id is known.
struct TelegramServiceMapper {
  struct Result {
    var body: MessageBody
    var parts: [MessagePart] = []
    var pinTarget: Identifier?
    /// A photo the action carries (`edit_group_photo`), as the first part's media.
    var photo: (reference: MediaReference, source: TelegramMedia.Source)?
  }

  let chat: TelegramChat

  func map(_ record: JSONObject, actor sender: Identifier?, names: [String: Identifier?]) -> Result {
    let actor = Self.name(record["actor"]) ?? "Someone"
    let members = (record["members"]?.arrayValue ?? []).map { Self.name($0) ?? "a deleted account" }
    func ids(_ people: [String]) -> [Identifier] { Identifier.sortedUnique(people.compactMap { names[$0] ?? nil }) }
    func joined(_ text: String, members: [Identifier]) -> Result {
      Result(body: .membership(MembershipChange(.joined, members: members)), parts: [MessagePart(.notice(text))])
    }
    func left(_ text: String, members: [Identifier]) -> Result {
      Result(body: .membership(MembershipChange(.left, members: members)), parts: [MessagePart(.notice(text))])
    }
    let title = record["title"]?.stringValue
    guard let action = record["action"]?.stringValue else {
      // A custom action (a bot's or the service's own line) has only its text.
      if let information = record["information_text"]?.stringValue { return Result(body: .notice(information)) }
      return Result(body: .unknown(UnknownContent(sourceType: "service", text: nil)))
    }
    switch action {
    case "create_group":
      let with = members.isEmpty ? "" : " with \(Self.list(members))"
      return joined(
        "\(actor) created the group\(title.map { " “\($0)”" } ?? "")\(with)",
        members: Identifier.sortedUnique(ids(members) + (sender.map { [$0] } ?? [])))
    case "invite_members":
      return joined("\(actor) added \(Self.list(members))", members: ids(members))
    case "join_group_by_link":
      let inviter = Self.name(record["inviter"]).map { " from \($0)" } ?? ""
      return joined("\(actor) joined the group via an invite link\(inviter)", members: sender.map { [$0] } ?? [])
    case "join_group_by_request":
      return joined("\(actor) joined the group after their request was approved", members: sender.map { [$0] } ?? [])
    case "remove_members":
      if members == [actor] { return left("\(actor) left the group", members: sender.map { [$0] } ?? ids(members)) }
      return left("\(actor) removed \(Self.list(members))", members: ids(members))
    case "pin_message":
      var result = Result(body: .notice("\(actor) pinned a message"))
      if let target = record["message_id"].flatMap(Self.messageNumber) {
        result.pinTarget = Identifier(chat.id + ":" + target)
      }
      return result
    case "phone_call":
      return Result(body: .notice(phoneCall(record, actor: actor)))
    case "group_call":
      let duration = SourceCount.count(record["duration"]).map { ", \(Self.duration($0))" } ?? ""
      return Result(body: .notice("\(actor) started a group call\(duration)"))
    case "group_call_scheduled":
      let when = record["schedule_date"]?.stringValue.map { " for \($0)" } ?? ""
      return Result(body: .notice("\(actor) scheduled a group call\(when)"))
    case "invite_to_group_call":
      return Result(body: .notice("\(actor) invited \(Self.list(members)) to the group call"))
    case "edit_group_title":
      return Result(body: .notice("\(actor) changed the group name to “\(title ?? "")”"))
    case "edit_group_photo":
      var result = Result(body: .notice("\(actor) changed the group photo"))
      if let path = record["photo"]?.stringValue {
        var reference = TelegramContentMapper.reference(path: path, name: nil)
        reference.width = SourceCount.count(record["width"])
        reference.height = SourceCount.count(record["height"])
        result.photo = (
          reference, TelegramMedia.Source(path: path, declaredSize: SourceCount.count(record["photo_file_size"]))
        )
      }
      return result
    case "delete_group_photo":
      return Result(body: .notice("\(actor) removed the group photo"))
    case "create_channel":
      return Result(body: .notice("\(actor) created the channel\(title.map { " “\($0)”" } ?? "")"))
    case "migrate_to_supergroup":
      return Result(body: .notice("\(actor) upgraded the group to a supergroup"))
    case "migrate_from_group":
      return Result(body: .notice("The supergroup was created from the group\(title.map { " “\($0)”" } ?? "")"))
    case "clear_history":
      return Result(body: .notice("\(actor) cleared the history"))
    case "score_in_game":
      let score = record["score"]?.numberLiteral ?? "?"
      return Result(body: .notice("\(actor) scored \(score) in a game"))
    case "set_messages_ttl":
      let period = SourceCount.count(record["period"] ?? record["period_seconds"]) ?? 0
      return Result(
        body: .notice(
          period == 0
            ? "\(actor) turned off auto-delete" : "\(actor) set messages to auto-delete after \(Self.duration(period))")
      )
    case "topic_created":
      return Result(body: .notice("\(actor) created the topic “\(title ?? "")”"))
    case "topic_edit":
      let renamed = record["new_title"]?.stringValue.map { " to “\($0)”" } ?? ""
      return Result(body: .notice("\(actor) changed the topic\(renamed)"))
    case "joined_telegram":
      return Result(body: .notice("\(actor) joined Telegram"))
    case "take_screenshot":
      return Result(body: .notice("\(actor) took a screenshot"))
    case "allow_sending_messages", "attach_menu_bot_allowed", "web_app_bot_allowed":
      return Result(body: .notice("\(actor) allowed the bot to send messages"))
    case "payment_sent":
      let amount = [record["amount"]?.numberLiteral, record["currency"]?.stringValue].compactMap { $0 }
      return Result(
        body: .notice("\(actor) sent a payment\(amount.isEmpty ? "" : " of " + amount.joined(separator: " "))"))
    case "boost_apply":
      let boosts = SourceCount.count(record["boosts"]) ?? 1
      return Result(body: .notice("\(actor) boosted the group \(boosts == 1 ? "once" : "\(boosts) times")"))
    default:
      return Result(body: .unknown(UnknownContent(sourceType: "service:" + action, text: "\(actor): \(action)")))
    }
  }

  /// `phone_call`: who called, how long, and why it ended (`busy`, `disconnect`,
  /// `hangup`, `missed`).
  private func phoneCall(_ record: JSONObject, actor: String) -> String {
    let duration = SourceCount.count(record["duration_seconds"])
    switch record["discard_reason"]?.stringValue {
    case "missed": return "Missed call from \(actor)"
    case "busy": return "Call from \(actor), declined (busy)"
    case let reason:
      var text = "Call from \(actor)"
      if let duration { text += ", \(Self.duration(duration))" }
      if let reason, reason != "hangup" { text += " (\(reason))" }
      return text
    }
  }

  static func name(_ value: JSONValue?) -> String? {
    guard case .string(let text)? = value, !text.isEmpty else { return nil }
    return text
  }

  /// `Alice`, `Alice and Bob`, `Alice, Bob and Carol`.
  static func list(_ names: [String]) -> String {
    guard let last = names.last else { return "nobody" }
    return names.count == 1 ? last : names.dropLast().joined(separator: ", ") + " and " + last
  }

  /// `56 s`, `2 min 5 s`, `1 h 2 min`.
  static func duration(_ seconds: Int64) -> String {
    if seconds < 60 { return "\(seconds) s" }
    if seconds < 3600 { return "\(seconds / 60) min" + (seconds % 60 == 0 ? "" : " \(seconds % 60) s") }
    return "\(seconds / 3600) h" + (seconds % 3600 / 60 == 0 ? "" : " \(seconds % 3600 / 60) min")
  }

  /// A message number (`message_id`, `reply_to_message_id`) as its decimal digits.
  static func messageNumber(_ value: JSONValue) -> String? {
    guard let literal = value.numberLiteral ?? value.stringValue, TelegramChat.isBareID(literal) else { return nil }
    return literal
  }
}
