import ArchiveIO
import ChatBundle
import ChatBundleImport
import ChatBundleTestSupport
import Foundation
import Testing

/// DCE files packed through `DiscordImporter` and read back with the verifier.
@Suite struct DiscordImporterTests {
  let example = repositoryRoot().appendingPathComponent("examples/discord").path

  func pack(_ inputs: [String], to output: String, configure: (inout PackOptions) -> Void = { _ in }) throws
    -> (PackSummary, [ChatBundle.Message], VerificationReport)
  {
    var options = PackOptions(platform: "discord", timeZone: "UTC")
    configure(&options)
    let builder = try BundleBuilder(options: options, outputPath: output)
    try DiscordImporter(builder: builder).importExports(inputs)
    let summary = try builder.finish(outputPath: output)
    let (collector, report) = BundleCollector.read(output)
    return (summary, collector.messages, report)
  }

  /// The messages of a DCE file, by id, as the bundle's reader parses JSON.
  func sourceMessages(_ path: String) throws -> [(id: String, raw: JSONValue)] {
    let value = try JSONParser.parse(try readBytes(path)[...], options: .lenient)
    return (value.objectValue?["messages"]?.arrayValue ?? []).map {
      ($0.objectValue?["id"]?.stringValue ?? "", $0)
    }
  }

  func jsonFiles(_ directory: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json") }.sorted()
      .map { directory + "/" + $0 }
  }

