import ChatBundle
import ChatBundleTestSupport
import Foundation
import Testing

/// merge and slice (spec §7.15.1) and `verify --parent` (§7.15.2): a derived bundle holds
/// its parents' lines byte for byte, is the same whatever order its inputs come in, and any
/// change to it that its lineage does not account for is found, one code per kind.
@Suite struct DerivationTests {
  /// The middle of the sample's messages, which are 61 s apart from 01:00:00Z.
  static let split: Int64 = 1_741_568_400_000 + 8 * 61_000 + 30_000

  let directory: TemporaryDirectory
  let whole: String

  init() throws {
    directory = try TemporaryDirectory("derivation")
    whole = directory.file("whole.tar.gz")
    try SampleBundle.pack(to: whole)
  }

  func slice(_ input: String, _ scope: ExportScope, to name: String) throws -> String {
    let output = directory.file(name)
    _ = try BundleDerivation(output: output).slice(input, scope: scope)
    return output
  }

  func merge(_ inputs: [String], to name: String, preferred: String? = nil) throws -> String {
    let output = directory.file(name)
    _ = try BundleDerivation(output: output).merge(inputs, preferred: preferred)
    return output
  }

  func lineage(_ bundle: String, parents: [String]) throws -> LineageVerifier.Report {
    try LineageVerifier(bundle: bundle, parents: parents).verify()
  }

  /// The bundle's entries other than the manifest, by path.
  func contents(_ path: String) throws -> [String: [UInt8]] {
    Dictionary(uniqueKeysWithValues: try FixtureBundle.load(path).files.map { ($0.path, $0.bytes) })
  }

  @Test func slicesMergedBackAreTheWholeByteForByte() throws {
    let early = try slice(whole, ExportScope(until: Self.split), to: "early.tar.gz")
    let late = try slice(whole, ExportScope(since: Self.split), to: "late.tar.gz")
    let early0 = try FixtureBundle.load(early).manifest
    let late0 = try FixtureBundle.load(late).manifest
    #expect(early0.totals.messages > 0 && late0.totals.messages > 0)
    let original = try FixtureBundle.load(whole).manifest
    #expect(early0.totals.messages + late0.totals.messages == original.totals.messages)
    #expect(early0.lineage?.operation == .slice && early0.scope.until == Self.split)

    let merged = try merge([late, early], to: "merged.tar.gz")
    // Every entry but the manifest is what the whole bundle holds: the same lines, index and media.
    #expect(try contents(merged) == contents(whole))
    let manifest = try FixtureBundle.load(merged).manifest
    #expect(manifest.lineage?.operation == .merge)
    #expect(Set(manifest.lineage?.parents.map(\.messages) ?? []) == [early0.totals.messages, late0.totals.messages])

    for (bundle, parents) in [(early, [whole]), (late, [whole]), (merged, [early, late])] {
      let report = try lineage(bundle, parents: parents)
      #expect(report.isValid, "\(report.issues)")
      #expect(report.messageIDs == original.totals.messages)
    }
  }

  @Test func mergeIsCommutativeAndIdempotent() throws {
    let early = try slice(whole, ExportScope(until: Self.split + 200_000), to: "early.tar.gz")
    let late = try slice(whole, ExportScope(since: Self.split - 200_000), to: "late.tar.gz")
    let forward = try readBytes(try merge([early, late], to: "ab.tar.gz"))
    let backward = try readBytes(try merge([late, early, late], to: "ba.tar.gz"))
    #expect(forward == backward)
    let overlapping = try FixtureBundle.load(directory.file("ab.tar.gz")).manifest
    #expect(overlapping.totals.duplicates > 0, "the overlap is held by both parents and stored once")
    #expect(try lineage(directory.file("ab.tar.gz"), parents: [early, late]).isValid)

    let itself = try merge([whole, whole], to: "self.tar.gz")
    #expect(try contents(itself) == contents(whole))
    #expect(try FixtureBundle.load(itself).manifest.lineage?.parents.count == 1)
    #expect(try lineage(itself, parents: [whole]).isValid)
  }

  @Test func slicesByConversationAndMember() throws {
    let group = try slice(whole, ExportScope(conversations: ["g1"]), to: "group.tar.gz")
    let manifest = try FixtureBundle.load(group).manifest
    #expect(manifest.conversations.map(\.id) == ["group:g1"])
    #expect(manifest.scope.conversations == ["g1"])
    #expect(try lineage(group, parents: [whole]).isValid)
    // Only the media its messages use go along.
    let wholeMedia = try FixtureBundle.load(whole).manifest.totals.media
    #expect(manifest.files.filter { $0.role == .media }.count < wholeMedia)

    let bob = try slice(whole, ExportScope(members: ["bob"]), to: "bob.tar.gz")
    let bobManifest = try FixtureBundle.load(bob).manifest
    let report = try lineage(bob, parents: [whole])
    #expect(report.isValid, "\(report.issues)")
    #expect(report.outsideScope == SampleBundle.messages().count - Int(bobManifest.totals.messages))
  }

