import ChatBundle
import ChatBundleTestSupport
import Testing

/// The manifest's `lineage` (spec §7.15): written only from 1.4 on, read back as written,
/// and refused (C04) when its members do not fit its operation.
@Suite struct LineageTests {
  static let parentA = String(repeating: "a", count: 64)
  static let parentB = String(repeating: "b", count: 64)

  func verify(_ bundle: FixtureBundle) throws -> VerificationReport {
    let directory = try TemporaryDirectory()
    return BundleVerifier(path: try directory.write("b.tar.gz", try bundle.gzipped())).verify()
  }

  /// The sample with `lineage` as raw JSON spliced into its manifest.
  func sample(lineage json: String, version: FormatVersion = .withLineage) throws -> FixtureBundle {
    var bundle = try FixtureBundle.sample()
    bundle.manifest.formatVersion = version
    var bytes = bundle.manifest.serialized()
    bytes.removeLast(2)  // the closing brace and the newline
    bundle.manifestBytes = bytes + Array((#","lineage":"# + json + "}\n").utf8)
    return bundle
  }

  @Test func aMergeWithTwoParentsReadsBackAsWritten() throws {
    var bundle = try FixtureBundle.sample()
    let lineage = Lineage(
      operation: .merge,
      parents: [
        .init(bundleID: Self.parentB, created: 1_700_000_000, messages: 3),
        .init(bundleID: Self.parentA, created: 1_600_000_000, messages: 2),
      ], preferred: Self.parentB)
    bundle.manifest.lineage = lineage
    bundle.manifest.formatVersion = .withLineage
    let report = try verify(bundle)
    #expect(report.isValid, "\(report.issues)")
    #expect(report.manifest?.lineage == lineage)
    // Parents are kept in bundle-id order whatever order they were given in.
    #expect(report.manifest?.lineage?.parents.map(\.bundleID) == [Self.parentA, Self.parentB])
    let text = String(decoding: bundle.manifest.serialized(), as: UTF8.self)
    #expect(text.hasSuffix(#""preferred":"\#(Self.parentB)"}}"# + "\n"))
  }

  @Test func aSealedChainLinkIsValid() throws {
    let report = try verify(
      sample(
        lineage: #"{"operation":"seal","parents":[],"archive":"term-1","sequence":2,"previous":"\#(Self.parentA)"}"#)
    )
    #expect(report.isValid, "\(report.issues)")
    #expect(report.manifest?.lineage?.previous == Self.parentA)
    #expect(report.manifest?.lineage?.sequence == 2)
  }

  @Test(arguments: [
    // Each is refused, and the message names what is wrong.
    (#"{"operation":"copy","parents":[]}"#, "unknown operation"),
    (#"{"operation":"slice","parents":[]}"#, "exactly one parent"),
    (
      #"{"operation":"merge","parents":[{"bundle_id":"\#(parentB)","created":"2024-01-01T00:00:00Z","messages":1},{"bundle_id":"\#(parentA)","created":"2024-01-01T00:00:00Z","messages":1}]}"#,
      "sorted"
    ),
    (#"{"operation":"seal","parents":[],"archive":"x","sequence":1,"previous":"\#(parentA)"}"#, "absent for the first"),
    (#"{"operation":"seal","parents":[],"archive":"x","sequence":3}"#, "required after the first"),
    (#"{"operation":"seal","parents":[],"sequence":1}"#, "archive"),
    (
      #"{"operation":"slice","parents":[{"bundle_id":"\#(parentA)","created":"2024-01-01T00:00:00Z","messages":1}],"previous":"\#(parentA)"}"#,
      "sealed bundles only"
    ),
    (
      #"{"operation":"redact","parents":[{"bundle_id":"\#(parentA)","created":"2024-01-01T00:00:00Z","messages":1}]}"#,
      "required for a redaction"
    ),
    (
      #"{"operation":"merge","parents":[{"bundle_id":"\#(parentA)","created":"2024-01-01T00:00:00Z","messages":1}],"preferred":"\#(parentB)"}"#,
      "must name a parent"
    ),
    (
      #"{"operation":"slice","parents":[{"bundle_id":"A","created":"2024-01-01T00:00:00Z","messages":1}]}"#,
      "64 lowercase hex"
    ),
  ])
  func aLineageThatDoesNotFitItsOperationIsRefused(json: String, expected: String) throws {
    let report = try verify(sample(lineage: json))
    let issue = try #require(report.issues.first, "no issue for \(json)")
    #expect(issue.code == .manifestSchema)
    #expect(issue.message.contains("lineage"), "\(issue.message)")
    #expect(issue.message.contains(expected), "\(issue.message)")
    #expect(!report.isValid)
  }

  @Test func aLineageInAnOlderVersionIsRefused() throws {
    let report = try verify(
      sample(lineage: #"{"operation":"seal","parents":[],"archive":"x","sequence":1}"#, version: .withAnnotations))
    #expect(report.issues.first?.code == .manifestSchema, "\(report.issues)")
    #expect(report.issues.first?.message.contains("needs format_version 1.4") == true, "\(report.issues)")
  }

  @Test func aBuilderWritesLineageAsVersionOnePointFourAndNothingElseChanges() throws {
    let directory = try TemporaryDirectory()
    let plain = try SampleBundle.pack(to: directory.file("plain.tar.gz"))
    let sealed = try SampleBundle.pack(to: directory.file("sealed.tar.gz")) { builder in
      builder.lineage = Lineage(operation: .seal, archive: "term-1", sequence: 1)
    }
    let plainReport = BundleVerifier(path: directory.file("plain.tar.gz")).verify()
    let sealedReport = BundleVerifier(path: directory.file("sealed.tar.gz")).verify()
    #expect(sealedReport.isValid, "\(sealedReport.issues)")
    #expect(sealedReport.manifest?.formatVersion == .withLineage)
    #expect(plainReport.manifest?.formatVersion != .withLineage)
    var withoutLineage = try #require(sealedReport.manifest)
    withoutLineage.lineage = nil
    withoutLineage.formatVersion = try #require(plainReport.manifest?.formatVersion)
    #expect(withoutLineage == plainReport.manifest)
    #expect(plain.0.bundleID != sealed.0.bundleID)
  }
}
