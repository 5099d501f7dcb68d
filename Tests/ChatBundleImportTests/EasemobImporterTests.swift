import ArchiveIO
import ChatBundle
import ChatBundleImport
import ChatBundleTestSupport
import Foundation
import Testing

@Suite struct EasemobImporterTests {
  static let line1 =
    #"{"msg_id":"1","timestamp":1741568460000,"chat_type":"groupchat","payload":{"bodies":[{"type":"txt","msg":"一"}],"from":"a","to":"g"}}"#
  static let line2 =
    #"{"msg_id":"2","timestamp":1741568470000,"chat_type":"groupchat","payload":{"bodies":[{"type":"img","url":"https://h/chatfiles/img-1","filename":"p.png","file_length":4}],"from":"b","to":"g"}}"#

  /// Packs `files` (name → bytes) and returns the summary and the messages read back.
  func pack(
    _ files: [String: [UInt8]], media: [String: [UInt8]]? = nil, configure: (inout PackOptions) -> Void = { _ in }
  ) throws -> (PackSummary, [ChatBundle.Message], VerificationReport) {
    try packThroughImporter(platform: "easemob", files: files, media: media, configure: configure) {
      EasemobImporter(builder: $0, mediaDirectory: $1)
    }
  }

  func importError(_ files: [String: [UInt8]]) -> String? {
    do {
      _ = try pack(files)
      return nil
    } catch {
      return "\(error)"
    }
  }

  @Test func allInputShapesGiveTheSameMessages() throws {
    let lines = Self.line1 + "\n" + Self.line2 + "\n"
    let ndjson = try pack(["2025031009.jsonl": Array(lines.utf8)])
    let gzip = try pack(["2025031009.gz": GzipDeflater.compress(Array(lines.utf8))])
    let bare = try pack(["2025031009": GzipDeflater.compress(Array(lines.utf8))])
    let array = try pack(["h.json": Array("[\n  \(Self.line1),\n  \(Self.line2)\n]".utf8)])
    let wrapped = try pack([
      "h.json": Array("{\"action\":\"get\",\"entities\":[\(Self.line1),\(Self.line2)],\"count\":2}".utf8)
    ])
    let crlf = try pack(["h.txt": Array(("\u{FEFF}" + Self.line1 + "\r\n\r\n" + Self.line2 + "\r\n").utf8)])
    for result in [ndjson, gzip, bare, array, wrapped, crlf] {
      #expect(result.2.isValid)
      #expect(result.1.map(\.id) == ["1", "2"])
      #expect(result.1.map(\.source.raw) == ndjson.1.map(\.source.raw))
    }
  }

