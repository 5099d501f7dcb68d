import ChatBundle
import ChatBundleExport
import ChatBundleTestSupport
import Foundation
import Testing

@Suite struct EasemobImportTests {
  static let base = "https://files.example.com/class"

  struct Export {
    var lines: [JSONObject]
    var raw: [UInt8]
    var report: JSONObject
    var summary: EasemobImportSummary
    var messages: [Message]

    func request(_ id: String) -> JSONObject? {
      lines.first { $0["message_id"]?.stringValue == id }?["body"]?.objectValue
    }
    func endpoint(_ id: String) -> String? {
      lines.first { $0["message_id"]?.stringValue == id }?["endpoint"]?.stringValue
    }
    var items: [JSONObject] { report["items"]?.arrayValue?.compactMap(\.objectValue) ?? [] }
    func item(_ id: String) -> JSONObject? { items.first { $0["message_id"]?.stringValue == id } }
  }

  func exportSample(memoryBudget: Int? = nil) throws -> (Export, TemporaryDirectory) {
    let directory = try TemporaryDirectory()
    let (_, messages) = try SampleBundle.pack(to: directory.file("sample.tar.gz"))
    var options = EasemobImportOptions(mediaBaseURL: Self.base + "/")
    if let memoryBudget { options.memoryBudget = memoryBudget }
    let summary = try EasemobImportExporter.export(
      bundle: directory.file("sample.tar.gz"), to: directory.file("import.ndjson"), options: options)
    #expect(summary.report == directory.file("import.report.json"))
    let raw = try readBytes(directory.file("import.ndjson"))
    let lines = try raw.split(separator: 0x0A).map { try #require(try JSONParser.parse(Array($0)).objectValue) }
    let report = try #require(try JSONParser.parse(readBytes(directory.file("import.report.json"))).objectValue)
    return (Export(lines: lines, raw: raw, report: report, summary: summary, messages: messages), directory)
  }

  @Test func eachKindMapsToTheDocumentedBody() throws {
    let (export, _) = try exportSample()
    let serialized = { (id: String) -> String? in
      export.request(id).map { String(decoding: JSONWriter.serialize(.object($0)), as: UTF8.self) }
    }
    let text = try #require(export.messages.first { $0.id == "966475220900644860" })
    #expect(export.endpoint("966475220900644860") == "chatgroups")
    #expect(
      serialized("966475220900644860")
        == "{\"from\":\"alice\",\"target\":\"g1\",\"type\":\"txt\",\"body\":{\"msg\":"
        + String(decoding: JSONWriter.serialize(.string(text.contentMembers.text ?? "")), as: UTF8.self)
        + "},\"is_ack_read\":true,\"msg_timestamp\":\(text.timestamp),\"need_download\":false}")

    let image = try #require(export.messages.first { $0.id == "m-image" }?.contentMembers.media)
    let sha = try #require(image.sha256)
    #expect(
      serialized("m-image")?.contains(
        "\"type\":\"img\",\"body\":{\"url\":\"\(Self.base)/media/\(sha.prefix(2))/\(sha)\",\"filename\":\"photo.png\",\"file_length\":\(image.size ?? -1),\"size\":{\"width\":2,\"height\":1}}"
      ) == true)
    #expect(export.request("m-image")?["need_download"] == .bool(true))

    // One-to-one: the target is the other participant, on the users endpoint.
    #expect(export.endpoint("m-audio") == "users")
    let audio = try #require(export.request("m-audio"))
    #expect(audio["from"] == .string("bob") && audio["target"] == .string("alice") && audio["type"] == .string("audio"))
    #expect(audio["body"]?.objectValue?["length"] == .number("3"))
    #expect(audio["body"]?.objectValue?["filename"] == .string("voice.amr"))

    let video = try #require(export.request("m-video")?["body"]?.objectValue)
    let thumb = try #require(export.messages.first { $0.id == "m-video" }?.contentMembers.thumbnail?.sha256)
    #expect(video["thumb"] == .string("\(Self.base)/media/\(thumb.prefix(2))/\(thumb)"))
    #expect(video["length"] == .number("10"))
    #expect(video["size"] == .object(JSONObject(["width": .number("360"), "height": .number("480")])))
    #expect(export.request("m-video")?["target"] == .string("bob"))

