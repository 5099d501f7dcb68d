import ChatBundle
import ChatBundleTestSupport
import Foundation
import Testing

/// `redact` (spec §8.12) and its proof: the redacted bundle is its parent with exactly the
/// logged changes, the salts open every commitment and nothing else does, and any other
/// change is found.
@Suite struct RedactionTests {
  let directory: TemporaryDirectory
  let whole: String
  let salts: RedactionSalts

  /// The sample's first message, which its second quotes in a reply.
  static let quoted: Identifier = "966475220900644860"
  static let reply: Identifier = "966475220900644861"

  init() throws {
    directory = try TemporaryDirectory("redaction")
    whole = directory.file("whole.tar.gz")
    try SampleBundle.pack(to: whole)
    salts = try RedactionSalts(key: Array(repeating: 7, count: 32))
  }

  var photoSHA: String {
    get throws {
      let manifest = try FixtureBundle.load(whole).manifest
      return try #require(manifest.files.first { $0.mediaType == "image/png" }?.sha256)
    }
  }

  func request() throws -> RedactionRequest {
    var request = RedactionRequest()
    request.messages = [(Self.quoted, "a pupil's health")]
    request.patterns = [(.regex("Bob"), "a name"), (.regex("and more"), "private")]
    request.media = [(try photoSHA, "a photo of a pupil")]
    return request
  }

  func redact(
    _ request: RedactionRequest, to name: String = "redacted.tar.gz", salts: RedactionSalts? = nil
  ) throws -> (String, BundleDerivation.RedactionSummary) {
    let output = directory.file(name)
    let (_, summary) = try BundleDerivation(output: output).redact(whole, request: request, salts: salts ?? self.salts)
    return (output, summary)
  }

  func lines(_ path: String) throws -> [Identifier: String] {
    var result: [Identifier: String] = [:]
    let bundle = try FixtureBundle.load(path)
    for path in bundle.conversationPaths {
      for line in (bundle.bytes(of: path) ?? []).split(separator: 0x0A) {
        let value = try JSONParser.parse(Array(line))
        if let id = value.objectValue?["id"]?.stringValue {
          result[Identifier(id)] = String(decoding: line, as: UTF8.self)
        }
      }
    }
    return result
  }

