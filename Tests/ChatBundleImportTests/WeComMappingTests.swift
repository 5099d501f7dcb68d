import ChatBundle
import ChatBundleImport
import Testing

/// One test per WeCom msgtype, each pinning the whole message the record maps to. The
/// fixtures follow the shapes of the official samples (spec Appendix C) but are our own.
@Suite struct WeComMappingTests {
  static let time: Int64 = 1_603_875_608_214
  let mapper = WeComRecordMapper()

  /// A one-to-one record from alice to bob with `payload` under `key` (the msgtype unless
  /// WeCom names it otherwise).
  static func record(_ msgtype: String, _ payload: String, key: String? = nil, extra: String = "") -> String {
    #"{"msgid":"m1","action":"send","from":"alice","tolist":["bob"],"roomid":"","msgtime":1603875608214,"msgtype":""#
      + msgtype + #"",""# + (key ?? msgtype) + #"":"# + payload + extra + "}"
  }

  func map(_ json: String) throws -> WeComRecordMapper.Mapped {
    try mapper.map(JSONParser.parse(json, options: .lenient))
  }

  /// The envelope every fixture shares, with kind and content still to set.
  func expected(_ json: String, kind: MessageKind) throws -> Message {
    Message(
      id: "m1", conversation: "chat:alice:bob", timestamp: Self.time, sender: "alice",
      body: ContentMembers().body(as: kind, level: .message).body,
      source: SourceRecord(platform: "wecom", raw: try JSONParser.parse(json, options: .lenient)))
  }

  func custom(_ json: String, _ event: String, _ fields: [(String, String)]) throws -> Message {
    var message = try expected(json, kind: .custom)
    message.contentMembers.custom = CustomEvent(event: event, fields: fields.map { KeyValue($0.0, $0.1) })
    return message
  }

  @Test func text() throws {
    let json = Self.record("text", #"{"content":"你好[微笑]\n------\n@nick"}"#)
    var message = try expected(json, kind: .text)
    message.contentMembers.text = "你好[微笑]\n------\n@nick"
    let mapped = try map(json)
    #expect(mapped.message == message)
    #expect(
      mapped.conversation == ConversationInfo(id: "chat:alice:bob", kind: .direct, participants: ["alice", "bob"]))
    #expect(mapped.attachments.isEmpty)
  }

