import ChatBundle
import ChatBundleImport
import ChatBundleTestSupport
import Foundation
import Testing

/// WeCom exports packed through `BundleBuilder` and read back by the verifier.
@Suite struct WeComImporterTests {
  /// MD5 of the five bytes `hello`.
  static let helloMD5 = "5d41402abc4b2a76b9719d911017c592"

  static func image(
    _ id: String, md5: String, size: Int = 5, sdkFileID: String = "Ct/Y+B==", time: Int = 1000
  ) -> String {
    #"{"msgid":""# + id + #"","action":"send","from":"alice","tolist":["bob"],"roomid":"","msgtime":"# + "\(time)"
      + #","msgtype":"image","image":{"md5sum":""# + md5 + #"","filesize":"# + "\(size)" + #","sdkfileid":""#
      + sdkFileID + #""}}"#
  }

  static let text =
    #"{"msgid":"14822339130656386894_1603875600","action":"send","from":"kenshin","tolist":["wmUu0zBgAALV7ZymkcMyxvbTe8YdWxxA"],"roomid":"","msgtime":1603875600000,"msgtype":"text","text":{"content":"oops"}}"#
  static let revoke =
    #"{"msgid":"15775510700152506326_1603875615","action":"recall","from":"kenshin","tolist":["wmUu0zBgAALV7ZymkcMyxvbTe8YdWxxA"],"roomid":"","msgtime":1603875615723,"msgtype":"revoke","revoke":{"pre_msgid":"14822339130656386894_1603875600"}}"#

  /// Packs `files` (name → text) and returns the summary, the messages read back and the
  /// verifier's report.
  func pack(
    _ files: [String: String], media: [String: [UInt8]]? = nil, configure: (inout PackOptions) -> Void = { _ in }
  ) throws -> (PackSummary, [ChatBundle.Message], VerificationReport) {
    try packThroughImporter(
      platform: "wecom", files: files.mapValues { Array($0.utf8) }, media: media, configure: configure
    ) { WeComImporter(builder: $0, mediaDirectory: $1) }
  }

  func importError(_ files: [String: String]) -> String? {
    do {
      _ = try pack(files)
      return nil
    } catch {
      return "\(error)"
    }
  }

  @Test func mediaIsFoundByMD5OrByTheSHA256OfTheSDKFileID() throws {
    let hello: [UInt8] = Array("hello".utf8)
    let byMD5 = try pack(["m.jsonl": Self.image("1", md5: Self.helloMD5.uppercased())], media: [Self.helloMD5: hello])
    #expect(byMD5.2.isValid && byMD5.0.media == 1 && byMD5.0.missing == 0)
    #expect(byMD5.1.first?.contentMembers.media?.sha256 == SHA256Digest.hex(of: hello))
    let name = WeComMedia.fileName(forSDKFileID: "Ct/Y+B==")
    #expect(name == SHA256Digest.hex(of: Array("Ct/Y+B==".utf8)))
    let byID = try pack(["m.jsonl": Self.image("1", md5: Self.helloMD5)], media: [name: hello])
    #expect(byID.2.isValid && byID.0.media == 1)
  }

  @Test func aChecksumMismatchAndAnAbsentFileAreListedAsMissing() throws {
    let lines = [
      Self.image("bad", md5: "0123456789abcdef0123456789abcdef", sdkFileID: "bad", time: 1000),
      Self.image("absent", md5: "fedcba9876543210fedcba9876543210", sdkFileID: "absent", time: 2000),
      Self.image("short", md5: Self.helloMD5, size: 99, sdkFileID: "short", time: 3000),
      Self.image("good", md5: Self.helloMD5, sdkFileID: "good", time: 4000),
    ]
    let (summary, messages, report) = try pack(
      ["m.jsonl": lines.joined(separator: "\n") + "\n"],
      media: [
        "0123456789abcdef0123456789abcdef": Array("hello".utf8), Self.helloMD5: Array("hello".utf8),
      ])
    #expect(report.isValid, "\(report.issues)")
    #expect(summary.messages == 4 && summary.media == 1 && summary.missing == 3)
    let reasons = Dictionary(
      uniqueKeysWithValues: (report.manifest?.missing ?? []).map { ($0.message, $0.reason) })
    #expect(reasons == ["bad": "checksum_mismatch", "absent": "not_found", "short": "size_mismatch"])
    #expect(report.manifest?.missing.first { $0.message == "absent" }?.sourceReference == "absent")
    #expect(messages.first { $0.id == "good" }?.contentMembers.media?.sha256 != nil)
    let noDirectory = try pack(["m.jsonl": lines[0]])
    #expect(noDirectory.2.manifest?.missing.first?.reason == "no_media_directory")
  }

  @Test func aRecallAndItsOriginalAreBothKept() throws {
    let (summary, messages, report) = try pack(["m.jsonl": Self.text + "\n" + Self.revoke + "\n"])
    #expect(report.isValid, "\(report.issues)")
    #expect(summary.messages == 2)
    let recall = try #require(messages.first { $0.kind == .recall })
    #expect(recall.contentMembers.recallTarget == "14822339130656386894_1603875600")
    #expect(recall.sender == "kenshin" && recall.timestamp == 1_603_875_615_723)
    #expect(messages.contains { $0.id == recall.contentMembers.recallTarget && $0.contentMembers.text == "oops" })
    #expect(Set(messages.map(\.conversation)).count == 1)
  }

