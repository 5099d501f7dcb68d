import ArchiveIO
import ChatBundle
import ChatBundleImport
import ChatBundleTestSupport
import Foundation
import Testing

/// `TelegramImporter` end to end: export folders packed into bundles that verify, with
/// every source record kept, media resolved inside the folder only, and clear errors.
@Suite struct TelegramImporterTests {
  static let example = repositoryRoot().appendingPathComponent("examples/telegram/DataExport_2025-03-10").path

  struct Packed {
    var summary: PackSummary
    var messages: [ChatBundle.Message]
    var report: VerificationReport
    var manifest: Manifest?
    var people: [Identifier: String]
    var bytes: [UInt8]
  }

  /// Packs `inputs` through the importer (time zone Europe/Berlin) and reads the bundle back.
  static func pack(_ inputs: [String], configure: (inout PackOptions) -> Void = { _ in }) throws -> Packed {
    let directory = try TemporaryDirectory()
    var options = PackOptions(platform: "telegram", timeZone: "Europe/Berlin")
    configure(&options)
    let output = directory.file("out.tar.gz")
    let builder = try BundleBuilder(options: options, outputPath: output)
    try TelegramImporter(builder: builder).importExports(inputs)
    let summary = try builder.finish(outputPath: output)
    let (collector, report) = BundleCollector.read(output)
    var manifest: Manifest?
    for case .manifest(let read) in collector.events { manifest = read.manifest }
    return Packed(
      summary: summary, messages: collector.messages, report: report, manifest: manifest, people: collector.people,
      bytes: try readBytes(output))
  }

  /// Writes `result.json` (and `files`) into a fresh export folder.
  static func export(_ json: String, files: [String: [UInt8]] = [:], in directory: TemporaryDirectory) throws -> String
  {
    try directory.write("export/result.json", Array(json.utf8))
    for (name, bytes) in files { try directory.write("export/" + name, bytes) }
    return directory.file("export")
  }

  static func chat(_ messages: [String], type: String = "private_group", id: Int = 5) -> String {
    #"{"name":"G","type":""# + type + #"","id":\#(id),"messages":["# + messages.joined(separator: ",\n") + "]}"
  }

  static func text(_ id: Int, _ text: String = "hi", extra: String = "") -> String {
    #"{"id":\#(id),"type":"message","date_unixtime":"\#(1_700_000_000 + id)","from":"Bob","from_id":"user2","text":"\#(text)"\#(extra)}"#
  }

  /// Every message element of every chat in a result.json, parsed, by bundle message id.
  static func sourceRecords(_ path: String) throws -> [Identifier: JSONValue] {
    let root = try JSONParser.parse(try readBytes(path), options: .lenient)
    var chats: [JSONValue] = []
    if root.objectValue?["messages"] != nil { chats = [root] }
    for section in ["chats", "left_chats"] {
      chats += root.objectValue?[section]?.objectValue?["list"]?.arrayValue ?? []
    }
    var records: [Identifier: JSONValue] = [:]
    for chat in chats {
      let chatID = chat.objectValue?["id"]?.numberLiteral ?? ""
      for message in chat.objectValue?["messages"]?.arrayValue ?? [] {
        records[Identifier(chatID + ":" + (message.objectValue?["id"]?.numberLiteral ?? ""))] = message
      }
    }
    return records
  }

  // MARK: The example

  @Test func theExamplePacksVerifiesAndKeepsEveryRecordAsRaw() throws {
    let packed = try Self.pack([Self.example])
    #expect(packed.report.isValid, "\(packed.report.issues)")
    let records = try Self.sourceRecords(Self.example + "/result.json")
    #expect(packed.messages.count == records.count && records.count == 31)
    for message in packed.messages {
      #expect(message.source.raw == records[message.id], "\(message.id)")
    }
    #expect(packed.manifest?.source.inputs.map(\.name) == ["DataExport_2025-03-10/result.json"])
    #expect(packed.manifest?.source.inputs.first?.records == 31)
  }