  /// Two bundles with one message id whose copies differ: refused naming both, unless one
  /// is preferred; then the other copy is listed as skipped and the merge still proves.
  @Test func conflictingCopiesNeedAPreferredParent() throws {
    let first = directory.file("first.tar.gz")
    let second = directory.file("second.tar.gz")
    try SampleBundle.pack(to: first)
    var changed = try FixtureBundle.load(first)
    let path = try #require(changed.manifest.conversations.first { $0.id == "group:g1" }?.path)
    changed.editLines(path) { lines in
      lines[1] = Array(String(decoding: lines[1], as: UTF8.self).replacingOccurrences(of: "收到", with: "已阅").utf8)
    }
    try changed.rederiveConversationFacts()
    _ = try directory.write("second.tar.gz", try changed.gzipped())

    let refusal = #expect(throws: ChatBundleError.self) { try merge([first, second], to: "conflict.tar.gz") }
    let message = refusal.map { "\($0)" } ?? ""
    #expect(message.contains("966475220900644861") && message.contains(first) && message.contains(second))
    #expect(!FileManager.default.fileExists(atPath: directory.file("conflict.tar.gz")))

    let merged = try merge([first, second], to: "preferred.tar.gz", preferred: second)
    let manifest = try FixtureBundle.load(merged).manifest
    let secondID = try #require(try lineage(merged, parents: [first, second]).parents.first { $0.path == second })
    #expect(manifest.lineage?.preferred == secondID.bundleID)
    #expect(manifest.skipped.contains { $0.messageID == "966475220900644861" })
    let lines = try #require(try FixtureBundle.load(merged).bytes(of: path))
    #expect(String(decoding: lines, as: UTF8.self).contains("已阅"))
    #expect(try lineage(merged, parents: [first, second]).isValid)
    #expect(throws: ChatBundleError.self) { try merge([first, second], to: "x.tar.gz", preferred: "nonsense") }
  }

  // MARK: - One case per lineage issue code

  /// A slice of the whole, changed by `edit` and resealed as a forger would.
  func forgedSlice(_ edit: (inout FixtureBundle) throws -> Void) throws -> String {
    try forged(try slice(whole, ExportScope(since: Self.split), to: "honest.tar.gz"), edit)
  }

  /// `honest` changed by `edit` and resealed, so that it is valid on its own.
  func forged(_ honest: String, _ edit: (inout FixtureBundle) throws -> Void) throws -> String {
    var bundle = try FixtureBundle.load(honest)
    try edit(&bundle)
    try bundle.rederiveAllIndexes()
    return try directory.write("forged.tar.gz", try bundle.gzipped())
  }

  /// The codes `verify --parent` reports, which must include `expected`.
  func codes(_ expected: Set<LineageIssueCode>, _ bundle: String, parents: [String]) throws -> Set<LineageIssueCode> {
    #expect(BundleVerifier(path: bundle).verify().isValid, "the forgery must be valid on its own")
    let found = Set(try lineage(bundle, parents: parents).issues.map(\.code))
    #expect(expected.isSubset(of: found), "expected \(expected), found \(found)")
    return found
  }

  func firstConversation(_ bundle: FixtureBundle) -> String { bundle.manifest.conversations[0].path }

