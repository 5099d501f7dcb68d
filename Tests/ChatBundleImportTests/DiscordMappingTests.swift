import ChatBundle
import ChatBundleImport
import ChatBundleTestSupport
import Testing

/// Each DCE message type and shape, pinned to its model value (spec/sources/discord.md).
@Suite struct DiscordMappingTests {
  let mapper = DiscordRecordMapper()
  let guildChannel = DiscordChannel(
    id: "500", type: "GuildTextChat", name: "general", guildID: "400", guildName: "Club", categoryID: "450",
    category: "Text Channels")

  /// A DCE message with the members every message has, plus `extra` members (JSON text).
  func record(id: String = "1001", type: String = "Default", content: String = "", extra: String = "") -> String {
    """
    {"id":"\(id)","type":"\(type)","timestamp":"2023-01-06T14:22:25.25+01:00","timestampEdited":null,\
    "callEndedTimestamp":null,"isPinned":false,"content":\(quoted(content)),\
    "author":{"id":"77","name":"ada","discriminator":"0000","nickname":"Ada","color":null,"isBot":false},\
    "attachments":[],"embeds":[],"stickers":[],"reactions":[],"mentions":[]\(extra.isEmpty ? "" : "," + extra)}
    """
  }

  func quoted(_ text: String) -> String { String(decoding: JSONWriter.serialize(.string(text)), as: UTF8.self) }

  func map(_ text: String, channel: DiscordChannel? = nil) throws -> DiscordRecordMapper.Result {
    let channel = channel ?? guildChannel
    let raw = try JSONParser.parse(Array(text.utf8)[...], options: .lenient)
    return try mapper.map(raw, channel: channel, conversation: channel.conversation(participants: nil))
  }

  @Test func theEnvelopeComesFromIdTimestampAndAuthor() throws {
    let result = try map(record(content: "hello"))
    let message = result.mapped.message
    #expect(message.id == "1001")
    #expect(message.conversation == "channel:500")
    // 14:22:25.25 at +01:00 is 13:22:25.250 UTC.
    #expect(message.timestamp == 1_673_011_345_250)
    #expect(message.sender == "77")
    #expect(message.body == .text("hello"))
    #expect(message.source.platform == "discord")
    #expect(result.names.contains { $0.id == "77" && $0.name == "Ada" }, "the nickname wins over the name")
    #expect(!message.senderIsBot && !message.pinned && message.edited == nil && message.thread == nil)
  }

