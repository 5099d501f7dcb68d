import ChatBundle
import ChatBundleImport
import ChatBundleTestSupport
import Foundation
import Testing

/// The Easemob cases found on data written by others (callback captures, Agora's docs,
/// third-party fixtures): each once filed a message wrongly, lost content or gave a
/// misleading error.
@Suite struct EasemobCallbackTests {
  func pack(
    _ files: [String: String], configure: (inout PackOptions) -> Void = { _ in }
  ) throws -> (PackSummary, [ChatBundle.Message], VerificationReport) {
    try packThroughImporter(
      platform: "easemob", files: files.mapValues { Array($0.utf8) }, media: nil, configure: configure
    ) { EasemobImporter(builder: $0, mediaDirectory: $1) }
  }

  func error(_ files: [String: String], configure: (inout PackOptions) -> Void = { _ in }) -> String {
    do {
      _ = try pack(files, configure: configure)
      return "(no error)"
    } catch {
      return "\(error)"
    }
  }

  static let groupCallback =
    #"{"callId":"app_1","eventType":"chat_offline","timestamp":1600060847294,"chat_type":"groupchat","group_id":"16934809238921545","from":"user1","to":"user2","msg_id":"8924312242322","payload":{"bodies":[{"type":"txt","msg":"作业已发"}]}}"#
  static let history =
    #"{"msg_id":"8924312242399","timestamp":1600060850000,"chat_type":"groupchat","from":"user3","to":"16934809238921545","payload":{"bodies":[{"type":"txt","msg":"收到"}],"from":"user3","to":"16934809238921545"}}"#

  @Test func aGroupCallbackIsFiledUnderItsGroupIDNotTo() throws {
    let (_, messages, report) = try pack(["log.jsonl": Self.groupCallback + "\n" + Self.history + "\n"])
    #expect(report.isValid)
    #expect(Set(messages.map(\.conversation)) == ["group:16934809238921545"])
    // --conversation <group_id> keeps both the callback and the history record.
    let scoped = try pack(["log.jsonl": Self.groupCallback + "\n" + Self.history + "\n"]) {
      $0.scope.conversations = ["16934809238921545"]
    }
    #expect(scoped.1.map(\.id) == ["8924312242322", "8924312242399"])
  }

  @Test func customExtsAsAMapKeepsItsFields() throws {
    let record =
      #"{"msg_id":"c1","timestamp":1600060847294,"chat_type":"chat","from":"a","to":"b","payload":{"bodies":[{"type":"custom","customEvent":"gift","customExts":{"name":"flower","price":"100"}}]}}"#
    let message = try #require(try pack(["c.jsonl": record]).1.first)
    guard case .custom(let event) = message.body else {
      Issue.record("expected a custom body, got \(message.body)")
      return
    }
    #expect(event.event == "gift")
    #expect(event.fields == [KeyValue("name", "flower"), KeyValue("price", "100")])
  }

  @Test func aPayloadWithoutBodiesShowsItsTypeAndText() throws {
    let flat =
      #"{"msg_id":"p1","timestamp":1600060847294,"chat_type":"chat","from":"a","to":"b","payload":{"type":"txt","msg":"平铺的正文"}}"#
    let bare =
      #"{"msg_id":"p2","timestamp":1600060847295,"chat_type":"chat","from":"a","to":"b","payload":{"msg":"只有 msg","ext":{}}}"#
    let messages = try pack(["p.jsonl": flat + "\n" + bare + "\n"]).1
    #expect(messages.first?.body == .text("平铺的正文"))
    #expect(messages.last?.body == .unknown(UnknownContent(sourceType: "(no bodies)", text: "只有 msg")))
  }