  @Test func redactsWholeMessagesQuotesMediaAndPatternsAndProvesIt() throws {
    let (redacted, summary) = try redact(try request())
    // The photo is the image, the video's poster and a part's picture.
    #expect(summary.wholeMessages == 1 && summary.mediaReferences == 3 && summary.spans > 0, "\(summary)")
    #expect(summary.mediaLeftOut == 1)
    let manifest = try FixtureBundle.load(redacted).manifest
    #expect(manifest.formatVersion == FormatVersion.withRedactions)
    #expect(manifest.requiredFeatures.contains(Manifest.redactionsFeature))
    #expect(manifest.lineage?.operation == .redact)
    // The reasons of the records; a name is redacted without one (spec §8.12.4).
    #expect(manifest.lineage?.reasons == ["a photo of a pupil", "a pupil's health", "private"])
    #expect(!manifest.files.contains { $0.sha256 == (try? photoSHA) })
    #expect(manifest.missing.contains { $0.reason == "redacted" && $0.detail == "redacted: a photo of a pupil" })

    let after = try lines(redacted)
    let before = try lines(whole)
    #expect(after.count == before.count)
    let marker = try Message(json: JSONParser.parse(try #require(after[Self.quoted])), formatVersion: .current)
    #expect(marker.kind == .redacted && marker.body == .redacted(removedKind: .text))
    #expect(marker.sender == "alice" && marker.source.raw == .null)
    // The reply's quote of the redacted message is gone too.
    let reply = try #require(after[Self.reply])
    #expect(!reply.contains("早上好") && reply.contains("[redacted: a pupil's health]"))
    // No string of the bundle still holds what was removed: not the text, not the pattern.
    let bundle = try FixtureBundle.load(redacted)
    let everything = bundle.files.flatMap(\.bytes) + (try FixtureBundle.manifestBytes(of: redacted))
    for removed in ["window.pwned", "photo.png", "\"Bob\"", "and more"] {
      #expect(!String(decoding: everything, as: UTF8.self).contains(removed), "\(removed) is still in the bundle")
    }
    // Identifiers are never changed, so "bob" the id stays.
    #expect(String(decoding: everything, as: UTF8.self).contains("\"bob\""))

    let report = try LineageVerifier(bundle: redacted, parents: [whole]).verify()
    #expect(report.isValid, "\(report.issues)")
    #expect(report.redactedMessages == summary.messagesChanged)
    #expect(report.identical + report.redactedMessages == Int64(before.count))
    var withSalts = LineageVerifier(bundle: redacted, parents: [whole])
    withSalts.salts = salts
    let opened = try withSalts.verify()
    #expect(opened.isValid && opened.commitmentsOpened == opened.redactionRecords && opened.redactionRecords > 0)
    var wrongSalts = LineageVerifier(bundle: redacted, parents: [whole])
    wrongSalts.salts = try RedactionSalts(key: Array(repeating: 8, count: 32))
    #expect(try wrongSalts.verify().issues.map(\.code).contains(.commitmentMismatch))
  }

  @Test func identifiersAndNumbersAreNeverChangedButReported() throws {
    var request = RedactionRequest()
    request.patterns = [(.regex("alice"), "a name"), (.regex("39\\.9053"), "a place")]
    let (redacted, summary) = try redact(request, to: "identifiers.tar.gz")
    #expect(summary.identifierMatches > 0)
    #expect(summary.identifierExamples.contains { $0.hasSuffix(" /sender") }, "\(summary.identifierExamples)")
    #expect(summary.identifierExamples.contains { $0.hasSuffix(" /source/raw/lat") }, "\(summary.identifierExamples)")
    let text = try lines(redacted).values.joined(separator: "\n")
    #expect(text.contains("\"sender\":\"alice\"") && text.contains("\"lat\":39.9053"))
    #expect(!text.contains("[redacted: a place]"))
    #expect(try LineageVerifier(bundle: redacted, parents: [whole]).verify().isValid)
  }

  @Test func theSameKeyGivesTheSameBytesAndAnotherKeyOtherCommitments() throws {
    let (first, _) = try redact(try request(), to: "first.tar.gz")
    let (second, _) = try redact(try request(), to: "second.tar.gz")
    #expect(try Data(contentsOf: URL(fileURLWithPath: first)) == Data(contentsOf: URL(fileURLWithPath: second)))
    let (other, _) = try redact(
      try request(), to: "other.tar.gz", salts: try RedactionSalts(key: Array(repeating: 9, count: 32)))
    #expect(try lines(other)[Self.quoted] != lines(first)[Self.quoted])
    // Everything the redaction did not touch is byte for byte the parent's.
    let parent = try lines(whole)
    let changed = try lines(first).filter { parent[$0.key] != $0.value }
    #expect(Set(changed.keys) == Set(try lines(other).filter { parent[$0.key] != $0.value }.keys))
  }

  /// Forges one change in the redacted bundle, reseals it so that it is valid on its own,
  /// and returns the codes `verify --parent` finds.
  func forged(_ edit: (inout String) -> Void, message: Identifier) throws -> Set<LineageIssueCode> {
    let (redacted, _) = try redact(try request())
    var bundle = try FixtureBundle.load(redacted)
    for path in bundle.conversationPaths {
      bundle.editLines(path) { lines in
        for index in lines.indices {
          var text = String(decoding: lines[index], as: UTF8.self)
          guard text.contains("\"id\":\"\(message.text)\"") else { continue }
          edit(&text)
          lines[index] = Array(text.utf8)
        }
      }
    }
    try bundle.rederiveAllIndexes()
    let forgery = try directory.write("forged.tar.gz", try bundle.gzipped())
    #expect(BundleVerifier(path: forgery).verify().isValid, "the forgery must be valid on its own")
    return Set(try LineageVerifier(bundle: forgery, parents: [whole]).verify().issues.map(\.code))
  }

  @Test func anyOtherChangeToARedactedMessageIsFound() throws {
    // A byte of the reply outside its redacted spans: its records no longer explain it.
    let changed = try forged({ $0 = $0.replacingOccurrences(of: "收到", with: "收讫") }, message: Self.reply)
    #expect(changed.contains(.redactionMismatch), "\(changed)")
    // A span record whose reason was changed after the fact: the marker text no longer matches.
    #expect(
      try forged(
        {
          $0 = $0.replacingOccurrences(of: "\"reason\":\"a pupil's health\"", with: "\"reason\":\"a pupil's Health\"")
        },
        message: Self.reply
      ).contains(.redactionMismatch))
    // A marker's sender changed.
    #expect(
      try forged(
        { $0 = $0.replacingOccurrences(of: "\"sender\":\"alice\"", with: "\"sender\":\"bob\"") }, message: Self.quoted
      )
      .contains(.redactionMismatch))
    // An untouched message changed, with a record pasted in to excuse it.
    let pasted = try forged(
      { text in
        text = text.replacingOccurrences(
          of: "\"source\":",
          with:
            "\"redactions\":[{\"path\":\"/source/raw/msg_id\",\"at\":0,\"bytes\":1,\"reason\":\"x\",\"commitment\":\""
            + String(repeating: "0", count: 64) + "\"}],\"source\":")
      }, message: "m-audio")
    #expect(pasted.contains(.redactionMismatch))
  }