  @Test func theSplitterKeepsTheMembersBeforeTheArrayAsAnObject() throws {
    let text =
      #"{"guild":{"id":"1"},"channel":{"id":"2","name":"a,b"},"messages":[{"id":"3"},{"id":"4"}],"messageCount":9}"#
    let directory = try TemporaryDirectory()
    let splitter = RecordSplitter(
      stream: try FileByteStream(path: try directory.write("a.json", text)), wrapperKey: "messages")
    #expect(splitter.header == nil)
    let first = try splitter.next()
    #expect(first.map { String(decoding: $0.bytes, as: UTF8.self) } == #"{"id":"3"}"#)
    let header = try JSONParser.parse(try #require(splitter.header)[...], options: .lenient)
    #expect(
      header
        == JSONValue.object(
          JSONObject([
            "guild": .object(JSONObject(["id": .string("1")])),
            "channel": .object(JSONObject(["id": .string("2"), "name": .string("a,b")])),
          ])))
    #expect(try splitter.next() != nil && splitter.next() == nil)
    let empty = RecordSplitter(
      stream: try FileByteStream(path: try directory.write("b.json", #"{"messages":[]}"#)), wrapperKey: "messages")
    #expect(try empty.next() == nil && empty.header == Array("{}".utf8))
  }

  @Test func everyRecordOfTheExampleIsItsMessagesRaw() throws {
    let directory = try TemporaryDirectory()
    let (summary, messages, report) = try pack([example], to: directory.file("b.tar.gz"))
    #expect(report.isValid, "\(report.issues)")
    let byID = Dictionary(messages.map { ($0.id.text, $0) }, uniquingKeysWith: { first, _ in first })
    var count = 0
    for file in try jsonFiles(example) {
      for (id, raw) in try sourceMessages(file) {
        count += 1
        #expect(byID[id]?.source.raw == raw, "\(file) message \(id)")
        #expect(byID[id]?.source.platform == "discord")
      }
    }
    #expect(count == 21 && summary.messages == Int64(count) && messages.count == count)
    #expect(summary.conversations == 4)
  }

  @Test func theExamplesMediaAreStoredOrMissingWithTheReason() throws {
    let directory = try TemporaryDirectory()
    let (summary, messages, report) = try pack([example], to: directory.file("b.tar.gz"))
    let missing = Dictionary(
      (report.manifest?.missing ?? []).map { ("\($0.message.text) \($0.field)", $0.reason) },
      uniquingKeysWith: { first, _ in first })
    #expect(missing["910000000000000004 parts[1].media"] == "not_found", "route.gpx was never downloaded")
    #expect(missing["910000000000000006 media"] == "not_downloaded", "a CDN url")
    #expect(missing.count == 2 && summary.missing == 2, "\(missing)")
    #expect(summary.media == 2, "the map and the sticker")
    let map = messages.first { $0.id == "910000000000000004" }
    #expect(map?.body == .text("Here is the map"))
    if case .media(let content)? = map?.parts.first?.body {
      #expect(content.kind == .image && content.reference?.sha256 != nil && content.reference?.name == "map.png")
    } else {
      Issue.record("the map is the first part")
    }
    let sticker = messages.first { $0.id == "910000000000000007" }
    #expect(sticker?.kind == .image)
  }

  @Test func theSameInputsGiveTheSameBytesInAnyOrder() throws {
    let directory = try TemporaryDirectory()
    _ = try pack([example], to: directory.file("a.tar.gz"))
    _ = try pack(try jsonFiles(example).reversed(), to: directory.file("b.tar.gz"))
    #expect(try readBytes(directory.file("a.tar.gz")) == readBytes(directory.file("b.tar.gz")))
  }

  @Test func theThreadIsItsOwnConversationFoundByTheThreadsId() throws {
    let directory = try TemporaryDirectory()
    let (summary, messages, report) = try pack([example], to: directory.file("b.tar.gz")) {
      $0.scope = ExportScope(conversations: ["910000000000000009"])
    }
    #expect(report.isValid)
    #expect(summary.messages == 2 && messages.allSatisfy { $0.conversation == "channel:910000000000000009" })
    #expect(messages.allSatisfy { $0.thread?.root == "910000000000000009" })
    let entry = report.manifest?.conversations.first
    #expect(entry?.name == "Lighthouse Club / general / Saturday walk" && entry?.sourceID == "910000000000000009")
  }

  @Test func aDirectChatsPartiesAreItsAuthors() throws {
    let directory = try TemporaryDirectory()
    let (_, _, report) = try pack([example], to: directory.file("b.tar.gz"))
    let direct = report.manifest?.conversations.first { $0.id == "channel:960000000000000001" }
    #expect(direct?.kind == .direct)
    #expect(direct?.participants == ["100000000000000001", "100000000000000002"])
    #expect(direct?.name == "Bo")
    #expect(
      report.manifest?.conversations.first { $0.id == "channel:900000000000000010" }?.name
        == "Lighthouse Club / Text Channels / general")
  }

  /// An export folder with one file, `export/c.json`, whose one message has `attachments`.
  func exportWithAttachment(_ url: String, size: Int = 3, in directory: TemporaryDirectory) throws -> String {
    let text = """
      {"guild":{"id":"1","name":"G"},"channel":{"id":"2","type":"GuildTextChat","name":"c"},"messages":[
      {"id":"3","type":"Default","timestamp":"2024-01-01T00:00:00+00:00","content":"",
      "author":{"id":"4","name":"a"},"attachments":[{"id":"5","url":\(String(decoding: JSONWriter.serialize(.string(url)), as: UTF8.self)),"fileName":"x.png","fileSizeBytes":\(size)}]}
      ],"messageCount":1}
      """
    try directory.write("export/c.json", text)
    return directory.file("export")
  }

  func missingReason(_ url: String, size: Int = 3, prepare: (TemporaryDirectory) throws -> Void) throws -> String? {
    let directory = try TemporaryDirectory()
    try prepare(directory)
    let export = try exportWithAttachment(url, size: size, in: directory)
    let (_, _, report) = try pack([export], to: directory.file("b.tar.gz"))
    #expect(report.isValid, "\(report.issues)")
    return report.manifest?.missing.first?.reason
  }

  @Test func mediaOutsideTheExportFolderIsNeverRead() throws {
    let secret: (TemporaryDirectory) throws -> Void = { try $0.write("outside/secret.png", [1, 2, 3]) }
    #expect(try missingReason("../outside/secret.png", prepare: secret) == "unsafe_reference")
    #expect(try missingReason(#"c.json_Files\..\..\outside\secret.png"#, prepare: secret) == "unsafe_reference")
    let linked = try missingReason(#"c.json_Files\secret.png"#) { directory in
      try secret(directory)
      try FileManager.default.createDirectory(
        atPath: directory.file("export/c.json_Files"), withIntermediateDirectories: true)
      try FileManager.default.createSymbolicLink(
        atPath: directory.file("export/c.json_Files/secret.png"),
        withDestinationPath: directory.file("outside/secret.png"))
    }
    #expect(linked == "outside_export", "a link out of the folder")
    let absolute = try missingReason("/etc/hostname") { _ in }
    #expect(absolute == "unsafe_reference")
  }

  @Test func aLocalFileIsStoredAndChecked() throws {
    let present: (TemporaryDirectory) throws -> Void = { try $0.write("export/c.json_Files/x-1.png", [9, 9, 9]) }
    #expect(try missingReason(#"c.json_Files\x-1.png"#, prepare: present) == nil)
    #expect(try missingReason(#"c.json_Files\\x-1.png"#, prepare: present) == nil, "a doubled separator")
    #expect(try missingReason("c.json_Files/x-1.png", prepare: present) == nil)
    #expect(try missingReason("c.json_Files/x%2D1.png", prepare: present) == nil, "URL-encoded")
    #expect(try missingReason(#"c.json_Files\x-1.png"#, size: 4, prepare: present) == "size_mismatch")
    #expect(try missingReason(#"c.json_Files\gone.png"#, prepare: present) == "not_found")
    #expect(try missingReason("", prepare: present) == "no_reference")
  }

  func refusal(_ name: String, _ text: String) throws -> String {
    let directory = try TemporaryDirectory()
    let path = try directory.write(name, text)
    do {
      _ = try pack([path], to: directory.file("b.tar.gz"))
      return ""
    } catch {
      return "\(error)"
    }
  }

  @Test func anotherServicesFileIsRefusedSayingWhatItLooksLike() throws {
    let slack = try refusal("2016-01-01.json", #"[{"type":"message","ts":"1.2","text":"x"}]"#)
    #expect(slack.contains("2016-01-01.json") && slack.contains("Slack"), "\(slack)")
    let telegram = try refusal("result.json", #"{"name":"Bo","type":"personal_chat","id":5,"messages":[]}"#)
    #expect(telegram.contains("Telegram"), "\(telegram)")
    let lines = try refusal("x.json", "{\"msg_id\":\"1\"}\n{\"msg_id\":\"2\"}\n")
    #expect(lines.contains("one JSON record per line"), "\(lines)")
    let noMessages = try refusal("x.json", "{\"channel\":{\"id\":\"1\"},\n\"guild\":{}}")
    #expect(noMessages.contains("no \"messages\" array"), "\(noMessages)")
  }

  @Test func aTruncatedExportSaysWhereItEnds() throws {
    let text = """
      {"guild":{"id":"1","name":"G"},"channel":{"id":"2","type":"GuildTextChat","name":"c"},"messages":[
      {"id":"3","type":"Default","timestamp":"2024-01-01T00:00:00+00:00","content":"a","author":{"id":"4"}},
      {"id":"5","type":"Default","timestamp":"2024-01-01T00:00:01+00:00","cont
      """
    let message = try refusal("cut.json", text)
    #expect(message.contains("cut.json:3") && message.contains("truncated"), "\(message)")
  }

  @Test func aBadMessageIsRefusedWithItsLineOrSkipped() throws {
    let text = """
      {"guild":{"id":"1","name":"G"},"channel":{"id":"2","type":"GuildTextChat","name":"c"},"messages":[
      {"id":"3","type":"Default","timestamp":"2024-01-01T00:00:00+00:00","content":"a","author":{"id":"4"}},
      {"id":"5","type":"Default","timestamp":"soon","content":"b","author":{"id":"4"}}
      ]}
      """
    let message = try refusal("bad.json", text)
    #expect(message.contains("bad.json:3") && message.contains("timestamp"), "\(message)")
    let directory = try TemporaryDirectory()
    let path = try directory.write("bad.json", text)
    let (summary, _, report) = try pack([path], to: directory.file("b.tar.gz")) { $0.skipInvalid = true }
    #expect(summary.messages == 1 && summary.skipped == 1)
    #expect(report.manifest?.skipped.first?.line == 3)
  }

  @Test(.enabled(if: sharedCorpus() != nil, "needs ../shared/corpus"))
  func everyCorpusFilePacksOnItsOwnAndVerifies() throws {
    guard let corpus = sharedCorpus()?.appendingPathComponent("discord").path else { return }
    var files: [String] = []
    for folder in ["chat-analytics", "dcef_example_guild"] { files += try jsonFiles(corpus + "/" + folder) }
    #expect(files.count == 7)
    for file in files {
      let directory = try TemporaryDirectory()
      let (summary, messages, report) = try pack([file], to: directory.file("b.tar.gz"))
      #expect(report.isValid, "\(file): \(report.issues)")
      let source = try sourceMessages(file)
      // The chat-analytics server file holds one message twice, identically.
      #expect(Int64(source.count) == summary.messages + summary.duplicates, "\(file)")
      let raws = Dictionary(messages.map { ($0.id.text, $0.source.raw) }, uniquingKeysWith: { first, _ in first })
      for (id, raw) in source { #expect(raws[id] == raw, "\(file) \(id)") }
    }
  }

  @Test(.enabled(if: sharedCorpus() != nil, "needs ../shared/corpus"))
  func theGuildFolderPacksWithItsMediaAndItsEditedCopyIsReported() throws {
    guard let corpus = sharedCorpus()?.appendingPathComponent("discord/dcef_example_guild").path else { return }
    let directory = try TemporaryDirectory()
    // The two chill-talk exports disagree on message 1060954419862188072 (edited between them).
    #expect(throws: (any Error).self) { try pack([corpus], to: directory.file("a.tar.gz")) }
    let (summary, messages, report) = try pack([corpus], to: directory.file("b.tar.gz")) {
      $0.keepFirstDuplicate = true
    }
    #expect(report.isValid, "\(report.issues)")
    #expect(summary.skipped == 1 && summary.duplicates == 4, "\(summary)")
    #expect(summary.media == 1, "of the files messages name, only the sticker is in _Files")
    #expect(messages.count == 46)
    let thread = messages.filter { $0.conversation == "channel:1060927310439657577" }
    #expect(thread.count == 5 && thread.allSatisfy { $0.thread?.root == "1060927310439657577" })
    let dangling = messages.first { $0.id == "1060954094627463198" }
    #expect(dangling?.replyTo?.id == "1060954094627463098")
  }
}