  static let edit =
    #"{"callId":"easemob-demo#support_1418038921190704764","eventType":"chat","chat_type":"edit","payload":{"edit_message_id":"1418038712905770616","ext":{"key1":"value_rewrite"},"bodies":[{"msg":"testmessages1","type":"txt"}],"meta":{"edit_msg":{"chat_type":"chat:user","send_time":1747727666259,"edit_time":1747727714765,"sender":"wzy1","count":1,"operator":"wzy1"}},"type":"edit"},"appkey":"easemob-demo#support","from":"wzy1","to":"wzy","msg_id":"1418038921190704764","timestamp":1747727714765}"#
  static let original =
    #"{"msg_id":"1418038712905770616","timestamp":1747727666259,"chat_type":"chat","from":"wzy1","to":"wzy","payload":{"bodies":[{"type":"txt","msg":"testmessage"}],"from":"wzy1","to":"wzy"}}"#
  static let recall =
    #"{"chat_type":"recall","callId":"XXXX#XXXX_966475585536657404","security":"ea7a","payload":{"ext":{},"ack_message_id":"1418038712905770616","bodies":[]},"appkey":"o#a","from":"wzy1","recall_id":"1418038712905770616","to":"wzy","eventType":"chat","msg_id":"966475585536657404","timestamp":1747727800000}"#
  static let readAck =
    #"{"chat_type":"read_ack","callId":"X_968665325555943556","payload":{"ext":{},"ack_message_id":"1418038712905770616","bodies":[]},"from":"wzy","to":"wzy1","eventType":"chat","msg_id":"968665325555943556","timestamp":1747727900000}"#
  static let notify =
    #"{"chat_type":"notify","callId":"X_2","payload":{"bodies":[]},"from":"admin","to":"wzy","msg_id":"968665325555943557","timestamp":1747727900001}"#

  @Test func aWebhookLogPacksStrictly() throws {
    let log = [Self.original, Self.edit, Self.recall, Self.readAck, Self.notify].joined(separator: "\n") + "\n"
    let (summary, messages, report) = try pack(["webhooks.jsonl": log])
    #expect(report.isValid, "\(report.issues)")
    #expect(summary.messages == 3 && summary.skipped == 2)
    let manifest = try #require(report.manifest)
    #expect(manifest.formatVersion == FormatVersion.withAnnotations)
    #expect(manifest.requiredFeatures == ["message-revisions"])
    #expect(manifest.skipped.map(\.line) == [4, 5])
    #expect(manifest.skipped[0].reason.contains("read_ack") && manifest.skipped[1].reason.contains("notify"))
    let revision = try #require(messages.first { $0.id == "1418038921190704764" })
    #expect(revision.editTarget == "1418038712905770616")
    #expect(revision.body == .text("testmessages1"))
    #expect(revision.edited == MessageEdit(timestamp: 1_747_727_714_765))
    #expect(revision.timestamp == 1_747_727_714_765 && revision.sender == "wzy1")
    #expect(revision.conversation == messages.first { $0.id == "1418038712905770616" }?.conversation)
    let tombstone = try #require(messages.first { $0.id == "966475585536657404" })
    #expect(tombstone.body == .recall(target: "1418038712905770616"))
  }

  @Test func withoutRevisionsNoFeatureIsListedAndTheVersionStaysLow() throws {
    let manifest = try #require(try pack(["h.jsonl": Self.original]).2.manifest)
    #expect(manifest.requiredFeatures.isEmpty && manifest.formatVersion == FormatVersion.initial)
  }

  @Test func duplicatesInAJSONArrayNameTheirElements() throws {
    let first =
      #"{"msg_id":"d1","timestamp":1600060847294,"chat_type":"chat","from":"a","to":"b","payload":{"bodies":[{"type":"img","url":"https://h/chatfiles/u-1","filename":"one.jpg"}]}}"#
    let second =
      #"{"msg_id":"d1","timestamp":1600060847294,"chat_type":"chat","from":"a","to":"b","payload":{"bodies":[{"type":"img","url":"https://h/chatfiles/u-2","filename":"two.jpg"}]}}"#
    let array = "[" + first + "," + second + "]"
    let refused = error(["h.json": array])
    #expect(refused.contains("h.json:1 element 1") && refused.contains("h.json:1 element 2"), "\(refused)")
    let kept = try pack(["h.json": array]) { $0.keepFirstDuplicate = true }
    let reason = try #require(kept.2.manifest?.skipped.first?.reason)
    #expect(reason.contains("element 2") && reason.contains("\"two.jpg\""), "\(reason)")
  }