  @Test func markdownReadsItsInfoPayload() throws {
    let json = Self.record("markdown", #"{"content":"**请**查看"}"#, key: "info")
    var message = try expected(json, kind: .text)
    message.contentMembers.text = "**请**查看"
    #expect(try map(json).message == message)
  }

  @Test func image() throws {
    let json = Self.record(
      "image", #"{"md5sum":"50de8e5ae8ffe4f1df7a93841f71993a","filesize":70961,"sdkfileid":"Ct/Y+B=="}"#)
    var message = try expected(json, kind: .image)
    message.contentMembers.media = MediaReference(size: 70961, sourceReference: "Ct/Y+B==")
    let mapped = try map(json)
    #expect(mapped.message == message)
    #expect(
      mapped.attachments == [
        .media: .init(md5sum: "50de8e5ae8ffe4f1df7a93841f71993a", sdkFileID: "Ct/Y+B==", declaredSize: 70961)
      ])
  }

  @Test func emotionIsAnImage() throws {
    let json = Self.record(
      "emotion", #"{"type":1,"width":290,"height":291,"imagesize":962604,"md5sum":"94c2","sdkfileid":"4eE1"}"#)
    var message = try expected(json, kind: .image)
    message.contentMembers.media = MediaReference(size: 962604, width: 290, height: 291, sourceReference: "4eE1")
    #expect(try map(json).message == message)
  }

  @Test func voice() throws {
    let json = Self.record(
      "voice", #"{"md5sum":"9db0","voice_size":6810,"play_length":10,"sdkfileid":"kcyZ"}"#)
    var message = try expected(json, kind: .audio)
    message.contentMembers.media = MediaReference(size: 6810, durationMilliseconds: 10_000, sourceReference: "kcyZ")
    #expect(try map(json).message == message)
  }

  @Test func video() throws {
    let json = Self.record(
      "video", #"{"md5sum":"d06f","filesize":15169724,"play_length":108,"sdkfileid":"MzAz"}"#)
    var message = try expected(json, kind: .video)
    message.contentMembers.media = MediaReference(
      size: 15_169_724, durationMilliseconds: 108_000, sourceReference: "MzAz")
    #expect(try map(json).message == message)
  }

  @Test func file() throws {
    let json = Self.record(
      "file", #"{"md5sum":"18e9","filename":"资料.docx","fileext":"docx","filesize":18181,"sdkfileid":"E4OD"}"#)
    var message = try expected(json, kind: .file)
    message.contentMembers.media = MediaReference(size: 18181, name: "资料.docx", sourceReference: "E4OD")
    #expect(try map(json).message == message)
  }

  @Test func voipDocShareIsAFile() throws {
    let json = Self.record(
      "voip_doc_share", #"{"filename":"欢迎.pdf","md5sum":"ff89","filesize":4400654,"sdkfileid":"CpsB"}"#,
      extra: #","voipid":"gr27""#)
    var message = try expected(json, kind: .file)
    message.contentMembers.media = MediaReference(size: 4_400_654, name: "欢迎.pdf", sourceReference: "CpsB")
    #expect(try map(json).message == message)
  }

  @Test func location() throws {
    let json = Self.record(
      "location", #"{"longitude":116.586285899,"latitude":39.911125799,"address":"北京市","title":"管理中心","zoom":15}"#)
    var message = try expected(json, kind: .location)
    message.contentMembers.location = Location(
      address: "北京市", name: "管理中心", latitude: "39.911125799", longitude: "116.586285899")
    #expect(try map(json).message == message)
  }

  @Test func revokeIsARecallOfPreMsgid() throws {
    let json = Self.record("revoke", #"{"pre_msgid":"14822339130656386894_1603875600"}"#)
      .replacingOccurrences(of: #""action":"send""#, with: #""action":"recall""#)
    var message = try expected(json, kind: .recall)
    message.contentMembers.recallTarget = "14822339130656386894_1603875600"
    #expect(try map(json).message == message)
    #expect(throws: RecordError.self) { try map(Self.record("revoke", "{}")) }
  }

  @Test func agreeAndDisagreeAreConsentEvents() throws {
    let agree = Self.record("agree", #"{"userid":"wmGAgeDQAAvQeaTqWwkMTxGMkvI7OOuQ","agree_time":1603875826656}"#)
    #expect(
      try map(agree).message
        == custom(
          agree, "agree", [("userid", "wmGAgeDQAAvQeaTqWwkMTxGMkvI7OOuQ"), ("agree_time", "2020-10-28T09:03:46.656Z")]))
    #expect(try map(agree).conversation.externalMembers == ["wmGAgeDQAAvQeaTqWwkMTxGMkvI7OOuQ"])
    let disagree = Self.record("disagree", #"{"userid":"u","disagree_time":1603875944122}"#)
    #expect(
      try map(disagree).message
        == custom(disagree, "disagree", [("userid", "u"), ("disagree_time", "2020-10-28T09:05:44.122Z")]))
  }

  @Test func card() throws {
    let json = Self.record("card", #"{"corpname":"微信联系人","userid":"wmGAgeDQAAGjFmfnP7A3j2JxQDdLNhSw"}"#)
    #expect(
      try map(json).message
        == custom(json, "card", [("corpname", "微信联系人"), ("userid", "wmGAgeDQAAGjFmfnP7A3j2JxQDdLNhSw")]))
    // The card shows a contact; it does not make them a member of the chat.
    #expect(try map(json).conversation.externalMembers == nil)
  }

  @Test func link() throws {
    let json = Self.record(
      "link", #"{"title":"邀请","description":"技术支持群","link_url":"https://w/j?v=x","image_url":"https://w/p"}"#)
    #expect(
      try map(json).message
        == custom(
          json, "link",
          [("title", "邀请"), ("description", "技术支持群"), ("link_url", "https://w/j?v=x"), ("image_url", "https://w/p")]))
  }

  @Test func weapp() throws {
    let json = Self.record(
      "weapp", #"{"title":"须知","description":"同意存档","username":"xxx@app","displayname":"服务须知"}"#)
    #expect(
      try map(json).message
        == custom(
          json, "weapp",
          [("title", "须知"), ("description", "同意存档"), ("username", "xxx@app"), ("displayname", "服务须知")]))
  }

  @Test func newsReadsInfoItems() throws {
    let one = Self.record(
      "news", #"{"item":[{"title":"service ","description":"test","url":"http://x","picurl":"https://p"}]}"#,
      key: "info")
    #expect(
      try map(one).message
        == custom(
          one, "news", [("title", "service "), ("description", "test"), ("url", "http://x"), ("picurl", "https://p")]))
    let two = Self.record("news", #"{"item":[{"title":"a"},{"title":"b"}]}"#, key: "info")
    #expect(try map(two).message == custom(two, "news", [("1.title", "a"), ("2.title", "b")]))
  }

  @Test func calendarTimesAreSeconds() throws {
    let json = Self.record(
      "calendar",
      #"{"title":"复盘会","creatorname":"test","attendeename":["aaa","bbb"],"starttime":1603882800,"endtime":1603886400,"place":"","remarks":""}"#
    )
    #expect(
      try map(json).message
        == custom(
          json, "calendar",
          [
            ("title", "复盘会"), ("creatorname", "test"), ("attendeename", "aaa, bbb"),
            ("starttime", "2020-10-28T11:00:00Z"), ("endtime", "2020-10-28T12:00:00Z"), ("place", ""), ("remarks", ""),
          ]))
  }

  @Test func todo() throws {
    let json = Self.record("todo", #"{"title":"周报","content":"周五前提交"}"#)
    #expect(try map(json).message == custom(json, "todo", [("title", "周报"), ("content", "周五前提交")]))
  }

  @Test func voteFieldsSitAtTheTopLevel() throws {
    let json = Self.record(
      "vote", "null",
      extra: #","votetitle":"午饭","voteitem":["面","饭"],"votetype":101,"voteid":"2488""#)
    #expect(
      try map(json).message
        == custom(json, "vote", [("votetitle", "午饭"), ("voteitem", "面, 饭"), ("votetype", "101"), ("voteid", "2488")]))
  }

  @Test func collectKeepsUInt64DetailIDsExactly() throws {
    let json = Self.record(
      "collect",
      #"{"room_name":"群","creator":"nick","create_time":"2019-12-11 11:21:22","title":"表","details":[{"id":11101571002822706744,"ques":"文本","type":"Text"}]}"#
    )
    #expect(
      try map(json).message
        == custom(
          json, "collect",
          [
            ("room_name", "群"), ("creator", "nick"), ("create_time", "2019-12-11 11:21:22"), ("title", "表"),
            ("details", #"[{"id":11101571002822706744,"ques":"文本","type":"Text"}]"#),
          ]))
  }

  @Test func redpacketAmountsAreFen() throws {
    let json = Self.record("redpacket", #"{"type":1,"wish":"恭喜发财","totalcnt":1,"totalamount":3005}"#)
    #expect(
      try map(json).message
        == custom(
          json, "redpacket", [("type", "1"), ("wish", "恭喜发财"), ("totalcnt", "1"), ("totalamount", "30.05 CNY")]))
  }

  @Test func externalRedpacketReadsTheRedpacketKey() throws {
    let json = Self.record(
      "external_redpacket", #"{"type":1,"wish":"大吉","totalcnt":2,"totalamount":20}"#, key: "redpacket")
    #expect(
      try map(json).message
        == custom(
          json, "external_redpacket", [("type", "1"), ("wish", "大吉"), ("totalcnt", "2"), ("totalamount", "0.20 CNY")]))
  }

  @Test func meetingKeepsAUInt64MeetingID() throws {
    let json = Self.record(
      "meeting",
      #"{"topic":"夕会","starttime":1603877400,"endtime":1603881000,"address":"","remarks":"","meetingtype":102,"meetingid":11101571002822706744,"status":1}"#
    )
    #expect(
      try map(json).message
        == custom(
          json, "meeting",
          [
            ("topic", "夕会"), ("starttime", "2020-10-28T09:30:00Z"), ("endtime", "2020-10-28T10:30:00Z"),
            ("address", ""),
            ("remarks", ""), ("meetingtype", "102"), ("meetingid", "11101571002822706744"), ("status", "1"),
          ]))
  }

  @Test func docmsgReadsTheDocKey() throws {
    let json = Self.record(
      "docmsg", #"{"title":"测试&演示","doc_creator":"test","link_url":"https://doc/x"}"#, key: "doc")
    #expect(
      try map(json).message
        == custom(json, "docmsg", [("title", "测试&演示"), ("doc_creator", "test"), ("link_url", "https://doc/x")]))
  }

  @Test func sphfeed() throws {
    let json = Self.record("sphfeed", #"{"feed_type":4,"sph_name":"旅行家","feed_desc":"缆车\n\n#旅行"}"#)
    #expect(
      try map(json).message
        == custom(json, "sphfeed", [("feed_type", "4"), ("sph_name", "旅行家"), ("feed_desc", "缆车\n\n#旅行")]))
  }

  @Test func meetingVoiceCallCarriesItsRecording() throws {
    let json = Self.record(
      "meeting_voice_call",
      #"{"endtime":1594197635,"sdkfileid":"CpsBKjAq","demofiledata":[{"filename":"a.docx","starttime":1594197599}],"sharescreendata":[]}"#,
      extra: #","voiceid":"grb8""#)
    var message = try custom(
      json, "meeting_voice_call",
      [
        ("voiceid", "grb8"), ("endtime", "2020-07-08T08:40:35Z"),
        ("demofiledata", #"[{"filename":"a.docx","starttime":1594197599}]"#), ("sharescreendata", ""),
      ])
    message.contentMembers.media = MediaReference(sourceReference: "CpsBKjAq")
    let mapped = try map(json)
    #expect(mapped.message == message)
    #expect(mapped.attachments.map(\.value.sdkFileID) == ["CpsBKjAq"])
  }

  @Test func mixedGivesParts() throws {
    let json = Self.record(
      "mixed",
      #"{"item":[{"type":"text","content":"{\"content\":\"你好[微笑]\\n\"}"},{"type":"image","content":"{\"md5sum\":\"368b\",\"filesize\":13177,\"sdkfileid\":\"CtYB\"}"},{"type":"text","content":"not json"}]}"#
    )
    var message = try expected(json, kind: .text)
    message.contentMembers.text = "你好[微笑]\n"
    let image = MessagePart(
      .media(MediaContent(.image, reference: MediaReference(size: 13177, sourceReference: "CtYB"))))
    message.parts = [image, MessagePart(.text("not json"))]
    let mapped = try map(json)
    #expect(mapped.message == message)
    #expect(Array(mapped.attachments.keys) == [MediaPath([.part(0)])])
  }

  @Test func chatrecordItemsAreParsedAndTheirSecondsBecomeMilliseconds() throws {
    let json = Self.record(
      "chatrecord",
      #"{"title":"群聊","item":[{"type":"ChatRecordText","msgtime":1603875610,"content":"{\"content\":\"test\"}","from_chatroom":false},{"type":"ChatRecordImage","msgtime":1603875620000,"content":"{\"md5sum\":\"ab\",\"sdkfileid\":\"Zz\"}"},{"type":"ChatRecordText","msgtime":1603875630,"content":"{broken"}]}"#
    )
    var message = try expected(json, kind: .merged)
    let image = MessagePart(
      .media(MediaContent(.image, reference: MediaReference(sourceReference: "Zz"))), timestamp: 1_603_875_620_000)
    message.contentMembers.merged = MergedRecord(
      title: "群聊", summary: nil, level: nil,
      items: [
        MessagePart(.text("test"), timestamp: 1_603_875_610_000), image,
        MessagePart(.text("{broken"), timestamp: 1_603_875_630_000),
      ])
    let mapped = try map(json)
    #expect(mapped.message == message)
    #expect(Array(mapped.attachments.keys) == [MediaPath([.item(1)])])
  }

  /// `ChatRecordChatRecord` items hold a whole chat record, JSON in a string each level.
  static func nestedChatRecord(depth: Int) -> String {
    var content = #"{"content":"bottom"}"#
    var type = "ChatRecordText"
    for level in 0..<depth {
      let item: JSONValue = .object(
        JSONObject([
          "type": .string(type), "msgtime": .number("1603875610"), "content": .string(content),
        ]))
      content = String(
        decoding: JSONWriter.serialize(
          .object(JSONObject(["title": .string("level \(depth - level)"), "item": .array([item])]))),
        as: UTF8.self)
      type = "ChatRecordChatRecord"
    }
    return record("chatrecord", content)
  }

  @Test func chatrecordsNestThreeDeep() throws {
    let mapped = try map(Self.nestedChatRecord(depth: 3))
    let first = try #require(mapped.message.contentMembers.merged)
    #expect(mapped.message.kind == .merged && first.title == "level 1")
    let second = try #require(first.items.first?.contentMembers.merged)
    let third = try #require(second.items.first?.contentMembers.merged)
    #expect(second.title == "level 2" && third.title == "level 3")
    #expect(third.items == [MessagePart(.text("bottom"), timestamp: 1_603_875_610_000)])
  }

  @Test func aVeryDeepChatrecordStopsAtTheLimitWithAMarker() throws {
    var level = try #require(try map(Self.nestedChatRecord(depth: 12)).message.contentMembers.merged)
    var depth = 1
    while let next = level.items.first?.contentMembers.merged {
      level = next
      depth += 1
    }
    #expect(depth == 8)
    let marker = try #require(level.items.first)
    #expect(marker.kind == .unknown && marker.contentMembers.sourceType == "chatrecord")
    #expect(marker.contentMembers.text?.contains("nested deeper than 8") == true)
  }

  @Test func anUnknownMsgtypeKeepsItsName() throws {
    let json = Self.record("hologram", #"{"x":1}"#)
    var message = try expected(json, kind: .unknown)
    message.contentMembers.sourceType = "hologram"
    #expect(try map(json).message == message)
  }

  @Test func switchIsANoticeTimedByItsTimeField() throws {
    let json = #"{"msgid":"125289002219525886280","action":"switch","time":1554119421840,"user":"XuJinSheng"}"#
    let message = Message(
      id: "125289002219525886280", conversation: "wecom:switch", timestamp: 1_554_119_421_840, sender: "XuJinSheng",
      body: .notice("switched enterprise"), source: SourceRecord(platform: "wecom", raw: try JSONParser.parse(json)))
    let mapped = try map(json)
    #expect(mapped.message == message)
    #expect(mapped.conversation == ConversationInfo(id: "wecom:switch", kind: .group))
  }

  @Test func idsAboveTwoToTheSixtyThreeSurviveExactly() throws {
    let json =
      #"{"msgid":18446744073709551615,"action":"send","from":"a","tolist":["b"],"msgtime":1603875608214,"msgtype":"meeting","meeting":{"meetingid":11101571002822706744}}"#
    let mapped = try map(json)
    #expect(mapped.message.id == "18446744073709551615")
    #expect(mapped.message.source.raw.objectValue?["msgid"] == .number("18446744073709551615"))
    #expect(mapped.message.contentMembers.custom?.fields == [KeyValue("meetingid", "11101571002822706744")])
    #expect(String(decoding: mapped.message.line(), as: UTF8.self).contains(#""meetingid":11101571002822706744"#))
  }

  @Test func aOneToOneChatHasOneIDWhicheverSideSent() throws {
    let there = try map(
      #"{"msgid":"1","from":"kenshin","tolist":["wmUu0zBgAALV7ZymkcMyxvbTe8YdWxxA"],"roomid":"","msgtime":1,"msgtype":"text","text":{"content":"a"}}"#
    )
    let back = try map(
      #"{"msgid":"2","from":"wmUu0zBgAALV7ZymkcMyxvbTe8YdWxxA","tolist":["kenshin"],"msgtime":2,"msgtype":"text","text":{"content":"b"}}"#
    )
    #expect(there.conversation == back.conversation)
    #expect(there.conversation.id == "chat:kenshin:wmUu0zBgAALV7ZymkcMyxvbTe8YdWxxA")
    #expect(there.conversation.externalMembers == ["wmUu0zBgAALV7ZymkcMyxvbTe8YdWxxA"])
  }

  @Test func aRoomIsAGroupAndSeveralReceiversWithoutOneAreAParty() throws {
    let group = try map(
      #"{"msgid":"1","from":"ken","tolist":["icef","test"],"roomid":"wr2vOpDgAAN4zVWKbS","msgtime":1,"msgtype":"text","text":{"content":"a"}}"#
    )
    #expect(
      group.conversation
        == ConversationInfo(id: "group:wr2vOpDgAAN4zVWKbS", kind: .group, sourceID: "wr2vOpDgAAN4zVWKbS"))
    let party = try map(
      #"{"msgid":"1","from":"ken","tolist":["icef","test"],"msgtime":1,"msgtype":"text","text":{"content":"a"}}"#)
    let reordered = try map(
      #"{"msgid":"2","from":"test","tolist":["ken","icef"],"msgtime":1,"msgtype":"text","text":{"content":"a"}}"#)
    #expect(party.conversation.kind == .group && party.conversation.id.text.hasPrefix("party:"))
    #expect(party.conversation.id == reordered.conversation.id)
  }

  @Test func externalContactsAreRecognisedByForm() {
    #expect(WeComRecordMapper.isExternalContact("wmGAgeDQAAdBjb8CK4ieMPRm7Cqm-9VA"))
    #expect(WeComRecordMapper.isExternalContact("woJ7ijBwAA6SjS_sIyPLZtyEPJlT7Cfw"))
    #expect(!WeComRecordMapper.isExternalContact("wolfgang"))
    #expect(!WeComRecordMapper.isExternalContact("XuJinSheng"))
    #expect(!WeComRecordMapper.isExternalContact("wmGAgeDQAAdBjb8CK4ieMPRm7Cqm/9VA"))
  }

  @Test func envelopeProblemsNameTheField() throws {
    func problem(_ json: String) -> String {
      do {
        _ = try map(json)
        return "mapped"
      } catch {
        return "\(error)"
      }
    }
    #expect(problem(#"{"msgtype":"text","from":"a","tolist":["b"],"msgtime":1}"#).contains("msgid"))
    #expect(problem(#"{"msgid":"1","msgtype":"text","from":"a","tolist":["b"]}"#).contains("msgtime"))
    #expect(problem(#"{"msgid":"1","msgtype":"text","tolist":["b"],"msgtime":1}"#).contains("from"))
    #expect(problem(#"{"msgid":"1","msgtype":"text","from":"a","msgtime":1}"#).contains("tolist"))
    #expect(problem(#"{"msgid":"1","from":"a","tolist":["b"],"msgtime":1}"#).contains("msgtype"))
    #expect(problem("[1]").contains("object"))
  }
}