  @Test func theExampleHasEveryShape() throws {
    let packed = try Self.pack([Self.example])
    let byID = Dictionary(uniqueKeysWithValues: packed.messages.map { ($0.id, $0) })
    #expect(
      Set(packed.messages.map(\.kind)).isSuperset(of: [
        .text, .image, .audio, .video, .file, .location, .custom, .memberJoined, .memberLeft, .notice, .unknown,
      ]))
    #expect(byID["222:11"]?.edited != nil)
    #expect(byID["222:12"]?.replyTo == ReplyReference(id: "222:11"))
    #expect(byID["222:12"]?.reactions == [Reaction(emoji: "👍", count: 1, users: ["user222"])])
    #expect(byID["1444:7"]?.thread == ThreadReference(root: "1444:5"))
    #expect(byID["1444:8"]?.replyTo == ReplyReference(id: "1444:7"))
    #expect(byID["1444:9"]?.pinTarget == "1444:6")
    #expect(byID["1444:6"]?.mentions == ["user444000"])
    #expect(byID["555:2"]?.senderIsBot == true && byID["1444:14"]?.senderIsBot == true)
    #expect(byID["222:17"]?.forwardedFrom == ForwardOrigin(name: "Tech News"))
    // The owner is a participant of each one-to-one chat of an account export.
    let direct = packed.manifest?.conversations.first { $0.id == "telegram:222" }
    #expect(direct?.kind == .direct && direct?.participants == ["user111", "user222"])
    #expect(packed.manifest?.conversations.first { $0.id == "telegram:666" }?.kind == .chatroom)
    #expect(packed.people["user111"] == "Anna Schmidt" && packed.people["user444000"] == "Dave")
  }

  @Test func theExamplesMediaArePresentAbsentOrNotExported() throws {
    let packed = try Self.pack([Self.example])
    let reasons = Dictionary(grouping: packed.manifest?.missing ?? [], by: \.reason).mapValues(\.count)
    #expect(reasons == ["not_exported": 2, "not_found": 1], "\(packed.manifest?.missing ?? [])")
    #expect(packed.summary.media == 6)
    let byID = Dictionary(uniqueKeysWithValues: packed.messages.map { ($0.id, $0) })
    guard case .media(let photo)? = byID["222:11"]?.body, case .media(let video)? = byID["1444:13"]?.body else {
      Issue.record("the photo or the video is not media")
      return
    }
    #expect(photo.reference?.sha256 != nil && photo.reference?.mediaType == "image/jpeg")
    #expect(video.reference?.missing == "not_found" && video.thumbnail?.missing == "not_exported")
    guard case .media(let groupPhoto)? = byID["1444:16"]?.parts.first?.body else {
      Issue.record("the group photo is not a part")
      return
    }
    #expect(groupPhoto.reference?.sha256 != nil)
  }

  @Test func packingIsDeterministicWhateverTheInputOrder() throws {
    let directory = try TemporaryDirectory()
    let other = try Self.export(Self.chat([Self.text(1), Self.text(2)], id: 9), in: directory)
    let first = try Self.pack([Self.example, other])
    let second = try Self.pack([other, Self.example])
    #expect(first.bytes == second.bytes)
    #expect(try Self.pack([Self.example]).bytes == Self.pack([Self.example]).bytes)
    // The result.json path and its folder are the same input.
    #expect(try Self.pack([Self.example + "/result.json"]).bytes == Self.pack([Self.example + "/"]).bytes)
  }

  // MARK: Shapes and errors

  @Test func aSingleChatExportAndItsHexEscapes() throws {
    let directory = try TemporaryDirectory()
    let folder = try Self.export(
      Self.chat([Self.text(1, #"bell\x07 and \\x41"#)], type: "personal_chat"), in: directory)
    let packed = try Self.pack([folder])
    #expect(packed.report.isValid)
    #expect(packed.messages.first?.body == .text("bell\u{7} and \\x41"))
    #expect(packed.manifest?.conversations.first?.participants == ["user5"])
  }

  @Test func aWrongFileSaysWhatItLooksLike() throws {
    for (json, expected) in [
      (#"[{"ts":"1.2","user":"U1"}]"#, "array"),
      (#"{"guild":{"id":"1"},"channel":{"id":"2"},"messages":[]}"#, "DiscordChatExporter"),
      (#"{"msg_id":"1","timestamp":1,"payload":{}}"#, "--source easemob"),
      (#"{"msgid":"1","msgtype":"text"}"#, "WeCom"),
      (#"{"hello":"world"}"#, "not a Telegram Desktop result.json"),
      ("", "empty"),
    ] {
      let directory = try TemporaryDirectory()
      let folder = try Self.export(json, in: directory)
      do {
        _ = try Self.pack([folder])
        Issue.record("\(json) was packed")
      } catch {
        #expect("\(error)".contains(expected), "\(error)")
        #expect("\(error)".contains("result.json"), "\(error)")
      }
    }
  }

  @Test func aFolderWithoutResultJSONIsRefused() throws {
    let directory = try TemporaryDirectory()
    try directory.write("empty/notes.txt", Array("x".utf8))
    #expect(throws: ImportError.self) { try Self.pack([directory.file("empty")]) }
    do { _ = try Self.pack([directory.file("empty")]) } catch { #expect("\(error)".contains("holds no result.json")) }
    try directory.write("html/messages.html", Array("<html>".utf8))
    do { _ = try Self.pack([directory.file("html")]) } catch { #expect("\(error)".contains("HTML export")) }
    try directory.write("slack/channels.json", Array("[]".utf8))
    do { _ = try Self.pack([directory.file("slack")]) } catch { #expect("\(error)".contains("--source slack")) }
  }

  @Test func aTruncatedFileNamesTheLine() throws {
    let directory = try TemporaryDirectory()
    let whole = Self.chat([Self.text(1), Self.text(2)])
    let folder = try Self.export(String(whole.dropLast(30)), in: directory)
    do {
      _ = try Self.pack([folder])
      Issue.record("a truncated file was packed")
    } catch {
      #expect("\(error)".contains("result.json:") && "\(error)".contains("truncated"), "\(error)")
    }
  }

  @Test func aBadMessageNamesChatAndElementOrIsSkipped() throws {
    let directory = try TemporaryDirectory()
    let folder = try Self.export(
      Self.chat([Self.text(1), #"{"id":2,"type":"message","date_unixtime":"1","from_id":42,"text":"x"}"#, "nonsense"]),
      in: directory)
    do {
      _ = try Self.pack([folder])
      Issue.record("a bad message was packed")
    } catch {
      #expect("\(error)".contains("result.json:2: chat 1 (id 5) message element 2: from_id"), "\(error)")
    }
    let skipped = try Self.pack([folder]) { $0.skipInvalid = true }
    #expect(skipped.report.isValid && skipped.messages.count == 1)
    #expect(skipped.manifest?.skipped.map(\.reason).first?.contains("chat 1 (id 5) message element 2") == true)
    #expect(skipped.manifest?.skipped.count == 2)
  }

  @Test func unsafeAndEscapingPathsAreRecordedNotRead() throws {
    let directory = try TemporaryDirectory()
    try directory.write("secret.jpg", Array("outside".utf8))
    let photo = { (id: Int, path: String) in
      #"{"id":\#(id),"type":"message","date_unixtime":"1","from_id":"user2","photo":"\#(path)","text":""}"#
    }
    let folder = try Self.export(
      Self.chat([
        photo(1, "../secret.jpg"), photo(2, directory.file("secret.jpg")), photo(3, "photos/link.jpg"),
        photo(4, "linked/secret.jpg"), photo(5, "photos/absent.jpg"), photo(6, "photos/ok.jpg"),
      ]), files: ["photos/ok.jpg": Array("inside".utf8)], in: directory)
    try FileManager.default.createSymbolicLink(
      atPath: folder + "/photos/link.jpg", withDestinationPath: directory.file("secret.jpg"))
    try FileManager.default.createSymbolicLink(atPath: folder + "/linked", withDestinationPath: directory.path)
    let packed = try Self.pack([folder])
    #expect(packed.report.isValid)
    let reasons = packed.messages.sorted { $0.id < $1.id }.map { message -> String in
      guard case .media(let content) = message.body else { return "not media" }
      return content.reference?.missing ?? "stored"
    }
    #expect(
      reasons == [
        "unsafe_reference", "unsafe_reference", "unsafe_reference", "unsafe_reference", "not_found", "stored",
      ])
    #expect(packed.summary.media == 1)
  }

  @Test func aDeclaredSizeThatDiffersIsASizeMismatch() throws {
    let directory = try TemporaryDirectory()
    let folder = try Self.export(
      Self.chat([#"{"id":1,"type":"message","date_unixtime":"1","file":"files/a.bin","file_size":99,"text":""}"#]),
      files: ["files/a.bin": [1, 2, 3]], in: directory)
    let packed = try Self.pack([folder])
    guard case .media(let content)? = packed.messages.first?.body else {
      Issue.record("not media")
      return
    }
    #expect(content.reference?.missing == "size_mismatch")
  }

  @Test func theSameChatInTwoExportsIsStoredOnce() throws {
    let first = try TemporaryDirectory()
    let second = try TemporaryDirectory()
    let chat = Self.chat([Self.text(1), Self.text(2)])
    let packed = try Self.pack([try Self.export(chat, in: first), try Self.export(chat, in: second)])
    #expect(packed.report.isValid && packed.messages.count == 2 && packed.summary.duplicates == 2)
  }

  @Test func cutAndCorruptedCopiesOfTheExampleAreRefusedOrPackedNeverTrapped() throws {
    let original = try readBytes(Self.example + "/result.json")
    var variants: [[UInt8]] = []
    for cut in stride(from: 1, to: original.count, by: 997) { variants.append(Array(original[..<cut])) }
    // Bytes that change meaning where they land: quotes, brackets, digits, backslashes, high bits.
    for (index, offset) in stride(from: 7, to: original.count, by: 1_301).enumerated() {
      var copy = original
      copy[offset] =
        [UInt8(ascii: "\""), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "9"), 0x5C, 0xFF][index % 6]
      variants.append(copy)
    }
    var packed = 0
    for bytes in variants {
      let directory = try TemporaryDirectory()
      try directory.write("export/result.json", bytes)
      do {
        let result = try Self.pack([directory.file("export")]) { $0.skipInvalid = true }
        #expect(result.report.isValid)
        packed += 1
      } catch let error as ImportError {
        #expect("\(error)".contains("result.json"), "\(error)")
      }
    }
    #expect(packed > 0 && packed < variants.count)
  }

  // MARK: The shared corpus

  @Test func eachCorpusSamplePacksVerifiesAndKeepsEveryRecord() throws {
    guard let corpus = sharedCorpus()?.appendingPathComponent("telegram") else {
      print("skipped: ../shared/corpus is not in this checkout, so the Telegram samples were not packed")
      return
    }
    let names = try FileManager.default.contentsOfDirectory(atPath: corpus.path).filter { $0.hasSuffix(".json") }
    #expect(names.count >= 2)
    for name in names.sorted() {
      let path = corpus.appendingPathComponent(name).path
      let packed = try Self.pack([path])
      #expect(packed.report.isValid, "\(name): \(packed.report.issues)")
      let records = try Self.sourceRecords(path)
      #expect(packed.messages.count == records.count, "\(name)")
      for message in packed.messages { #expect(message.source.raw == records[message.id], "\(name) \(message.id)") }
      #expect(!packed.messages.contains { $0.kind == .unknown }, "\(name)")
    }
  }

  @Test func theDMSamplesMixedTimesAndPlaceholders() throws {
    guard let corpus = sharedCorpus()?.appendingPathComponent("telegram") else {
      print("skipped: ../shared/corpus is not in this checkout")
      return
    }
    let packed = try Self.pack([corpus.appendingPathComponent("chat-analytics_DM_2A_7M.result.json").path]) {
      $0.timeZone = "America/Sao_Paulo"
    }
    let byID = Dictionary(uniqueKeysWithValues: packed.messages.map { ($0.id, $0) })
    // `date` only, read as UTC−3 local time: 2019-07-05T16:55:32-03:00.
    #expect(byID["700000000:2675"]?.timestamp == 1_562_356_532_000)
    #expect(byID["700000000:2675"]?.body == .notice("Bob joined Telegram"))
    #expect(byID["700000000:3662"]?.timestamp == 1_652_135_033_000)
    #expect(byID["700000000:3644"]?.body == .text("https://google.com 👀"))
    #expect(byID["700000000:3674"]?.body == .notice("Call from Alice, 56 s"))
    #expect(packed.manifest?.missing.map(\.reason) == ["not_exported", "not_exported"])
  }
}