  @Test func theWrongInputSaysWhatItIs() throws {
    let wecom =
      #"{"msgid":"CAQQluDa4QUY0On2rYSAgAMgzPrShAE=","action":"send","from":"XuJinSheng","tolist":["icefog"],"roomid":"","msgtime":1547087894783,"msgtype":"text","text":{"content":"test"}}"#
    #expect(error(["w.jsonl": wecom]).contains("--source wecom"))
    let encrypted =
      #"{"errcode":0,"errmsg":"ok","chatdata":[{"seq":196,"msgid":"CAQQ2fbb4QUY0On2rYSAgAMgip/yzgs=","publickey_ver":3,"encrypt_random_key":"ftJ+uz3n","encrypt_chat_msg":"898WSfGMnIeytTsea7Rc0WsOocs0bIAerF6de0v2cFwqo9uOxrW9wYe5rCjCHHH5bDrNvLxBE/xOoFfcwOTYX0HQxTJaH0ES9OHDZ61p8gcbfGdJKnq2UU4tAEgGb8H+Q9n8syRXIjaI3KuVCqGIi4QGHFmxWenPFfjF/vRuPd0EpzUNwmqfUxLBWLpGhv+dLnqiEOBW41Zdc0OO0St6E+JeIeHlRZAR+E13Isv9eS09xNbF0qQXWIyNUi+ucLr5VuZnPGXBrSfvwX8f0QebTwpy1tT2zvQiMM2MBugKH6NuMzzuvEsXeD+6+3VRqL"}]}"#
    #expect(error(["g.json": encrypted]).contains("still encrypted"))
    let link =
      #"{"action":"get","application":"8be024f0","uri":"'https://a1.easemob.com/easemob-demo/testapp/chatmessages/2018112717","data":[{"url":"https://ebs-chatmessage.oss-cn-beijing.aliyuncs.com/history/5Q/easemob-demo/testapp/2018112717.gz?Expires=1543316245&OSSAccessKeyId=LTAIlKPZStPokdA8&Signature=o%2FkR"}],"timestamp":1543314445015,"duration":0,"organization":"easemob-demo","applicationName":"testapp"}"#
    let linkError = error(["r.json": link])
    #expect(linkError.contains("download data[0].url") && linkError.contains("pull easemob"), "\(linkError)")
  }

  @Test func aWeComTolistThatIsAStringSaysSo() throws {
    let record =
      #"{"msgid":"m1","action":"send","from":"a","tolist":"b","roomid":"","msgtime":1547087894783,"msgtype":"text","text":{"content":"x"}}"#
    let message: String
    do {
      _ = try packThroughImporter(platform: "wecom", files: ["w.jsonl": Array(record.utf8)], media: nil) { _ in
      } importer: {
        WeComImporter(builder: $0, mediaDirectory: $1)
      }
      message = "(no error)"
    } catch {
      message = "\(error)"
    }
    #expect(message.contains("tolist") && message.contains("string") && message.contains("array"), "\(message)")
    #expect(!message.contains("is missing"))
  }

  @Test func theSharedCorpusCallbacksPackWithoutSkippingInvalidRecords() throws {
    guard let corpus = sharedCorpus()?.appendingPathComponent("easemob/callback-snippets") else {
      print("skipped: ../shared/corpus is not in this checkout, so the Easemob callback samples were not packed")
      return
    }
    var files: [String: String] = [:]
    for name in ["doc_callback_recall.json", "doc_callback_read_ack.json"] {
      files[name] = try String(contentsOfFile: corpus.appendingPathComponent(name).path, encoding: .utf8)
    }
    let (summary, messages, report) = try pack(files)
    #expect(report.isValid)
    #expect(summary.skipped == 1 && messages.map(\.kind) == [.recall])
    #expect(messages.first?.body == .recall(target: "966475220900644860"))
  }
}