  @Test func mediaIsFoundByTheURLsLastSegment() throws {
    let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47]
    let (summary, messages, report) = try pack(
      ["h.jsonl": Array((Self.line1 + "\n" + Self.line2 + "\n").utf8)], media: ["img-1": png])
    #expect(report.isValid && summary.media == 1 && summary.missing == 0)
    #expect(messages[1].contentMembers.media?.sha256 == SHA256Digest.hex(of: png))
    #expect(messages[1].contentMembers.media?.mediaType == "image/png")
  }

  @Test func absentOrPartialMediaIsRecordedAndThePackGoesOn() throws {
    let absent = try pack(["h.jsonl": Array((Self.line2 + "\n").utf8)], media: [:])
    #expect(absent.0.missing == 1 && absent.2.manifest?.missing.first?.reason == "not_found")
    let partial = try pack(["h.jsonl": Array((Self.line2 + "\n").utf8)], media: ["img-1": [1, 2]])
    #expect(partial.2.manifest?.missing.first?.reason == "size_mismatch")
    let noDirectory = try pack(["h.jsonl": Array((Self.line2 + "\n").utf8)])
    #expect(noDirectory.2.manifest?.missing.first?.reason == "no_media_directory")
    let hostile = Self.line2.replacingOccurrences(
      of: "https://h/chatfiles/img-1", with: "https://h/chatfiles/..%2F..%2Fetc"
    )
    .replacingOccurrences(of: "img-1", with: "x")
    let unsafe = try pack(
      ["h.jsonl": Array((hostile.replacingOccurrences(of: "..%2F..%2Fetc", with: "..") + "\n").utf8)], media: [:])
    #expect(unsafe.2.manifest?.missing.first?.reason == "unsafe_reference")
  }

  @Test func overlappingExportsStoreEachMessageOnce() throws {
    let (summary, messages, report) = try pack([
      "a.jsonl": Array((Self.line1 + "\n").utf8), "b.jsonl": Array((Self.line1 + "\n" + Self.line2 + "\n").utf8),
    ])
    #expect(report.isValid && summary.messages == 2 && summary.duplicates == 1 && messages.count == 2)
  }

  @Test func aMalformedLineNamesFileAndLine() throws {
    let error = importError(["h.jsonl": Array((Self.line1 + "\n{\"msg_id\": \n").utf8)])
    #expect(error?.contains("h.jsonl:2:") == true, "\(error ?? "no error")")
    #expect(error?.contains("invalid JSON") == true)
    let missing = importError(["h.jsonl": Array((Self.line1 + "\n\n{\"msg_id\":\"9\",\"payload\":{}}\n").utf8)])
    #expect(missing?.contains("h.jsonl:3:") == true && missing?.contains("timestamp") == true, "\(missing ?? "")")
  }

  @Test func skipInvalidRecordsEachSkippedLine() throws {
    let (summary, messages, report) = try pack([
      "h.jsonl": Array((Self.line1 + "\nnot json\n" + Self.line2 + "\n").utf8)
    ]) {
      $0.skipInvalid = true
    }
    #expect(report.isValid && summary.skipped == 1 && messages.count == 2)
    let skipped = try #require(report.manifest?.skipped.first)
    #expect(skipped.input == "h.jsonl" && skipped.line == 2 && skipped.reason.contains("invalid JSON"))
  }

  @Test func aTruncatedGzipFileIsReportedAsSuch() throws {
    let full = try GzipDeflater.compress(Array(String(repeating: Self.line1 + "\n", count: 50).utf8))
    let error = importError(["2025031009.gz": Array(full[..<(full.count - 10)])])
    #expect(error?.contains("2025031009.gz") == true)
    #expect(error?.contains("truncated") == true, "\(error ?? "no error")")
  }

  @Test func anArrayCutShortIsReported() throws {
    let error = importError(["h.json": Array("[\(Self.line1),\(Self.line2.prefix(40))".utf8)])
    #expect(error?.contains("h.json") == true && error?.contains("truncated") == true, "\(error ?? "")")
  }

  @Test func prettyPrintedRecordsOneAfterAnother() throws {
    let pretty =
      Self.line1.replacingOccurrences(of: ",", with: ",\n  ") + "\n"
      + Self.line2.replacingOccurrences(of: ":{", with: ":\n{")
    let (_, messages, report) = try pack(["h.json": Array(pretty.utf8)])
    #expect(report.isValid && messages.map(\.id) == ["1", "2"])
    let error = importError(["h.json": Array("{\n\"action\": \"get\",\n\"data\": []\n}".utf8)])
    #expect(error?.contains("h.json:1:") == true && error?.contains("msg_id") == true, "\(error ?? "")")
  }

  @Test func peopleFileShapes() throws {
    let directory = try TemporaryDirectory()
    let csv = try directory.write("p.csv", "\u{FEFF}id,name\nt_wang,\"王芳, 班主任\"\ng1,\"三年级 \"\"二班\"\"\"\n")
    #expect(try PeopleFile.load(csv) == ["t_wang": "王芳, 班主任", "g1": "三年级 \"二班\""])
    let object = try directory.write("p.json", #"{"a":"Alice"}"#)
    #expect(try PeopleFile.load(object) == ["a": "Alice"])
    let array = try directory.write("q.json", #"[{"id":"b","name":"Bob"}]"#)
    #expect(try PeopleFile.load(array) == ["b": "Bob"])
    let bad = try directory.write("bad.csv", "user,label\nx,y\n")
    #expect(throws: ImportError.self) { try PeopleFile.load(bad) }
  }

  @Test func theSharedCorpusPacksAndVerifies() throws {
    guard let corpus = sharedCorpus()?.appendingPathComponent("easemob") else {
      print("skipped: ../shared/corpus is not in this checkout")
      return
    }
    let derived = corpus.appendingPathComponent("derived/2018112717_assembled_from_doc_snippets")
    let (summary, messages, report) = try pack([
      "2018112717.jsonl": try readBytes(derived.path + ".jsonl"), "2018112717.gz": try readBytes(derived.path + ".gz"),
    ])
    #expect(report.isValid, "\(report.issues)")
    #expect(summary.messages == 9 && summary.duplicates == 9)
    #expect(Set(messages.map(\.kind)) == [.text, .image, .location, .audio, .video, .file, .command, .custom, .merged])
    // The callback samples are not history records; with --skip-invalid they are recorded, not lost.
    let callbacks = corpus.appendingPathComponent("callback-snippets")
    var files: [String: [UInt8]] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: callbacks.path) where name.hasSuffix(".json") {
      files[name] = try readBytes(callbacks.appendingPathComponent(name).path)
    }
    let mixed = try pack(files) { $0.skipInvalid = true }
    #expect(mixed.2.isValid)
    #expect(mixed.0.messages + mixed.0.skipped == Int64(files.count))
  }
}