    #expect(
      serialized("m-location")?.contains(
        "\"type\":\"loc\",\"body\":{\"addr\":\"西城区西便门桥 \",\"lat\":39.9053,\"lng\":116.36302}") == true)
    #expect(serialized("m-command")?.contains("\"type\":\"cmd\",\"body\":{\"action\":\"run\"}") == true)
    #expect(!(serialized("m-image") ?? "").contains("secret"))
  }

  @Test func aCustomEventMapsToCustomExts() throws {
    let message = Message.test(
      "c1", in: "group:g", at: 5, from: "alice",
      .custom(CustomEvent(event: "gift_1", fields: [KeyValue("name", "flower"), KeyValue("price", "100")])))
    let group = ConversationEntry(id: "group:g", kind: .group, sourceID: "g", path: "x")
    guard
      case .request(let endpoint, let body, let notCarried) =
        EasemobImportMapping.map(message, in: group, mediaBaseURL: Self.base)
    else {
      Issue.record("not mapped")
      return
    }
    #expect(endpoint == "chatgroups" && notCarried.isEmpty)
    #expect(
      String(decoding: JSONWriter.serialize(body), as: UTF8.self)
        == "{\"from\":\"alice\",\"target\":\"g\",\"type\":\"custom\",\"body\":{\"customEvent\":\"gift_1\",\"v2:customExts\":{\"name\":\"flower\",\"price\":\"100\"}},\"is_ack_read\":true,\"msg_timestamp\":5,\"need_download\":false}"
    )
    let room = ConversationEntry(id: "chatroom:r", kind: .chatroom, sourceID: "r", path: "x")
    #expect(
      EasemobImportMapping.map(message, in: room, mediaBaseURL: Self.base)
        == .skipped(reason: "unsupported_conversation", detail: "chat rooms have no import endpoint"))
  }

  @Test func unsupportedMessagesAreReportedNeverDropped() throws {
    let (export, _) = try exportSample()
    let summary = export.summary
    #expect(summary.messages == Int64(export.messages.count))
    #expect(summary.imported + summary.skipped == summary.messages)
    #expect(Int64(export.lines.count) == summary.imported)
    let imported = Set(export.lines.compactMap { $0["message_id"]?.stringValue })
    let skipped = Set(
      export.items.filter { $0["status"] == .string("skipped") }.compactMap { $0["message_id"]?.stringValue })
    #expect(imported.isDisjoint(with: skipped))
    #expect(imported.union(skipped) == Set(export.messages.map(\.id.text)))

    func reasons(_ id: String) -> [String] {
      export.item(id)?["reasons"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }
    for id in ["m-merged", "m-notice", "m-recall", "m-unknown", "m-joined", "m-left"] {
      #expect(reasons(id) == ["unsupported_kind"], "\(id)")
      #expect(export.item(id)?["status"] == .string("skipped"))
    }
    #expect(reasons("m-custom") == ["unsupported_conversation"])
    #expect(reasons("m-file") == ["media_missing"] && export.item("m-file")?["detail"] == .string("not_found"))
    #expect(
      reasons("m-parts") == ["extra_parts_not_carried"] && export.item("m-parts")?["status"] == .string("partial"))
    #expect(reasons("966475220900644861") == ["reply_not_carried", "mentions_not_carried"])
    #expect(reasons("966475220900644860") == ["mentions_not_carried"])

    #expect(export.report["messages"] == .integer(summary.messages))
    #expect(export.report["skipped"] == .integer(summary.skipped))
    #expect(export.report["partial"] == .integer(summary.partial))
    let counted = try #require(export.report["reasons"]?.objectValue)
    #expect(counted["unsupported_kind"] == .number("6"))
    #expect(summary.reasons.first { $0.reason == "unsupported_kind" }?.count == 6)
  }

  @Test func requestsAreInGlobalTimeOrderEvenWhenTheSortSpills() throws {
    let (export, _) = try exportSample()
    let times = export.lines.compactMap { $0["body"]?.objectValue?["msg_timestamp"]?.int64Value }
    #expect(times.count == export.lines.count)
    #expect(times == times.sorted())
    // The bundle stores the conversations in hash order, not in time order.
    let conversationsInOrder = export.lines.compactMap { line in
      export.messages.first { $0.id.text == line["message_id"]?.stringValue }?.conversation
    }
    #expect(Set(conversationsInOrder).count > 1)
    let (spilled, _) = try exportSample(memoryBudget: 1024)
    #expect(spilled.raw == export.raw)
    #expect(spilled.items == export.items)
  }

  @Test func mergeOrderInterleavesConversations() throws {
    let directory = try TemporaryDirectory()
    let first = ConversationInfo(id: "group:a", kind: .group, sourceID: "a")
    let second = ConversationInfo(id: "group:b", kind: .group, sourceID: "b")
    var items: [(ConversationInfo, Identifier?, String, Int64)] = []
    for index in 0..<40 {
      let time = Int64(1_000_000 + (index * 7919) % 400)
      items.append((index % 2 == 0 ? first : second, "u", "m\(index)", time))
    }
    try packTexts(items, to: directory.file("b.tar.gz"))
    var options = EasemobImportOptions(mediaBaseURL: Self.base, reportPath: directory.file("r.json"))
    options.memoryBudget = 1024
    let summary = try EasemobImportExporter.export(
      bundle: directory.file("b.tar.gz"), to: directory.file("out.ndjson"), options: options)
    #expect(summary.imported == 40 && summary.skipped == 0)
    var keys: [String] = []
    for line in try readBytes(directory.file("out.ndjson")).split(separator: 0x0A) {
      let object = try #require(try JSONParser.parse(Array(line)).objectValue)
      let time = object["body"]?.objectValue?["msg_timestamp"]?.int64Value ?? -1
      keys.append("\(time) \(object["message_id"]?.stringValue ?? "")")
    }
    // Times are all seven digits, so the strings sort as the (time, id) pairs do.
    let expected = items.indices.map { "\(items[$0].3) t\($0)" }.sorted()
    #expect(keys == expected)
    let report = try #require(try JSONParser.parse(readBytes(directory.file("r.json"))).objectValue)
    #expect(report["items"] == .array([]) && report["skipped"] == .number("0"))
  }

  @Test func anInvalidBundleWritesNothing() throws {
    let directory = try TemporaryDirectory()
    var fixture = try FixtureBundle.sample()
    let path = try #require(fixture.files.first { $0.path.hasPrefix("conversations/") }?.path)
    fixture.editLines(path) { lines in lines[0].append(0x20) }
    try directory.write("bad.tar.gz", try fixture.gzipped())
    #expect(throws: ExportError.self) {
      try EasemobImportExporter.export(
        bundle: directory.file("bad.tar.gz"), to: directory.file("out.ndjson"),
        options: EasemobImportOptions(mediaBaseURL: Self.base))
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["bad.tar.gz"])
  }
}