  @Test func replyEditPinBotAndThreadMembers() throws {
    let text = record(
      type: "Reply", content: "sure",
      extra: #""reference":{"messageId":"999","channelId":"500","guildId":"400"}"#
    ).replacingOccurrences(of: #""isBot":false"#, with: #""isBot":true"#)
      .replacingOccurrences(of: #""isPinned":false"#, with: #""isPinned":true"#)
      .replacingOccurrences(of: #""timestampEdited":null"#, with: #""timestampEdited":"2023-01-06T15:00:00+00:00""#)
    let thread = DiscordChannel(
      id: "600", type: "GuildPublicThread", name: "Side talk", guildID: "400", guildName: "Club", categoryID: "500",
      category: "general")
    let message = try map(text, channel: thread).mapped.message
    #expect(message.replyTo == ReplyReference(id: "999"))
    #expect(message.edited == MessageEdit(timestamp: 1_673_017_200_000))
    #expect(message.pinned && message.senderIsBot)
    #expect(message.thread == ThreadReference(root: "600"))
    #expect(message.conversation == "channel:600")
    #expect(thread.displayName == "Club / general / Side talk")
    #expect(thread.conversation(participants: nil).sourceID == "600", "--conversation <thread id> finds it")
  }

  @Test func aReplyCarriedAsDefaultStillQuotes() throws {
    let message = try map(record(content: "woah", extra: #""reference":{"messageId":"998"}"#)).mapped.message
    #expect(message.replyTo?.id == "998")
  }

  @Test func membershipTypes() throws {
    let join = try map(record(type: "GuildMemberJoin", content: "Joined the server.")).mapped.message
    #expect(join.body == .membership(MembershipChange(.joined)))
    let mention = #""mentions":[{"id":"88","name":"bo","nickname":"Bo","isBot":false}]"#
    let add = try map(
      record(type: "RecipientAdd", content: "Added Bo.").replacingOccurrences(
        of: #","mentions":[]"#, with: "," + mention)
    ).mapped.message
    #expect(add.body == .membership(MembershipChange(.joined, members: ["88"])))
    let byNumber = try map(
      record(type: "1", content: "Added Bo.").replacingOccurrences(of: #","mentions":[]"#, with: "," + mention)
    ).mapped.message
    #expect(byNumber.body == add.body, "DCE may write the type as its number")
    let left = try map(record(type: "RecipientRemove", content: "Left the group.")).mapped.message
    #expect(left.body == .membership(MembershipChange(.left)))
  }

  @Test func systemTypesAreNoticesWithReadableText() throws {
    let cases: [(type: String, content: String, text: String)] = [
      ("ChannelNameChange", "Changed the channel name.", "Changed the channel name."),
      ("ChannelIconChange", "", "Changed the channel icon."),
      ("Call", "Started a call that lasted 113 minutes.", "Started a call that lasted 113 minutes."),
      ("ThreadCreated", "Started a thread.", "Started a thread."),
      ("8", "", "Boosted the server."),
      ("GuildBoostTier2", "", "Boosted the server; it reached level 2."),
      ("12", "", "Followed a channel into this one."),
      ("21", "", "The message this thread was started from."),
    ]
    for entry in cases {
      let message = try map(record(type: entry.type, content: entry.content)).mapped.message
      #expect(message.body == .notice(entry.text), "\(entry.type)")
    }
  }

  @Test func aPinNoticeNamesThePinnedMessage() throws {
    let message = try map(
      record(type: "ChannelPinnedMessage", content: "Pinned a message.", extra: #""reference":{"messageId":"1000"}"#)
    ).mapped.message
    #expect(message.body == .notice("Pinned a message."))
    #expect(message.pinTarget == "1000")
    #expect(message.replyTo == nil, "the pinned message is not quoted")
  }

  @Test func commandRepliesAreContentAndUnknownTypesKeepTheirName() throws {
    #expect(try map(record(type: "20", content: "pong")).mapped.message.body == .text("pong"))
    let unknown = try map(record(type: "99", content: "new")).mapped.message
    #expect(unknown.body == .unknown(UnknownContent(sourceType: "99", text: "new")))
  }

  @Test func mentionsChannelsRolesAndCustomEmojiAreRewritten() throws {
    let mention = #""mentions":[{"id":"88","name":"bo","nickname":"Bo","isBot":false}]"#
    let text = record(content: "hi <@88> and <@!89>, see <#500> <#501> <@&7> <:kekw:123> <a:dance:456> <b>")
      .replacingOccurrences(of: #","mentions":[]"#, with: "," + mention)
    let message = try map(text).mapped.message
    #expect(message.body == .text("hi @Bo and @89, see #general #501 @role:7 :kekw: :dance: <b>"))
    #expect(message.mentions == ["88", "89"])
    #expect(!message.mentionsAll)
    #expect(try map(record(content: "@everyone look")).mapped.message.mentionsAll)
    #expect(try map(record(content: "@here")).mapped.message.mentionsAll)
  }

  @Test func reactionsKeepTheCharacterTheCodeTheCountAndTheUsers() throws {
    let reactions = #"""
      "reactions":[{"emoji":{"id":"","name":"👍","code":"thumbsup","isAnimated":false,"imageUrl":"x.svg"},"count":2,
      "users":[{"id":"88","name":"bo","nickname":"Bo"},{"id":"89","name":"cy"}]},
      {"emoji":{"id":"123","name":"kekw","code":"kekw","isAnimated":false},"count":5},
      {"emoji":{"id":null,"name":"❤","isAnimated":false},"count":1}]
      """#
    let result = try map(record(content: "x").replacingOccurrences(of: #","reactions":[]"#, with: "," + reactions))
    #expect(
      result.mapped.message.reactions == [
        Reaction(emoji: "👍", name: "thumbsup", count: 2, users: ["88", "89"]),
        Reaction(emoji: "kekw", count: 5), Reaction(emoji: "❤", count: 1),
      ])
    #expect(result.names.contains { $0.id == "89" && $0.name == "cy" })
  }

  @Test func attachmentsStickersAndEmbedsBecomeBodyAndParts() throws {
    let extra = #"""
      "attachments":[{"id":"3","url":"f.json_Files\\a.png","fileName":"a.png","fileSizeBytes":10},
      {"id":"4","url":"https://cdn.discordapp.com/attachments/1/4/song.mp3","fileName":"song.mp3","fileSizeBytes":99}],
      "stickers":[{"id":"5","name":"wave","format":"Png","sourceUrl":"f.json_Files\\5.png"}],
      "embeds":[{"title":"Home","url":"https://example.com","description":"A page","thumbnail":{"url":"f.json_Files\\t.png","width":4,"height":3},
      "images":[{"url":"https://example.com/remote.png"}],"fields":[{"name":"High","value":"19"}],"footer":{"text":"example.com"}}]
      """#
    let withoutText = record(content: "").replacingOccurrences(
      of: #""attachments":[],"embeds":[],"stickers":[]"#, with: extra)
    let mapped = try map(withoutText).mapped
    let message = mapped.message
    #expect(message.kind == .image, "the first attachment is the body when there is no text")
    #expect(message.parts.map(\.kind) == [.audio, .image, .text, .image])
    #expect(message.parts[2].body == .text("Home\nhttps://example.com\nA page\nHigh: 19\nexample.com"))
    #expect(mapped.attachments[.media] == DiscordMedia.Source(url: #"f.json_Files\a.png"#, declaredSize: 10))
    #expect(mapped.attachments[MediaPath([.part(0)])]?.url?.hasPrefix("https://") == true)
    #expect(mapped.attachments[MediaPath([.part(1)])]?.url == #"f.json_Files\5.png"#)
    #expect(mapped.attachments[MediaPath([.part(3)])]?.url == #"f.json_Files\t.png"#, "only the local picture")
    if case .media(let content) = message.body {
      #expect(content.reference?.name == "a.png" && content.reference?.sourceReference == "3")
    }
    let withText = try map(
      record(content: "look").replacingOccurrences(
        of: #""attachments":[],"embeds":[],"stickers":[]"#, with: extra)
    ).mapped.message
    #expect(withText.body == .text("look") && withText.parts.count == 5)
  }

  @Test func aForwardKeepsItsOriginAndText() throws {
    let extra = #"""
      "reference":{"type":"Forward","messageId":"321","channelId":"9","guildId":null},
      "forwardedMessage":{"timestamp":"2024-04-30T18:00:00+00:00","content":"Ferry at 8:15","attachments":[]}
      """#
    let message = try map(record(content: "", extra: extra)).mapped.message
    #expect(message.forwardedFrom == ForwardOrigin(id: "321", timestamp: 1_714_500_000_000))
    #expect(message.body == .text("Ferry at 8:15"))
    #expect(message.replyTo == nil)
  }

  @Test func anEmptyMessageIsAnEmptyText() throws {
    #expect(try map(record(content: "")).mapped.message.body == .text(""))
  }

  @Test func malformedFieldsAreErrorsNamingTheField() throws {
    let cases: [(text: String, field: String)] = [
      (#"{"type":"Default","timestamp":"2023-01-06T14:22:25+00:00"}"#, "id"),
      (#"{"id":"1","timestamp":"yesterday"}"#, "timestamp"),
      (#"{"id":"1"}"#, "timestamp"),
      (#"{"id":"1","timestamp":"0000-01-01T00:00:00+00:00"}"#, "timestamp"),
      (#"{"id":{"a":1},"timestamp":"2023-01-06T14:22:25+00:00"}"#, "id"),
      (#"{"id":"1.5e3","timestamp":"2023-01-06T14:22:25+00:00","content":7}"#, "content"),
      (#"{"id":"1","timestamp":"2023-01-06T14:22:25+00:00","author":"ada"}"#, "author"),
      (#"{"id":"1","timestamp":"2023-01-06T14:22:25+00:00","attachments":{}}"#, "attachments"),
      (
        #"{"id":"1","timestamp":"2023-01-06T14:22:25+00:00","attachments":[{"fileSizeBytes":99999999999999999999999}]}"#,
        "attachments[0].fileSizeBytes"
      ),
      (
        #"{"id":"1","timestamp":"2023-01-06T14:22:25+00:00","reactions":[{"emoji":{"name":"x"},"count":-1}]}"#,
        "reactions[0].count"
      ),
      (#"{"id":"1","timestamp":"2023-01-06T14:22:25+00:00","isPinned":"yes"}"#, "isPinned"),
    ]
    for entry in cases {
      #expect(throws: RecordError.self, "\(entry.text)") { try map(entry.text) }
      do { _ = try map(entry.text) } catch let error as RecordError {
        #expect(error.field == entry.field, "\(entry.text): \(error)")
      }
    }
    #expect(throws: RecordError.self) { try map("[1,2]") }
  }

  @Test func theHeaderSaysWhatAWrongFileLooksLike() throws {
    func refusal(_ text: String) -> String {
      do {
        _ = try DiscordChannel(header: try JSONParser.parse(Array(text.utf8)[...], options: .lenient))
        return ""
      } catch { return "\(error)" }
    }
    #expect(refusal(#"{"name":"Bo","type":"personal_chat","id":5}"#).contains("--source telegram"))
    #expect(refusal(#"{"entities":[]}"#).contains("--source easemob"))
    #expect(refusal(#"{"guild":{"id":"1"}}"#).contains("not a DiscordChatExporter"))
    #expect(refusal(#"{"channel":{"name":"x"}}"#).contains("channel.id"))
    #expect(refusal(#"{"channel":{"id":5}}"#).isEmpty, "an integer id is kept as its digits")
    #expect(refusal(#"{"channel":{"id":"1","type":3}}"#).contains("channel.type"))
  }

  @Test func channelNamesAndConversations() throws {
    #expect(guildChannel.displayName == "Club / Text Channels / general")
    #expect(guildChannel.conversation(participants: nil).kind == .group)
    let direct = DiscordChannel(id: "9", type: "DirectTextChat", name: "Bo", guildID: "0", guildName: "Direct Messages")
    #expect(direct.displayName == "Bo")
    let info = direct.conversation(participants: ["1", "2"])
    #expect(info.kind == .direct && info.participants == ["1", "2"] && info.id == "channel:9")
    #expect(direct.conversation(participants: ["1"]).participants == nil, "a direct chat has two parties")
    let group = DiscordChannel(id: "8", type: "DirectGroupTextChat", name: "walkers", guildID: "0")
    #expect(group.conversation(participants: ["1", "2"]).kind == .group)
  }

  @Test func mediaPathsAreLookedUpOnlyWhenRelativeAndPlain() {
    #expect(DiscordMedia.locate(#"a.json_Files\\x.png"#) == .local(["a.json_Files", "x.png"]), "doubled separators")
    #expect(DiscordMedia.locate("a.json_Files/x.png") == .local(["a.json_Files", "x.png"]))
    #expect(DiscordMedia.locate("https://cdn.discordapp.com/attachments/1/2/x.png?ex=1") == .remote)
    #expect(DiscordMedia.locate(nil) == .absent)
    #expect(DiscordMedia.locate("") == .absent)
    for unsafe in [
      "../x.png", #"a\..\..\x"#, "/etc/passwd", #"C:\Users\x.png"#, #"\\server\share\x"#, "file:///x", "a/./b",
      "a\u{0}b",
    ] {
      #expect(DiscordMedia.locate(unsafe) == .unsafe, "\(unsafe)")
    }
  }
}

/// Hostile values in every place of real-shaped messages: the mapper refuses with a
/// `RecordError` or maps, and never traps.
@Suite struct DiscordHostileValueTests {
  let example = repositoryRoot().appendingPathComponent(
    "examples/discord/Lighthouse Club - Text Channels - general [900000000000000010].json"
  ).path

  static let hostile: [JSONValue] = [
    .null, .bool(true), .number("1e999"), .number("-99999999999999999999999"), .number("0.5"), .string(""),
    .string("\u{0}\u{7F}"), .string("../../etc/passwd"), .string("9999-99-99T99:99:99+99:99"), .array([.null]),
    .object(JSONObject()),
  ]

  /// `value` with the member or element at `path` replaced.
  func replacing(_ value: JSONValue, at path: ArraySlice<String>, with replacement: JSONValue) -> JSONValue {
    guard let step = path.first else { return replacement }
    switch value {
    case .object(var object):
      if let index = object.members.firstIndex(where: { $0.key == step }) {
        object.members[index].value = replacing(
          object.members[index].value, at: path.dropFirst(), with: replacement)
      }
      return .object(object)
    case .array(var elements):
      if let index = Int(step), elements.indices.contains(index) {
        elements[index] = replacing(elements[index], at: path.dropFirst(), with: replacement)
      }
      return .array(elements)
    default: return value
    }
  }

  func paths(_ value: JSONValue, prefix: [String] = []) -> [[String]] {
    switch value {
    case .object(let object):
      return object.members.flatMap { [prefix + [$0.key]] + paths($0.value, prefix: prefix + [$0.key]) }
    case .array(let elements):
      return elements.indices.flatMap { [prefix + [String($0)]] + paths(elements[$0], prefix: prefix + [String($0)]) }
    default: return []
    }
  }

  @Test func everyPlaceOfEveryMessageTakesEveryHostileValue() throws {
    let file = try JSONParser.parse(try readBytes(example)[...], options: .lenient)
    let channel = try DiscordChannel(header: file)
    let conversation = channel.conversation(participants: nil)
    let mapper = DiscordRecordMapper()
    var mapped = 0
    var refused = 0
    for message in file.objectValue?["messages"]?.arrayValue ?? [] {
      for path in paths(message) {
        for value in Self.hostile {
          do {
            let result = try mapper.map(
              replacing(message, at: path[...], with: value), channel: channel, conversation: conversation)
            #expect(result.mapped.message.id.text.utf8.count <= Identifier.maximumBytes)
            mapped += 1
          } catch {
            #expect(!error.description.isEmpty)
            refused += 1
          }
        }
      }
    }
    #expect(mapped > 1000 && refused > 1000, "\(mapped) mapped, \(refused) refused")
  }
}