  @Test func everyLineageCodeHasACase() throws {
    var found: Set<LineageIssueCode> = []
    // L01: a bundle packed from a source.
    found.formUnion(try codes([.notDerived], whole, parents: [whole]))
    // L02: a parent that is not the one named.
    let other = directory.file("other.tar.gz")
    try SampleBundle.pack(to: other, options: PackOptions(platform: "test", timeZone: "UTC"))
    found.formUnion(
      try codes([.parentNotListed], try slice(whole, ExportScope(since: Self.split), to: "s.tar.gz"), parents: [other]))
    // L03: the parent's statement altered.
    found.formUnion(
      try codes(
        [.parentStatementMismatch], try forgedSlice { $0.manifest.lineage?.parents[0].messages += 1 }, parents: [whole])
    )
    // L04: one byte of a message changed.
    found.formUnion(
      try codes(
        [.messageChanged],
        try forgedSlice { bundle in
          bundle.editLines(firstConversation(bundle)) { lines in
            let text = String(decoding: lines[0], as: UTF8.self)
            lines[0] = Array(text.replacingOccurrences(of: "\"platform\":\"test\"", with: "\"platform\":\"tesT\"").utf8)
          }
        }, parents: [whole]))
    // L05 and L08: a message added, with a media file no parent has.
    found.formUnion(
      try codes(
        [.messageAdded, .mediaNotInParent],
        try forgedSlice { bundle in
          let extra: [UInt8] = Array("forged".utf8)
          let sha = SHA256Digest.hex(of: extra)
          let conversation = bundle.manifest.conversations[0]
          var message = Message(
            id: "zz-forged", conversation: conversation.id, timestamp: Self.split + 10_000_000, sender: "alice",
            body: .media(MediaContent(.file, reference: MediaReference(sha256: sha, size: 6))),
            source: SourceRecord(platform: "test", raw: .object(JSONObject())))
          message.mentions = []
          bundle.editLines(conversation.path) { lines in lines.append(Array(message.line().dropLast())) }
          bundle.files.append((BundleLayout.mediaPath(sha256: sha), extra))
          bundle.manifest.files.append(
            Manifest.FileEntry(
              path: BundleLayout.mediaPath(sha256: sha), size: 6, sha256: sha, role: .media,
              mediaType: "application/octet-stream"))
          bundle.manifest.files.sort { Array($0.path.utf8).lexicographicallyPrecedes(Array($1.path.utf8)) }
          bundle.manifest.totals.media += 1
          bundle.manifest.totals.mediaBytes += 6
          bundle.manifest.totals.files += 1
        }, parents: [whole]))
    // L06: a message taken out.
    found.formUnion(
      try codes(
        [.messageLost],
        try forgedSlice { bundle in bundle.editLines(firstConversation(bundle)) { $0.removeFirst() } },
        parents: [whole]))
    // L07: the scope narrowed after the fact, so the slice holds messages it says it does not.
    found.formUnion(
      try codes(
        [.messageOutsideScope], try forgedSlice { $0.manifest.scope.since = Self.split + 3 * 61_000 }, parents: [whole])
    )
    // L09: a conversation renamed.
    found.formUnion(
      try codes(
        [.metadataChanged],
        try forgedSlice { bundle in
          if let index = bundle.manifest.conversations.firstIndex(where: { $0.name != nil }) {
            bundle.manifest.conversations[index].name = "renamed"
          }
        }, parents: [whole]))
    // L10: a redacted message changed outside what its records say; L11: the commitments
    // checked with salts that are not the redaction's.
    var request = RedactionRequest()
    request.patterns = [(.regex("收到"), "r")]
    let redacted = directory.file("redacted.tar.gz")
    _ = try BundleDerivation(output: redacted).redact(
      whole, request: request, salts: RedactionSalts(key: Array(repeating: 7, count: 32)))
    found.formUnion(
      try codes(
        [.redactionMismatch],
        try forged(redacted) { bundle in
          for path in bundle.conversationPaths {
            bundle.editLines(path) { lines in
              for index in lines.indices where String(decoding: lines[index], as: UTF8.self).contains("[redacted: r]") {
                lines[index] = Array(
                  String(decoding: lines[index], as: UTF8.self).replacingOccurrences(
                    of: "11101571002822706744", with: "11101571002822706745"
                  )
                  .utf8)
              }
            }
          }
        }, parents: [whole]))
    var wrongSalts = LineageVerifier(bundle: redacted, parents: [whole])
    wrongSalts.salts = try RedactionSalts(key: Array(repeating: 8, count: 32))
    found.formUnion(try wrongSalts.verify().issues.map(\.code))
    #expect(found == Set(LineageIssueCode.allCases))
  }

  @Test func coverageMergeFillsGapsAndRefusesMisalignedPeriods() throws {
    let hour: Int64 = 3_600_000
    let a = Coverage(periods: [
      .init(start: 0, end: hour, state: "complete", records: 3), .init(start: hour, end: 2 * hour, state: "expired"),
    ])
    let b = Coverage(periods: [
      .init(start: hour, end: 2 * hour, state: "complete", records: 5),
      .init(start: 2 * hour, end: 3 * hour, state: "failed", reason: "timeout"),
    ])
    let merged = try #require(try Coverage.merged([("a", a), ("b", b)]))
    #expect(merged.periods.map(\.state) == ["complete", "complete", "failed"])
    #expect(merged.periods[1].records == 5)
    #expect(try Coverage.merged([("b", b), ("a", a)]) == merged)
    let misaligned = Coverage(periods: [.init(start: hour / 2, end: hour + hour / 2, state: "complete")])
    #expect(throws: ChatBundleError.self) { try Coverage.merged([("a", a), ("m", misaligned)]) }

    let seqA = SequenceCoverage(
      field: "seq", first: 1, last: 10, seen: 7, recordsWithout: 0, gaps: [.init(first: 3, last: 5)],
      gapsComplete: true)
    let seqB = SequenceCoverage(
      field: "seq", first: 4, last: 14, seen: 8, recordsWithout: 2, gaps: [.init(first: 11, last: 13)],
      gapsComplete: true)
    let sequence = try #require(try SequenceCoverage.merged([("a", seqA), ("b", seqB)]))
    // 3 is missed by both (b starts at 4); 11-13 are missed by b and beyond a.
    #expect(sequence.gaps == [.init(first: 3, last: 3), .init(first: 11, last: 13)])
    #expect(sequence.first == 1 && sequence.last == 14 && sequence.seen == 10 && sequence.recordsWithout == 2)
  }
}
