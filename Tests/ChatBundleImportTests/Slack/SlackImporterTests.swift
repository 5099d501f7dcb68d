import ArchiveIO
import ChatBundle
import ChatBundleImport
import ChatBundleTestSupport
import Foundation
import Testing

/// Slack exports as zips and folders: the same bundle either way, safe zip reading, clear
/// errors, tokens removed, and the shared corpus.
@Suite struct SlackImporterTests {
  static let users = #"[{"id":"U1","name":"ann","real_name":"Ann"}]"#
  static let channels = #"[{"id":"C1","name":"general","members":["U1"]}]"#

  static func day(_ messages: String...) -> String { "[" + messages.joined(separator: ",") + "]" }

  @Test func aZipAndItsFolderGiveTheSameMessagesAndEntryOrderDoesNotMatter() throws {
    let directory = try TemporaryDirectory()
    let entries = try SlackFixtures.entries(ofFolder: SlackFixtures.example)
    try FileManager.default.createDirectory(atPath: directory.file("a"), withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: directory.file("b"), withIntermediateDirectories: true)
    try SlackFixtures.zip(entries, at: directory.file("a/slack.zip"))
    try SlackFixtures.zip(entries.reversed(), at: directory.file("b/slack.zip"))
    let first = try SlackFixtures.pack([directory.file("a/slack.zip")], in: directory, output: "1.tar.gz")
    let second = try SlackFixtures.pack([directory.file("b/slack.zip")], in: directory, output: "2.tar.gz")
    let again = try SlackFixtures.pack([directory.file("a/slack.zip")], in: directory, output: "3.tar.gz")
    #expect(first.report.isValid, "\(first.report.issues)")
    #expect(try readBytes(first.output) == readBytes(second.output), "entry order changed the bundle")
    #expect(try readBytes(first.output) == readBytes(again.output))
    let folder = try SlackFixtures.pack([SlackFixtures.example], in: directory, output: "4.tar.gz")
    #expect(first.messages == folder.messages)
    #expect(first.summary.media == 2, "media read from the zip's scratch copies at finish")
    // The scratch copies go with the importer.
    let left = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.contains("slack") }
    #expect(left == [], "\(left)")
  }

  @Test func unsafeZipEntriesAreIgnoredWithANote() throws {
    let directory = try TemporaryDirectory()
    let good = Self.day(#"{"type":"message","user":"U1","text":"hi","ts":"1700000000.000100"}"#)
    try SlackFixtures.zip(
      [
        ("users.json", Array(Self.users.utf8)), ("channels.json", Array(Self.channels.utf8)),
        ("general/2023-11-14.json", Array(good.utf8)), ("../evil/2023-11-14.json", Array(good.utf8)),
        ("/etc/2023-11-14.json", Array(good.utf8)), ("general/../../x.json", Array(good.utf8)),
      ], links: [("general/2023-11-15.json", "/etc/passwd")], at: directory.file("w.zip"))
    let packed = try SlackFixtures.pack([directory.file("w.zip")], in: directory)
    #expect(packed.report.isValid && packed.summary.messages == 1)
    #expect(packed.notes.filter { $0.contains("'.' or '..'") }.count == 2, "\(packed.notes)")
    #expect(packed.notes.contains { $0.contains("an absolute path") })
    #expect(packed.notes.contains { $0.contains("not a regular file") })
    #expect(!FileManager.default.fileExists(atPath: directory.path + "/../evil"))
  }

  @Test func zipLimitsHoldOnWhatEntriesInflateTo() throws {
    let directory = try TemporaryDirectory()
    let big = [UInt8](repeating: 0x20, count: 1 << 20)
    try SlackFixtures.zip(
      [("users.json", Array(Self.users.utf8)), ("channels.json", Array(Self.channels.utf8)), ("general/pad.txt", big)],
      at: directory.file("bomb.zip"))
    var limits = ZipArchiveReader.Limits()
    limits.maximumTotalBytes = 64 << 10
    #expect(throws: ImportError.self) {
      _ = try SlackFixtures.pack([directory.file("bomb.zip")], in: directory, zipLimits: limits)
    }
    limits = ZipArchiveReader.Limits()
    limits.maximumEntries = 2
    let error = #expect(throws: ImportError.self) {
      _ = try SlackFixtures.pack([directory.file("bomb.zip")], in: directory, zipLimits: limits)
    }
    #expect("\(error.map { "\($0)" } ?? "")".contains("more than 2 entries"))
  }

  @Test func otherFilesAreRefusedSayingWhatTheyLookLike() throws {
    let directory = try TemporaryDirectory()
    try SlackFixtures.zip([("result.json", Array("{}".utf8))], at: directory.file("telegram.zip"))
    let telegram = SlackFixtures.packError([directory.file("telegram.zip")], in: directory) ?? ""
    #expect(telegram.contains("not a Slack workspace export") && telegram.contains("Telegram"), "\(telegram)")
    let gzip = try directory.write("bundle.tar.gz", [0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0])
    #expect(SlackFixtures.packError([gzip], in: directory)?.contains("is gzip data") == true)
    let json = try directory.write("2020-01-02.json", "[]")
    #expect(SlackFixtures.packError([json], in: directory)?.contains("is a JSON file, not a whole export") == true)
    let empty = try SlackFixtures.folder([("notes.txt", "x")], in: directory)
    #expect(SlackFixtures.packError([empty], in: directory)?.contains("no channels.json or users.json") == true)
  }

  @Test func aBadMessageNamesTheFileInsideTheZipAndItsElement() throws {
    let directory = try TemporaryDirectory()
    let day = Self.day(
      #"{"type":"message","user":"U1","text":"ok","ts":"1700000000.000100"}"#,
      #"{"type":"message","user":"U1","text":"no time"}"#, #"{"type":"message","user":7,"ts":"1700000000.000300"}"#,
      #"{"type":"message","user":"U1","ts":"1e9"}"#, "42")
    try SlackFixtures.zip(
      [
        ("users.json", Array(Self.users.utf8)), ("channels.json", Array(Self.channels.utf8)),
        ("general/2023-11-14.json", Array(day.utf8)),
      ], at: directory.file("export.zip"))
    let error = SlackFixtures.packError([directory.file("export.zip")], in: directory) ?? ""
    #expect(
      error.contains("export.zip:general/2023-11-14.json:") && error.contains("element 2: ts: is missing"), "\(error)")
    let skipped = try SlackFixtures.pack([directory.file("export.zip")], in: directory) { $0.skipInvalid = true }
    #expect(skipped.report.isValid && skipped.summary.messages == 1 && skipped.summary.skipped == 4)
    let notArray = try SlackFixtures.folder(
      [("users.json", Self.users), ("channels.json", Self.channels), ("general/2023-11-14.json", #"{"ts":"1"}"#)],
      in: directory, name: "flat")
    #expect(SlackFixtures.packError([notArray], in: directory)?.contains("JSON array of messages") == true)
    let badMetadata = try SlackFixtures.folder([("users.json", "{\"a\":1}")], in: directory, name: "meta")
    #expect(
      SlackFixtures.packError([badMetadata], in: directory)?.contains("users.json: expected a JSON array") == true)
  }

  @Test func hostileValuesDoNotTrapOrEscapeTheExport() throws {
    let directory = try TemporaryDirectory()
    let day = Self.day(
      #"{"type":"message","user":"U1","text":"<@U1|x><#|><!subteam^><<>>&amp;&","ts":"99999999999.999999","#
        + #""reactions":[{"name":"+1","count":1e400,"users":"all"},{"name":5},"x"],"edited":{"ts":"x"},"#
        + #""files":[{"id":"../../etc","name":"passwd","size":-1},{"id":"F1","name":"../x","size":99999999999999999999999},7]}"#,
      #"{"type":"message","user":"U1","subtype":["x"],"thread_ts":"1700000000.000100","ts":"1700000000.000200","text":5}"#
    )
    let folder = try SlackFixtures.folder(
      [
        ("users.json", Self.users), ("channels.json", Self.channels), ("general/2023-11-14.json", day),
        ("general/attachments/F1-x", "bytes"),
      ], in: directory)
    let packed = try SlackFixtures.pack([folder], in: directory)
    #expect(packed.report.isValid, "\(packed.report.issues)")
    let first = try #require(packed.message("C1:99999999999.999999"))
    #expect(first.timestamp == 99_999_999_999_999)
    #expect(first.reactions.map(\.count) == [0], "a count beyond range falls back to the users listed")
    #expect(first.parts.compactMap { $0.contentMembers.media?.sha256 } == [], "no name from data became a path")
    #expect(packed.message("C1:1700000000.000200")?.kind == .text, "a subtype that is not a string is ignored")
    let tooLate = Self.day(#"{"type":"message","user":"U1","ts":"999999999999.0"}"#)
    let late = try SlackFixtures.folder(
      [("users.json", Self.users), ("general/2023-11-14.json", tooLate)], in: directory, name: "late")
    #expect(SlackFixtures.packError([late], in: directory)?.contains("ts:") == true)
  }

  @Test func tokensAreRemovedFromEveryLinkAndCounted() throws {
    let directory = try TemporaryDirectory()
    let token = "xoxe-1-2-3-abcdef"
    let day = Self.day(
      #"{"type":"message","user":"U1","ts":"1700000000.000100","text":"see <https://files.slack.com/a.txt?t="#
        + token + #"|a.txt> and https://x.test/?t="# + token + "&amp;b=1" + #"","files":[{"id":"F1","name":"a.txt","#
        + #""url_private":"https://files.slack.com/a.txt?t="# + token + #"","thumb_64":"https://f/x?a=1&t="# + token
        + #"#frag","permalink":"https://w.slack.com/files/a?token=xoxp-9-9&x=2"}]}"#)
    let folder = try SlackFixtures.folder(
      [("users.json", Self.users), ("channels.json", Self.channels), ("general/2023-11-14.json", day)], in: directory)
    let packed = try SlackFixtures.pack([folder], in: directory)
    let message = try #require(packed.messages.first)
    let raw = String(decoding: JSONWriter.serialize(message.source.raw), as: UTF8.self)
    #expect(!raw.contains("xox"), "\(raw)")
    #expect(raw.contains("https://files.slack.com/a.txt\""), "the link stays, without its token: \(raw)")
    #expect(raw.contains("https://f/x?a=1#frag") && raw.contains("files/a?x=2") && raw.contains("?b=1"), "\(raw)")
    #expect(message.body == .text("see a.txt (https://files.slack.com/a.txt) and https://x.test/?b=1"))
    let manifest = try runProcess(
      URL(fileURLWithPath: "/usr/bin/env"),
      ["sh", "-c", "gzip -dc '\(packed.output)' | tr -d '\\000' | grep -a credentials_removed"])
    #expect(manifest.standardOutput.contains("url_query_parameter"), "\(manifest.standardOutput.prefix(300))")
  }

  /// slackdump's metadata files and its single bot message, laid out as the export they
  /// come from: the message in #general's folder and in a DM's folder.
  @Test func theCorpusMetadataAndBotMessagePackAsAnExport() throws {
    guard let corpus = sharedCorpus()?.appendingPathComponent("slack") else {
      print("skipped: ../shared/corpus is not in this checkout, so the slackdump metadata was not packed")
      return
    }
    let directory = try TemporaryDirectory()
    let metadata = corpus.appendingPathComponent("rusq_slackdump_export_metadata").path
    let bot = try String(
      contentsOfFile: corpus.appendingPathComponent("rusq_slackdump_bot_message.json").path, encoding: .utf8)
    var entries: [(String, String)] = [
      ("general/2023-02-22.json", "[" + bot + "]"), ("DNC8S27U5/2023-02-22.json", "[" + bot + "]"),
    ]
    for name in try FileManager.default.contentsOfDirectory(atPath: metadata).sorted() {
      entries.append((name, try String(contentsOfFile: metadata + "/" + name, encoding: .utf8)))
    }
    let packed = try SlackFixtures.pack([try SlackFixtures.folder(entries, in: directory)], in: directory)
    #expect(packed.report.isValid, "\(packed.report.issues)")
    #expect(packed.notes.isEmpty, "\(packed.notes)")
    let inGeneral = try #require(packed.message("CFCHDMLG3:1677029631.029259"))
    #expect(inGeneral.conversation == "group:CFCHDMLG3")
    #expect(inGeneral.senderIsBot && inGeneral.sender == "BUEBX9AUR" && inGeneral.body == .text("Some question?"))
    #expect(inGeneral.edited == MessageEdit(timestamp: 1_677_054_236_000), "edited by the bot itself")
    let inDM = try #require(packed.message("DNC8S27U5:1677029631.029259"))
    #expect(inDM.conversation == "chat:UGTRHT2SH:UNEERHWJJ")
  }

  @Test func eachCorpusZipPacksVerifiesAndKeepsEveryRecord() throws {
    guard let corpus = sharedCorpus()?.appendingPathComponent("slack") else {
      print("skipped: ../shared/corpus is not in this checkout, so the Slack samples were not packed")
      return
    }
    let zips = try FileManager.default.contentsOfDirectory(atPath: corpus.path).filter { $0.hasSuffix(".zip") }.sorted()
    #expect(zips.count == 2)
    for name in zips {
      let directory = try TemporaryDirectory()
      let packed = try SlackFixtures.pack([corpus.appendingPathComponent(name).path], in: directory)
      #expect(packed.report.isValid, "\(name): \(packed.report.issues)")
      // Every record of every day file is in the bundle, its raw as parsed less tokens.
      let unpacked = directory.file("unpacked")
      let unzip = try runProcess(
        URL(fileURLWithPath: "/usr/bin/env"),
        [
          "python3", "-c", "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])",
          corpus.appendingPathComponent(name).path, unpacked,
        ])
      #expect(unzip.status == 0, "\(unzip.standardError)")
      let records = try SlackFixtures.dayFileRecords(unpacked)
      #expect(Int64(records.count) == packed.summary.messages + packed.summary.duplicates, "\(name)")
      let raws = Set(packed.messages.map { String(decoding: JSONWriter.serialize($0.source.raw), as: UTF8.self) })
      for (file, record) in records {
        let text = String(decoding: JSONWriter.serialize(record), as: UTF8.self)
        let expected = text.replacingOccurrences(of: #"\?t=xoxe-[0-9a-f-]+"#, with: "", options: .regularExpression)
        #expect(raws.contains(expected), "\(name) \(file): a record is not in the bundle as parsed")
      }
      let grep = try runProcess(
        URL(fileURLWithPath: "/usr/bin/env"),
        ["sh", "-c", "gzip -dc '\(packed.output)' | grep -ac 'xox[a-z]-' || true"])
      #expect(grep.standardOutput.hasPrefix("0"), "\(name): a token reached the bundle")
    }
  }
}
