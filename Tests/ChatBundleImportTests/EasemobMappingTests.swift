import ChatBundle
import ChatBundleImport
import Testing

/// Pins what each Easemob body type becomes in the shared model.
@Suite struct EasemobMappingTests {
  let mapper = EasemobRecordMapper()

  func record(_ body: String, chatType: String = "groupchat", ext: String = "{}", id: String = "\"966475220900644860\"")
    -> JSONValue
  {
    let text = """
      {"msg_id":\(id),"timestamp":1741568460000,"direction":"outgoing","to":"259184062558209","from":"t_wang",\
      "chat_type":"\(chatType)","payload":{"bodies":[\(body)],"ext":\(ext),"from":"t_wang","to":"259184062558209"}}
      """
    return (try? JSONParser.parse(text, options: .lenient)) ?? .null
  }

  func map(_ body: String, chatType: String = "groupchat", ext: String = "{}") throws -> EasemobRecordMapper.Mapped {
    try mapper.map(record(body, chatType: chatType, ext: ext))
  }

  @Test func envelope() throws {
    let mapped = try map(#"{"type":"txt","msg":"hi"}"#)
    #expect(mapped.message.id == "966475220900644860")
    #expect(mapped.message.timestamp == 1_741_568_460_000)
    #expect(mapped.message.sender == "t_wang")
    #expect(
      mapped.conversation == ConversationInfo(id: "group:259184062558209", kind: .group, sourceID: "259184062558209"))
    #expect(mapped.message.source.platform == "easemob")
    #expect(mapped.message.source.raw == record(#"{"type":"txt","msg":"hi"}"#))
  }

  @Test func conversationKinds() throws {
    let direct = try map(#"{"type":"txt","msg":"x"}"#, chatType: "chat")
    #expect(direct.conversation.kind == .direct)
    #expect(direct.conversation.participants == ["259184062558209", "t_wang"])
    #expect(direct.conversation.id == "chat:259184062558209:t_wang")
    let room = try map(#"{"type":"txt","msg":"x"}"#, chatType: "chatroom")
    #expect(room.conversation.id == "chatroom:259184062558209" && room.conversation.kind == .chatroom)
    #expect(throws: RecordError.self) { try map(#"{"type":"txt","msg":"x"}"#, chatType: "read_ack") }
  }

  @Test func text() throws {
    let message = try map(#"{"type":"txt","msg":"第一行\n<b>second</b>"}"#).message
    #expect(message.kind == .text && message.contentMembers.text == "第一行\n<b>second</b>")
  }

  @Test func image() throws {
    let mapped = try map(
      #"{"file_length":128827,"filename":"test1.jpg","secret":"S","size":{"height":1325,"width":746},"type":"img","url":"https://h/o/a/chatfiles/65e54a4a-1"}"#
    )
    #expect(mapped.message.kind == .image)
    #expect(
      mapped.message.contentMembers.media
        == MediaReference(size: 128_827, name: "test1.jpg", width: 746, height: 1325, sourceReference: "65e54a4a-1"))
    #expect(mapped.attachments[.media]?.url == "https://h/o/a/chatfiles/65e54a4a-1")
    #expect(mapped.attachments[.media]?.declaredSize == 128_827)
  }

  @Test func audioLengthIsSecondsBecomingMilliseconds() throws {
    let media = try map(
      #"{"file_length":6630,"filename":"a.amr","length":10,"type":"audio","url":"https://h/chatfiles/u1"}"#
    ).message.contentMembers.media
    #expect(media?.durationMilliseconds == 10_000 && media?.sourceReference == "u1")
  }

  @Test func videoSizeBelongsToTheThumbnail() throws {
    let mapped = try map(
      #"{"file_length":58103,"filename":"v.mp4","length":10,"size":{"height":480,"width":360},"thumb":"https://h/chatfiles/th-1","thumb_secret":"T","type":"video","url":"https://h/chatfiles/v-1"}"#
    )
    #expect(mapped.message.kind == .video)
    #expect(
      mapped.message.contentMembers.media?.width == nil && mapped.message.contentMembers.media?.sourceReference == "v-1"
    )
    #expect(mapped.message.contentMembers.thumbnail == MediaReference(width: 360, height: 480, sourceReference: "th-1"))
    #expect(Set(mapped.attachments.keys) == [.media, .thumbnail])
  }

  @Test func file() throws {
    let message = try map(
      #"{"file_length":3279,"filename":"../../record.md","type":"file","url":"https://h/chatfiles/f-1"}"#
    ).message
    #expect(message.kind == .file && message.contentMembers.media?.name == "../../record.md")
  }

  @Test func locationKeepsTheLiterals() throws {
    let message = try map(#"{"addr":"西城区西便门桥 ","lat":39.9053,"lng":116.36302,"type":"loc"}"#).message
    #expect(
      message.contentMembers.location == Location(address: "西城区西便门桥 ", latitude: "39.9053", longitude: "116.36302"))
    #expect(throws: RecordError.self) { try map(#"{"addr":"x","lat":"north","lng":1,"type":"loc"}"#) }
  }

  @Test func command() throws {
    let message = try map(#"{"action":"run","type":"cmd"}"#).message
    #expect(message.kind == .command && message.contentMembers.command == "run")
  }

  @Test func customMergesBothExtensionForms() throws {
    let message = try map(
      #"{"v2:customExts":{"name":"flower","size":"16"},"customExts":[{"name":"rose"},{"price":"100"}],"customEvent":"gift_1","type":"custom"}"#
    ).message
    #expect(message.kind == .custom)
    #expect(
      message.contentMembers.custom
        == CustomEvent(
          event: "gift_1", fields: [KeyValue("name", "flower"), KeyValue("size", "16"), KeyValue("price", "100")]))
  }

  @Test func combineWithoutAType() throws {
    let mapped = try map(
      #"{"combineLevel":1,"file_length":550,"filename":"17289718748990036","secret":"S","subType":"sub_combine","summary":":yyuu\n:[图片]\n","title":"聊天记录","url":"https://h/chatfiles/c-1"}"#
    )
    #expect(mapped.message.kind == .merged)
    #expect(mapped.message.contentMembers.merged == MergedRecord(title: "聊天记录", summary: ":yyuu\n:[图片]\n", level: 1))
    #expect(
      mapped.message.contentMembers.media?.sourceReference == "c-1" && mapped.message.contentMembers.media?.size == 550)
  }

