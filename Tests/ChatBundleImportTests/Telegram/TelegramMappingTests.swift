import ChatBundle
import ChatBundleImport
import Testing

/// Pins each Telegram message type, media type and service action to the model value it
/// maps to (spec/sources/telegram.md). The fixtures follow the shapes Telegram Desktop's
/// JSON writer produces but are our own.
@Suite struct TelegramMappingTests {
  /// 2025-03-10T08:30:00Z.
  static let seconds = "1741595400"
  static let time: Int64 = 1_741_595_400_000

  static func chat(_ type: String = "private_supergroup", id: String = "1444", owner: Identifier? = nil) throws
    -> TelegramChat
  {
    let header = try JSONParser.parse(#"{"name":"Club","type":""# + type + #"","id":"# + id + "}")
    return try TelegramChat(header: header.objectValue ?? JSONObject(), number: 2, owner: owner)
  }

  /// A message record from Bob with `members` after the envelope.
  static func message(_ members: String, id: Int = 7, type: String = "message") -> String {
    #"{"id":\#(id),"type":""# + type + #"","date":"2025-03-10T09:30:00","date_unixtime":""# + seconds
      + #"","from":"Bob","from_id":"user222""# + (members.isEmpty ? "" : "," + members) + "}"
  }

  static func service(_ action: String, _ members: String = "", id: Int = 7) -> String {
    #"{"id":\#(id),"type":"service","date_unixtime":""# + seconds
      + #"","actor":"Anna","actor_id":"user111","action":""# + action + #"""#
      + (members.isEmpty ? "" : "," + members) + #","text":"","text_entities":[]}"#
  }

  func map(_ json: String, chat: TelegramChat? = nil, before: [String] = []) throws -> TelegramRecordMapper.Output {
    var mapper = TelegramRecordMapper(chat: try chat ?? Self.chat(), zoneIdentifier: "Europe/Berlin")
    for earlier in before { _ = try mapper.map(JSONParser.parse(earlier, options: .lenient)) }
    return try mapper.map(JSONParser.parse(json, options: .lenient))
  }

  func body(_ json: String, chat: TelegramChat? = nil) throws -> MessageBody {
    try map(json, chat: chat).mapped.message.body
  }

  // MARK: The envelope

  @Test func envelope() throws {
    let json = Self.message(#""text":"hello""#)
    let output = try map(json)
    var expected = Message(
      id: "1444:7", conversation: "telegram:1444", timestamp: Self.time, sender: "user222", body: .text("hello"),
      source: SourceRecord(platform: "telegram", raw: try JSONParser.parse(json)))
    expected.senderIsBot = false
    #expect(output.mapped.message == expected)
    #expect(output.mapped.conversation == ConversationInfo(id: "telegram:1444", kind: .group, sourceID: "1444"))
    #expect(output.names.map(\.id) == ["user222"] && output.names.map(\.name) == ["Bob"])
  }

  @Test func theLocalDateIsReadInTheSourceZoneWhenTheEpochIsAbsent() throws {
    let json = #"{"id":1,"type":"message","date":"2025-03-10T09:30:00","from_id":"user222","text":"x"}"#
    // Berlin is UTC+1 on 10 March: 09:30 there is 08:30Z.
    #expect(try map(json).mapped.message.timestamp == Self.time)
    let summer = #"{"id":1,"type":"message","date":"2025-07-10T09:30:00","from_id":"user222","text":"x"}"#
    #expect(try map(summer).mapped.message.timestamp == 1_752_132_600_000, "UTC+2 in July")
  }

  @Test func theEpochWinsOverTheLocalDate() throws {
    // chat-analytics' hand-made sample: the two disagree by two hours.
    let json = #"{"id":1,"type":"message","date":"2023-01-01T10:00:00","date_unixtime":"1672574400","text":"x"}"#
    #expect(try map(json).mapped.message.timestamp == 1_672_574_400_000)
  }

  @Test func badTimesAreRefusedNamingTheField() throws {
    for (json, field) in [
      (#"{"id":1,"type":"message","text":"x"}"#, "date_unixtime"),
      (#"{"id":1,"type":"message","date_unixtime":"99999999999999999999","text":"x"}"#, "date_unixtime"),
      (#"{"id":1,"type":"message","date_unixtime":"9223372036854775807","text":"x"}"#, "date_unixtime"),
      (#"{"id":1,"type":"message","date_unixtime":"-5","text":"x"}"#, "date_unixtime"),
      (#"{"id":1,"type":"message","date":"yesterday","text":"x"}"#, "date"),
      (#"{"id":1,"type":"message","date":17,"text":"x"}"#, "date"),
    ] {
      #expect(throws: RecordError.self, "\(json)") { try map(json) }
      do { _ = try map(json) } catch let error as RecordError { #expect(error.field == field, "\(json)") }
    }
  }

  @Test func hostileEnvelopesAreRefusedNotTrapped() throws {
    for json in [
      #"[1,2]"#, #"{"type":"message","date_unixtime":"1"}"#, #"{"id":"x","type":"message","date_unixtime":"1"}"#,
      #"{"id":1.5,"type":"message","date_unixtime":"1"}"#,
      #"{"id":1,"type":"message","date_unixtime":"1","from_id":42}"#,
      #"{"id":1,"type":"message","date_unixtime":"1","reply_to_message_id":{"a":1}}"#,
      #"{"id":1,"type":"message","date_unixtime":"1","reactions":"many"}"#,
      #"{"id":1,"type":"message","date_unixtime":"1","reactions":[{"type":"emoji","count":1}]}"#,
      #"{"id":1,"type":"message","date_unixtime":"1","edited_unixtime":"soon"}"#,
    ] {
      #expect(throws: RecordError.self, "\(json)") { try map(json) }
    }
    // Numbers beyond any real count are left out of the model, not trapped on.
    let huge = try map(
      Self.message(
        #""photo":"photos/a.jpg","width":1e400,"height":-3,"photo_file_size":99999999999999999999999,"text":"""#))
    guard case .media(let content) = huge.mapped.message.body else {
      Issue.record("not media")
      return
    }
    #expect(content.reference?.width == nil && content.reference?.height == nil)
  }

  @Test func anUnsupportedRecordTakesTheTimeOfTheMessageBeforeIt() throws {
    let output = try map(#"{"id":8,"type":"unsupported"}"#, before: [Self.message(#""text":"x""#)])
    #expect(output.mapped.message.body == .unknown(UnknownContent(sourceType: "unsupported")))
    #expect(output.mapped.message.timestamp == Self.time && output.mapped.message.sender == nil)
  }

  // MARK: Conversations

  @Test func chatTypesMapToConversationKinds() throws {
    let owner: Identifier = "user111"
    for (type, kind) in [
      ("personal_chat", ConversationEntry.Kind.direct), ("bot_chat", .direct), ("saved_messages", .direct),
      ("private_group", .group), ("private_supergroup", .group), ("public_supergroup", .group), ("replies", .group),
      ("private_channel", .chatroom), ("public_channel", .chatroom), ("some_future_type", .group),
    ] {
      let chat = try Self.chat(type, id: "222", owner: owner)
      #expect(chat.conversation.kind == kind, "\(type)")
      #expect(chat.conversation.id == "telegram:222" && chat.conversation.sourceID == "222")
      if kind == .direct { #expect(chat.conversation.participants == ["user111", "user222"], "\(type)") }
    }
    // A single-chat export does not say who exported it: only the peer is known.
    #expect(try Self.chat("personal_chat", id: "222").conversation.participants == ["user222"])
  }

  @Test func aChatWithoutIdOrTypeIsRefused() throws {
    for header in [#"{"name":"x","type":"personal_chat"}"#, #"{"id":[1],"type":"personal_chat"}"#, #"{"id":5}"#] {
      let object = try JSONParser.parse(header).objectValue ?? JSONObject()
      #expect(throws: RecordError.self) { try TelegramChat(header: object, number: 1, owner: nil) }
    }
  }

  // MARK: Text

  @Test func textArraysFlattenToWhatAPersonReads() throws {
    let json = Self.message(
      #""text":["See ",{"type":"text_link","text":"the page","href":"https://example.org/x"},", ",{"type":"mention_name","text":"Dave","user_id":444},"! ",{"type":"bold","text":"now"}," ",{"type":"link","text":"https://a.example"}],"#
        + #""text_entities":[{"type":"plain","text":"See "},{"type":"text_link","text":"the page","href":"https://example.org/x"},{"type":"plain","text":", "},{"type":"mention_name","text":"Dave","user_id":444},{"type":"plain","text":"! "},{"type":"bold","text":"now"},{"type":"plain","text":" "},{"type":"link","text":"https://a.example"}]"#
    )
    let message = try map(json).mapped.message
    #expect(message.body == .text("See the page (https://example.org/x), Dave! now https://a.example"))
    #expect(message.mentions == ["user444"])
  }

  @Test func textWithoutEntitiesIsReadFromTheTextArray() throws {
    let json = Self.message(
      #""text":["a ",{"type":"code","text":"b()"},{"type":"custom_emoji","text":"🙂","document_id":"x"}]"#)
    #expect(try body(json) == .text("a b()🙂"))
  }

  // MARK: Media

  @Test func photo() throws {
    let output = try map(
      Self.message(#""photo":"photos/p@1.jpg","photo_file_size":107,"width":4,"height":3,"text":"the flyer""#))
    let reference = MediaReference(name: "p@1.jpg", width: 4, height: 3, sourceReference: "photos/p@1.jpg")
    #expect(output.mapped.message.body == .media(MediaContent(.image, reference: reference, caption: "the flyer")))
    #expect(output.mapped.attachments == [.media: TelegramMedia.Source(path: "photos/p@1.jpg", declaredSize: 107)])
  }

  @Test func eachMediaTypeOfAFile() throws {
    for (mediaType, kind) in [
      ("sticker", MediaContent.Kind.image), ("voice_message", .audio), ("audio_file", .audio),
      ("video_message", .video), ("video_file", .video), ("animation", .video), (nil, .file),
    ] {
      let typeMember = mediaType.map { #""media_type":"\#($0)","# } ?? ""
      let json = Self.message(
        #""file":"files/f.bin","file_name":"f.bin","file_size":10,"# + typeMember
          + #""mime_type":"x/y","duration_seconds":3,"width":2,"height":5,"thumbnail":"files/f.bin_thumb.jpg","text":"""#
      )
      let output = try map(json)
      let reference = MediaReference(
        name: "f.bin", mediaType: "x/y", width: 2, height: 5, durationMilliseconds: 3000, sourceReference: "files/f.bin"
      )
      let thumbnail = MediaReference(name: "f.bin_thumb.jpg", sourceReference: "files/f.bin_thumb.jpg")
      #expect(
        output.mapped.message.body == .media(MediaContent(kind, reference: reference, thumbnail: thumbnail)),
        "\(mediaType ?? "none")")
      #expect(output.mapped.attachments[.media] == TelegramMedia.Source(path: "files/f.bin", declaredSize: 10))
      #expect(output.mapped.attachments[.thumbnail] == TelegramMedia.Source(path: "files/f.bin_thumb.jpg"))
    }
  }

  @Test func aStickerShowsItsEmojiAsTheCaption() throws {
    let json = Self.message(#""file":"stickers/s.webp","media_type":"sticker","sticker_emoji":"😂","text":"""#)
    guard case .media(let content) = try body(json) else {
      Issue.record("not media")
      return
    }
    #expect(content.kind == .image && content.caption == "😂")
  }

  @Test func aFileTheExportLeftOutHasNoPathButKeepsItsName() throws {
    let json = Self.message(
      #""file":"(File not included. Change data exporting settings to download.)","file_name":"big.zip","text":"""#)
    let output = try map(json)
    #expect(output.mapped.message.body == .media(MediaContent(.file, reference: MediaReference(name: "big.zip"))))
    #expect(
      TelegramMedia.placeholderReason("(File not included. Change data exporting settings to download.)")
        == "not_exported")
    #expect(
      TelegramMedia.placeholderReason("(File exceeds maximum size. Change data exporting settings to download.)")
        == "not_exported")
    #expect(TelegramMedia.placeholderReason("(File unavailable, please try again later)") == "unavailable")
    #expect(TelegramMedia.placeholderReason("files/a.txt") == nil)
  }

  @Test func unsafePathsAreNeverLookedUp() {
    for path in ["../x", "a/../b", "/etc/passwd", "a//b", "./a", "a\\b", "a/\u{1}b", ""] {
      #expect(!TelegramMedia.isSafeRelativePath(path), "\(path)")
    }
    for path in ["photos/photo_1@10-03-2025_09-31-00.jpg", "files/Отчёт 2025.pdf", "a..b/c"] {
      #expect(TelegramMedia.isSafeRelativePath(path), "\(path)")
    }
  }

  // MARK: Structured media

  @Test func locationAndVenue() throws {
    let plain = Self.message(#""location_information":{"latitude":52.520008,"longitude":13.404954},"text":"""#)
    #expect(try body(plain) == .location(Location(latitude: "52.520008", longitude: "13.404954")))
    let venue = Self.message(
      #""location_information":{"latitude":1.5,"longitude":-2},"place_name":"Café","address":"Main St 1","text":"here""#
    )
    let message = try map(venue).mapped.message
    #expect(message.body == .location(Location(address: "Main St 1", name: "Café", latitude: "1.5", longitude: "-2")))
    #expect(message.parts == [MessagePart(.text("here"))])
    let live = Self.message(
      #""location_information":{"latitude":1,"longitude":2},"live_location_period_seconds":900,"text":"""#)
    #expect(try body(live) == .location(Location(latitude: "1", longitude: "2")))
  }

  @Test func contactWithItsVCard() throws {
    let json = Self.message(
      #""contact_information":{"first_name":"Carol","last_name":"","phone_number":"+49 30 1"},"contact_vcard":"contacts/contact_1.vcf","text":"""#
    )
    let output = try map(json)
    let event = CustomEvent(
      event: "contact", fields: [KeyValue("first_name", "Carol"), KeyValue("phone_number", "+49 30 1")],
      attachment: MediaReference(name: "contact_1.vcf", sourceReference: "contacts/contact_1.vcf"))
    #expect(output.mapped.message.body == .custom(event))
    #expect(output.mapped.attachments == [.media: TelegramMedia.Source(path: "contacts/contact_1.vcf")])
  }

  @Test func poll() throws {
    let json = Self.message(
      #""poll":{"question":"Friday?","closed":false,"total_voters":3,"answers":[{"text":"Yes","voters":2,"chosen":true},{"text":"No","voters":1,"chosen":false}]},"text":"""#
    )
    #expect(
      try body(json)
        == .custom(
          CustomEvent(
            event: "poll",
            fields: [
              KeyValue("question", "Friday?"), KeyValue("closed", "false"), KeyValue("total_voters", "3"),
              KeyValue("answer 1", "Yes — 2 votes, chosen"), KeyValue("answer 2", "No — 1 vote"),
            ])))
  }

  @Test func gameInvoiceGiveawayAndDice() throws {
    let game = Self.message(
      #""game_title":"Tetris","game_description":"Blocks","game_link":"https://t.me/g","text":"""#)
    #expect(
      try body(game)
        == .custom(
          CustomEvent(
            event: "game",
            fields: [
              KeyValue("title", "Tetris"), KeyValue("description", "Blocks"), KeyValue("link", "https://t.me/g"),
            ])))
    let invoice = Self.message(#""invoice_information":{"title":"Ticket","amount":500,"currency":"EUR"},"text":"""#)
    #expect(
      try body(invoice)
        == .custom(
          CustomEvent(
            event: "invoice",
            fields: [KeyValue("title", "Ticket"), KeyValue("amount", "500"), KeyValue("currency", "EUR")])))
    let dice = Self.message(#""dice":{"emoji":"🎲","value":4},"text":"""#)
    #expect(
      try body(dice) == .custom(CustomEvent(event: "dice", fields: [KeyValue("emoji", "🎲"), KeyValue("value", "4")])))
    let giveaway = Self.message(#""giveaway_information":{"quantity":3},"text":"""#)
    #expect(try body(giveaway) == .custom(CustomEvent(event: "giveaway", fields: [KeyValue("quantity", "3")])))
  }

  // MARK: Replies, threads, forwards, edits, reactions, bots

  @Test func replyInTheSameChatAndAcrossChats() throws {
    let same = try map(Self.message(#""reply_to_message_id":3,"text":"x""#)).mapped.message
    #expect(same.replyTo == ReplyReference(id: "1444:3") && same.thread == nil)
    let across = try map(Self.message(#""reply_to_message_id":3,"reply_to_peer_id":"channel99","text":"x""#))
    #expect(across.mapped.message.replyTo == ReplyReference(id: "99:3"))
  }

  @Test func aReplyToATopicsOpeningIsAMessageOfItsThread() throws {
    let topic = Self.service("topic_created", #""title":"March book""#, id: 5)
    let output = try map(Self.message(#""reply_to_message_id":5,"text":"x""#, id: 6), before: [topic])
    #expect(output.mapped.message.thread == ThreadReference(root: "1444:5"))
    #expect(output.mapped.message.replyTo == nil)
    // Without the topic's opening in the chat so far, it is an ordinary reply.
    let plain = try map(Self.message(#""reply_to_message_id":5,"text":"x""#, id: 6)).mapped.message
    #expect(plain.thread == nil && plain.replyTo == ReplyReference(id: "1444:5"))
    // An explicit top message names the thread and keeps the reply.
    let top = try map(Self.message(#""reply_to_message_id":6,"reply_to_top_message_id":5,"text":"x""#, id: 8))
    #expect(top.mapped.message.thread == ThreadReference(root: "1444:5"))
    #expect(top.mapped.message.replyTo == ReplyReference(id: "1444:6"))
  }

  @Test func forwardedFrom() throws {
    let named = try map(Self.message(#""forwarded_from":"Tech News","text":"x""#)).mapped.message
    #expect(named.forwardedFrom == ForwardOrigin(name: "Tech News"))
    let hidden = try map(Self.message(#""forwarded_from":null,"text":"x""#)).mapped.message
    #expect(hidden.forwardedFrom == ForwardOrigin())
    let withID = try map(Self.message(#""forwarded_from":"Bo","forwarded_from_id":"user9","text":"x""#))
    #expect(withID.mapped.message.forwardedFrom == ForwardOrigin(name: "Bo", id: "user9"))
    #expect(withID.names.contains { $0.id == "user9" && $0.name == "Bo" })
  }

  @Test func editedTime() throws {
    let epoch = try map(Self.message(#""edited":"2025-03-10T09:33:00","edited_unixtime":"1741595580","text":"x""#))
    #expect(epoch.mapped.message.edited == MessageEdit(timestamp: 1_741_595_580_000))
    let local = try map(Self.message(#""edited":"2025-03-10T09:33:00","text":"x""#))
    #expect(local.mapped.message.edited == MessageEdit(timestamp: 1_741_595_580_000))
    #expect(try map(Self.message(#""text":"x""#)).mapped.message.edited == nil)
  }

  @Test func reactions() throws {
    let json = Self.message(
      #""text":"x","reactions":[{"type":"emoji","count":3,"emoji":"👍","recent":[{"from":"Carol","from_id":"user333","date":"2025-03-10T09:40:00"},{"from":"Dave","from_id":"user444","date":"2025-03-10T09:41:00"}]},{"type":"custom_emoji","count":1,"document_id":"5368324170671202286"},{"type":"paid","count":10}]"#
    )
    let output = try map(json)
    #expect(
      output.mapped.message.reactions == [
        Reaction(emoji: "👍", count: 3, users: ["user333", "user444"]),
        Reaction(emoji: "5368324170671202286", name: "custom_emoji", count: 1),
        Reaction(emoji: "⭐", name: "paid", count: 10),
      ])
    #expect(output.names.contains { $0.id == "user444" && $0.name == "Dave" })
  }

  @Test func botsAreTheBotChatsPeerOrAnInlineBot() throws {
    let botChat = try Self.chat("bot_chat", id: "555")
    let fromBot = #"{"id":2,"type":"message","date_unixtime":"1","from":"Weather","from_id":"user555","text":"7 °C"}"#
    #expect(try map(fromBot, chat: botChat).mapped.message.senderIsBot)
    let toBot = #"{"id":1,"type":"message","date_unixtime":"1","from":"Anna","from_id":"user111","text":"/start"}"#
    #expect(try !map(toBot, chat: botChat).mapped.message.senderIsBot)
    #expect(try map(Self.message(#""via_bot":"@gif","text":"""#)).mapped.message.senderIsBot)
    #expect(try !map(Self.message(#""text":"x""#)).mapped.message.senderIsBot)
  }

  // MARK: Service messages

  @Test func membershipActions() throws {
    let bob = Self.message(#""text":"hi""#, id: 2)
    func mapped(_ json: String) throws -> Message { try map(json, before: [bob]).mapped.message }
    let created = try mapped(Self.service("create_group", #""title":"Club","members":["Bob","Carol"]"#))
    #expect(created.body == .membership(MembershipChange(.joined, members: ["user111", "user222"])))
    #expect(created.parts == [MessagePart(.notice("Anna created the group “Club” with Bob and Carol"))])
    #expect(created.sender == "user111")
    let invited = try mapped(Self.service("invite_members", #""members":["Bob",null]"#))
    #expect(invited.body == .membership(MembershipChange(.joined, members: ["user222"])))
    #expect(invited.parts == [MessagePart(.notice("Anna added Bob and a deleted account"))])
    let link = try mapped(Self.service("join_group_by_link", #""inviter":"Bob""#))
    #expect(link.body == .membership(MembershipChange(.joined, members: ["user111"])))
    #expect(link.parts == [MessagePart(.notice("Anna joined the group via an invite link from Bob"))])
    let request = try mapped(Self.service("join_group_by_request"))
    #expect(request.body == .membership(MembershipChange(.joined, members: ["user111"])))
    let removed = try mapped(Self.service("remove_members", #""members":["Bob"]"#))
    #expect(removed.body == .membership(MembershipChange(.left, members: ["user222"])))
    #expect(removed.parts == [MessagePart(.notice("Anna removed Bob"))])
    let leftSelf = try mapped(Self.service("remove_members", #""members":["Anna"]"#))
    #expect(leftSelf.body == .membership(MembershipChange(.left, members: ["user111"])))
    #expect(leftSelf.parts == [MessagePart(.notice("Anna left the group"))])
  }

  @Test func aNameTwoIdsUsedResolvesToNeither() throws {
    let first = #"{"id":1,"type":"message","date_unixtime":"1","from":"Sam","from_id":"user1","text":"a"}"#
    let second = #"{"id":2,"type":"message","date_unixtime":"1","from":"Sam","from_id":"user2","text":"b"}"#
    let output = try map(Self.service("invite_members", #""members":["Sam"]"#), before: [first, second])
    #expect(output.mapped.message.body == .membership(MembershipChange(.joined, members: [])))
  }

  @Test func pinNamesItsTarget() throws {
    let message = try map(Self.service("pin_message", #""message_id":6"#)).mapped.message
    #expect(message.body == .notice("Anna pinned a message") && message.pinTarget == "1444:6")
  }

  @Test func noticesSayWhatHappened() throws {
    for (action, members, text) in [
      ("phone_call", #""duration_seconds":125,"discard_reason":"hangup""#, "Call from Anna, 2 min 5 s"),
      ("phone_call", #""discard_reason":"missed""#, "Missed call from Anna"),
      ("phone_call", #""discard_reason":"busy""#, "Call from Anna, declined (busy)"),
      ("phone_call", #""duration_seconds":56,"discard_reason":"disconnect""#, "Call from Anna, 56 s (disconnect)"),
      ("group_call", #""duration":3700"#, "Anna started a group call, 1 h 1 min"),
      ("invite_to_group_call", #""members":["Bob"]"#, "Anna invited Bob to the group call"),
      ("edit_group_title", #""title":"New""#, "Anna changed the group name to “New”"),
      ("delete_group_photo", "", "Anna removed the group photo"),
      ("create_channel", #""title":"News""#, "Anna created the channel “News”"),
      ("migrate_to_supergroup", "", "Anna upgraded the group to a supergroup"),
      ("migrate_from_group", #""title":"Old""#, "The supergroup was created from the group “Old”"),
      ("clear_history", "", "Anna cleared the history"),
      ("score_in_game", #""game_message_id":3,"score":42"#, "Anna scored 42 in a game"),
      ("set_messages_ttl", #""period":86400"#, "Anna set messages to auto-delete after 24 h"),
      ("set_messages_ttl", #""period":0"#, "Anna turned off auto-delete"),
      ("topic_created", #""title":"T""#, "Anna created the topic “T”"),
      ("topic_edit", #""new_title":"U""#, "Anna changed the topic to “U”"),
      ("joined_telegram", "", "Anna joined Telegram"),
      ("take_screenshot", "", "Anna took a screenshot"),
      ("payment_sent", #""amount":500,"currency":"EUR""#, "Anna sent a payment of 500 EUR"),
      ("boost_apply", #""boosts":2"#, "Anna boosted the group 2 times"),
    ] {
      #expect(try body(Self.service(action, members)) == .notice(text), "\(action)")
    }
  }

  @Test func aGroupPhotoChangeCarriesThePhotoAsAPart() throws {
    let output = try map(Self.service("edit_group_photo", #""photo":"photos/p.jpg","width":4,"height":3"#))
    #expect(output.mapped.message.body == .notice("Anna changed the group photo"))
    let reference = MediaReference(name: "p.jpg", width: 4, height: 3, sourceReference: "photos/p.jpg")
    #expect(output.mapped.message.parts == [MessagePart(.media(MediaContent(.image, reference: reference)))])
    #expect(output.mapped.attachments == [MediaPath([.part(0)]): TelegramMedia.Source(path: "photos/p.jpg")])
  }

  @Test func unknownAndCustomActions() throws {
    #expect(
      try body(Self.service("gift_code", #""boosts":1"#))
        == .unknown(UnknownContent(sourceType: "service:gift_code", text: "Anna: gift_code")))
    let custom = #"{"id":7,"type":"service","date_unixtime":"1","information_text":"Bot joined the chat"}"#
    #expect(try body(custom) == .notice("Bot joined the chat"))
    let bare = #"{"id":7,"type":"service","date_unixtime":"1"}"#
    #expect(try body(bare) == .unknown(UnknownContent(sourceType: "service")))
  }

  @Test func anUnknownMessageTypeIsKeptAsUnknown() throws {
    let json = #"{"id":7,"type":"story","date_unixtime":"1","text":"seen"}"#
    #expect(try body(json) == .unknown(UnknownContent(sourceType: "story", text: "seen")))
  }
}
