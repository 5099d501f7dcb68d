/// What a DCE message `type` is in the model.
///
/// DCE names the kinds it knows (`Default`, `RecipientAdd`, …, `Reply`) and writes any
/// other Discord message type as its number in a string (C# `Enum.ToString()`), so both
/// spellings are read. Types whose messages are what someone wrote (a slash command's
/// reply is type 20) map like `Default`; Discord's system types become notices with a
/// readable text; a type not listed here becomes `unknown` with its name kept.
enum DiscordMessageType: Equatable {
  /// Written content: text, attachments, embeds.
  case content
  case joined
  case left
  /// A system row; the text used when the message's own `content` is empty.
  case notice(String)
  case pin
  case unknown

  init(_ name: String) {
    switch name {
    case "Default", "0", "Reply", "19", "ChatInputCommand", "20", "ContextMenuCommand", "23": self = .content
    case "RecipientAdd", "1", "GuildMemberJoin", "UserJoin", "7": self = .joined
    case "RecipientRemove", "2": self = .left
    case "ChannelPinnedMessage", "6": self = .pin
    default:
      if let text = Self.notices[name] {
        self = .notice(text)
      } else {
        self = .unknown
      }
    }
  }

  /// Discord's system message types by DCE name and by number, with the text a client
  /// shows for them when DCE gave none.
  private static let notices: [String: String] = {
    let named: [(names: [String], text: String)] = [
      (["Call", "3"], "Started a call."),
      (["ChannelNameChange", "4"], "Changed the channel name."),
      (["ChannelIconChange", "5"], "Changed the channel icon."),
      (["GuildBoost", "8"], "Boosted the server."),
      (["GuildBoostTier1", "9"], "Boosted the server; it reached level 1."),
      (["GuildBoostTier2", "10"], "Boosted the server; it reached level 2."),
      (["GuildBoostTier3", "11"], "Boosted the server; it reached level 3."),
      (["ChannelFollowAdd", "12"], "Followed a channel into this one."),
      (["GuildDiscoveryDisqualified", "14"], "The server was removed from Server Discovery."),
      (["GuildDiscoveryRequalified", "15"], "The server is eligible for Server Discovery again."),
      (["GuildDiscoveryGracePeriodInitialWarning", "16"], "Server Discovery: initial warning."),
      (["GuildDiscoveryGracePeriodFinalWarning", "17"], "Server Discovery: final warning."),
      (["ThreadCreated", "18"], "Started a thread."),
      (["ThreadStarterMessage", "21"], "The message this thread was started from."),
      (["GuildInviteReminder", "22"], "Invite your friends to the server."),
      (["AutoModerationAction", "24"], "AutoMod acted on a message."),
      (["RoleSubscriptionPurchase", "25"], "Bought a role subscription."),
      (["InteractionPremiumUpsell", "26"], "An app offered a premium upgrade."),
      (["StageStart", "27"], "Started a stage."),
      (["StageEnd", "28"], "Ended the stage."),
      (["StageSpeaker", "29"], "Became a speaker on the stage."),
      (["StageTopic", "31"], "Changed the stage topic."),
      (["GuildApplicationPremiumSubscription", "32"], "Subscribed to an app."),
      (["GuildIncidentAlertModeEnabled", "36"], "Turned on the server's incident alert mode."),
      (["GuildIncidentAlertModeDisabled", "37"], "Turned off the server's incident alert mode."),
      (["GuildIncidentReportRaid", "38"], "Reported a raid."),
      (["GuildIncidentReportFalseAlarm", "39"], "Reported a false alarm."),
      (["PurchaseNotification", "44"], "Made a purchase."),
      (["PollResult", "46"], "A poll ended."),
    ]
    var table: [String: String] = [:]
    for entry in named { for name in entry.names { table[name] = entry.text } }
    return table
  }()
}