  @Test func unknownBodyTypeIsKeptAsUnknown() throws {
    let message = try map(#"{"type":"sticker","id":"s-9"}"#).message
    #expect(message.kind == .unknown && message.contentMembers.sourceType == "sticker")
    #expect(try map(#"{"foo":1}"#).message.contentMembers.sourceType == "(no type)")
  }

  @Test func replyFromMsgQuoteObjectOrString() throws {
    let object = try map(
      #"{"type":"txt","msg":"ok"}"#,
      ext: #"{"msgQuote":{"msgID":"1234","msgPreview":"hi","msgSender":"p_liu","msgType":"txt"}}"#)
    #expect(object.message.replyTo == ReplyReference(id: "1234", sender: "p_liu", preview: "hi"))
    let string = try map(#"{"type":"txt","msg":"ok"}"#, ext: #"{"msgQuote":"{\"msgID\":\"99\",\"msgPreview\":\"p\"}"}"#)
    #expect(string.message.replyTo == ReplyReference(id: "99", preview: "p"))
  }

  @Test func mentions() throws {
    let users = try map(#"{"type":"txt","msg":"@a @b"}"#, ext: #"{"em_at_list":["a","b"]}"#).message
    #expect(users.mentions == ["a", "b"] && !users.mentionsAll)
    let all = try map(#"{"type":"txt","msg":"@all"}"#, ext: #"{"em_at_list":"ALL"}"#).message
    #expect(all.mentionsAll && all.mentions.isEmpty)
  }

  @Test func extraBodiesBecomeParts() throws {
    let message = try map(
      #"{"type":"txt","msg":"one"},{"type":"img","url":"https://h/chatfiles/i2","filename":"b.png"}"#
    ).message
    #expect(message.kind == .text && message.parts.count == 1 && message.parts.first?.kind == .image)
  }

  @Test func msgIDAsANumberKeepsEveryDigit() throws {
    let mapped = try mapper.map(record(#"{"type":"txt","msg":"x"}"#, id: "966475220900644861"))
    #expect(mapped.message.id == "966475220900644861")
    #expect(throws: RecordError.self) { try mapper.map(record(#"{"type":"txt","msg":"x"}"#, id: "9.66e17")) }
  }

  @Test func badRecordsNameTheField() throws {
    func problem(_ text: String) -> String? {
      do {
        _ = try mapper.map(JSONParser.parse(text, options: .lenient))
        return nil
      } catch let error as RecordError {
        return error.field
      } catch {
        return "?"
      }
    }
    #expect(problem(#"{"timestamp":1,"payload":{"from":"a","to":"b","bodies":[]}}"#) == "msg_id")
    #expect(problem(#"{"msg_id":"1","payload":{"from":"a","to":"b","bodies":[]}}"#) == "timestamp")
    #expect(problem(#"{"msg_id":"1","timestamp":-5,"payload":{"from":"a","to":"b"}}"#) == "timestamp")
    #expect(problem(#"{"msg_id":"1","timestamp":5,"payload":{"to":"b"}}"#) == "payload.from")
    #expect(problem(#"{"msg_id":"1","timestamp":5,"payload":{"from":"a\u0001","to":"b"}}"#) == "payload.from")
    #expect(problem(#"[1,2]"#) == "")
  }
}