  @Test func externalContactsAreMarkedOnTheConversation() throws {
    let (_, _, report) = try pack(["m.jsonl": Self.text + "\n" + Self.revoke + "\n"])
    let manifest = try #require(report.manifest)
    #expect(manifest.formatVersion == FormatVersion(major: 1, minor: 1))
    #expect(manifest.conversations.map(\.externalMembers) == [["wmUu0zBgAALV7ZymkcMyxvbTe8YdWxxA"]])
    let inside = try pack(["m.jsonl": Self.image("1", md5: Self.helloMD5)])
    #expect(inside.2.manifest?.formatVersion == FormatVersion(major: 1, minor: 0))
    #expect(inside.2.manifest?.conversations.first?.externalMembers == nil)
  }

  @Test func externalMembersNeedFormat11AndBytewiseOrder() throws {
    var manifest = try #require(try pack(["m.jsonl": Self.text + "\n"]).2.manifest)
    #expect(throws: Never.self) { try Manifest(json: JSONParser.parse(manifest.serialized())) }
    manifest.formatVersion = FormatVersion(major: 1, minor: 0)
    #expect(throws: Manifest.DecodingProblem.self) { try Manifest(json: JSONParser.parse(manifest.serialized())) }
    manifest.formatVersion = FormatVersion(major: 1, minor: 1)
    manifest.conversations[0].externalMembers = ["wo", "wm"]
    #expect(throws: Manifest.DecodingProblem.self) { try Manifest(json: JSONParser.parse(manifest.serialized())) }
    manifest.conversations[0].externalMembers = []
    #expect(throws: Manifest.DecodingProblem.self) { try Manifest(json: JSONParser.parse(manifest.serialized())) }
  }

  @Test func peopleNamesReachThePeopleFile() throws {
    let directory = try TemporaryDirectory()
    try directory.write("export/m.jsonl", Self.text + "\n")
    var options = PackOptions(platform: "wecom", timeZone: "Asia/Shanghai")
    options.people = try PeopleFile.load(
      try directory.write("people.csv", "id,name\nkenshin,剑心\nwmUu0zBgAALV7ZymkcMyxvbTe8YdWxxA,客户王\n"))
    let output = directory.file("out.tar.gz")
    let builder = try BundleBuilder(options: options, outputPath: output)
    try WeComImporter(builder: builder, mediaDirectory: nil).importFile(directory.file("export/m.jsonl"))
    _ = try builder.finish(outputPath: output)
    let (delegate, report) = BundleCollector.read(output)
    #expect(report.isValid)
    #expect(delegate.people["kenshin"] == "剑心" && delegate.people["wmUu0zBgAALV7ZymkcMyxvbTe8YdWxxA"] == "客户王")
  }

  @Test func badInputNamesFileAndLine() throws {
    let notJSON = importError(["m.jsonl": Self.text + "\n{\"msgid\": \n"])
    #expect(notJSON?.contains("m.jsonl:2:") == true && notJSON?.contains("invalid JSON") == true, "\(notJSON ?? "")")
    let noID = importError([
      "m.jsonl": Self.text + "\n\n" + #"{"from":"a","tolist":["b"],"msgtime":1,"msgtype":"text"}"# + "\n"
    ])
    #expect(noID?.contains("m.jsonl:3:") == true && noID?.contains("msgid") == true, "\(noID ?? "")")
  }

  @Test func skipInvalidRecordsEachSkippedLine() throws {
    let (summary, messages, report) = try pack([
      "m.jsonl": Self.text + "\nnot json\n" + #"{"msgtype":"text"}"# + "\n" + Self.revoke + "\n"
    ]) { $0.skipInvalid = true }
    #expect(report.isValid && summary.skipped == 2 && messages.count == 2)
    let skipped = report.manifest?.skipped ?? []
    #expect(skipped.map(\.line) == [2, 3] && skipped.allSatisfy { $0.input == "m.jsonl" })
    #expect(skipped.last?.reason.contains("msgid") == true)
  }

  @Test func aJSONArrayReadsLikeLines() throws {
    let lines = try pack(["m.jsonl": Self.text + "\n" + Self.revoke + "\n"])
    let array = try pack(["m.json": "[\n" + Self.text + ",\n" + Self.revoke + "\n]\n"])
    #expect(array.2.isValid && array.1.map(\.source.raw) == lines.1.map(\.source.raw))
  }

  @Test func eachSharedCorpusFilePacksAndVerifies() throws {
    guard let corpus = sharedCorpus()?.appendingPathComponent("wecom") else {
      print("skipped: ../shared/corpus is not in this checkout, so the WeCom samples were not packed")
      return
    }
    let names = try FileManager.default.contentsOfDirectory(atPath: corpus.path).filter {
      $0.hasSuffix(".json") || $0.hasSuffix(".jsonl")
    }.sorted()
    #expect(names.count >= 31)
    var kinds: Set<MessageKind> = []
    for name in names {
      let text = String(decoding: try readBytes(corpus.appendingPathComponent(name).path), as: UTF8.self)
      // The derived file repeats sample 00's msgid with 01's different content.
      let (summary, messages, report) = try pack([name: text]) { $0.keepFirstDuplicate = true }
      #expect(report.isValid, "\(name): \(report.issues)")
      #expect(summary.messages >= 1 && !messages.contains { $0.kind == .unknown }, "\(name)")
      kinds.formUnion(messages.map(\.kind))
    }
    #expect(kinds == [.text, .image, .audio, .video, .file, .location, .custom, .merged, .notice, .recall])
  }
}