  @Test func recordsThatDoNotApplyAreRefused() throws {
    let parent = try JSONParser.parse(
      #"{"id":"a","conversation":"c","ts":1,"kind":"text","text":"电话13912345678","source":{"platform":"t","raw":null}}"#
    )
    func applies(_ record: RedactionRecord) -> Bool {
      (try? RedactionApplier.apply([record], to: parent)) != nil
    }
    let zero = String(repeating: "0", count: 64)
    #expect(applies(RedactionRecord(path: "/text", span: .init(start: 6, length: 11), reason: "p", commitment: zero)))
    // Cuts the three-byte 电 in half.
    #expect(!applies(RedactionRecord(path: "/text", span: .init(start: 1, length: 2), reason: "p", commitment: zero)))
    #expect(!applies(RedactionRecord(path: "/text", span: .init(start: 6, length: 40), reason: "p", commitment: zero)))
    #expect(!applies(RedactionRecord(path: "/id", span: .init(start: 0, length: 1), reason: "p", commitment: zero)))
    #expect(!applies(RedactionRecord(path: "/text", reason: "p", commitment: zero)))
    #expect(
      !applies(RedactionRecord(path: "/nothing", span: .init(start: 0, length: 1), reason: "p", commitment: zero)))
  }

  @Test func aDisclosureOpensOneMessageAgainstTheRedactedBundleAlone() throws {
    let (redacted, _) = try redact(try request())
    let disclosure = try RedactionDisclosure.make(bundle: redacted, parent: whole, salts: salts, message: Self.quoted)
    #expect(disclosure.entries.count == 1)
    let original = try #require(try lines(whole)[Self.quoted])
    #expect(disclosure.entries[0].removed == original)
    let file = try directory.write("d.json", disclosure.fileBytes)
    let read = try RedactionDisclosure(fileBytes: Array(try Data(contentsOf: URL(fileURLWithPath: file))), path: file)
    #expect(try read.check(against: redacted).isEmpty)
    // Another text under the same salt does not open the commitment.
    var lie = read
    lie.entries[0].removed = original.replacingOccurrences(of: "早上好", with: "晚上好")
    #expect(try lie.check(against: redacted).count == 1)
    // Salts of another key open nothing.
    #expect(throws: ChatBundleError.self) {
      try RedactionDisclosure.make(
        bundle: redacted, parent: whole, salts: try RedactionSalts(key: Array(repeating: 1, count: 32)),
        message: Self.quoted)
    }
  }

  @Test func aSaltsFileRoundTripsAndIsWrittenForItsOwnerOnly() throws {
    let path = directory.file("r.salts")
    let key = RedactionSalts.generate()
    try key.write(to: path)
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    // The file tells whoever finds it what it is and which command opens a redaction.
    #expect(String(decoding: try readBytes(path), as: UTF8.self).contains("'chatbundle disclose'"))
    let read = try RedactionSalts.read(path)
    let record = RedactionRecord(path: "/text", reason: "r", commitment: "")
    #expect(read.salt(parent: "p", message: "m", record: record) == key.salt(parent: "p", message: "m", record: record))
    #expect(throws: (any Error).self) { try key.write(to: path) }
    let other = try directory.write("bad.salts", Array("{\"key\":\"00\"}".utf8))
    #expect(throws: ChatBundleError.self) { try RedactionSalts.read(other) }
  }

  @Test func aBundleRedactedTwiceProvesEachStepAgainstItsParent() throws {
    let (first, _) = try redact(try request(), to: "first.tar.gz")
    var again = RedactionRequest()
    again.patterns = [(.regex("收到"), "second pass")]
    let second = directory.file("second.tar.gz")
    _ = try BundleDerivation(output: second).redact(first, request: again, salts: salts)
    let reply = try #require(try lines(second)[Self.reply])
    #expect(reply.contains("[redacted: second pass]") && reply.contains("[redacted: a pupil's health]"))
    #expect(try LineageVerifier(bundle: second, parents: [first]).verify().isValid)
  }
}
