import ChatBundle
import ChatBundleTestSupport
import Testing

/// Format 1.2's custody and coverage: one form on disk, refused (C04) when broken, and
/// the verifier reading them in a real bundle.
@Suite struct CoverageFormatTests {
  func hour(_ index: Int64, state: String = "complete") -> Coverage.Period {
    Coverage.Period(
      start: 1_741_568_400_000 + index * 3_600_000, end: 1_741_568_400_000 + (index + 1) * 3_600_000,
      sourceKey: "k\(index)", state: state, records: state == "complete" ? 3 : nil,
      reason: state == "expired" ? "HTTP 400" : nil)
  }

  func manifest(custody: Custody? = nil, coverage: Coverage? = nil, version: FormatVersion = .withCustodyAndCoverage)
    throws -> Manifest
  {
    var manifest = try FixtureBundle.sample().manifest
    manifest.formatVersion = version
    manifest.custody = custody
    manifest.coverage = coverage
    return manifest
  }

  func decode(_ manifest: Manifest) throws -> Manifest { try Manifest(json: JSONParser.parse(manifest.serialized())) }

  func decode(_ text: String) throws -> Manifest { try Manifest(json: JSONParser.parse(Array(text.utf8))) }

  /// The sample's manifest with `member` added as raw JSON text at the end.
  func manifestText(adding member: String, version: String = "1.2") throws -> String {
    var text = String(decoding: try manifest().serialized().dropLast(), as: UTF8.self)
    text = text.replacingOccurrences(of: "\"format_version\":\"1.2\"", with: "\"format_version\":\"\(version)\"")
    text.removeLast()
    return text + "," + member + "}"
  }

  @Test func custodyAndCoverageSurviveTheirManifest() throws {
    let sequence = SequenceCoverage(
      field: "seq", first: 10, last: 30, seen: 17, recordsWithout: 2,
      gaps: [.init(first: 12, last: 13), .init(first: 20, last: 21)], gapsComplete: true)
    let original = try manifest(
      custody: Custody(exportedBy: "教务处", purpose: "学期归档"),
      coverage: Coverage(periods: [hour(0), hour(1, state: "expired"), hour(2, state: "empty")], sequence: sequence))
    let decoded = try decode(original)
    #expect(decoded.custody == original.custody)
    #expect(decoded.coverage == original.coverage)
    #expect(decoded.serialized() == original.serialized())
    let summary = CoverageSummary(decoded)
    #expect(summary.gaps.map(\.state) == ["expired", "absent", "absent"])
    #expect(summary.gaps.first?.firstKey == "k1")
  }

  @Test func withoutThemTheManifestKeepsItsBytes() throws {
    let sample = try FixtureBundle.sample().manifest
    #expect(!String(decoding: sample.serialized(), as: UTF8.self).contains("custody"))
    #expect(try decode(sample).custody == nil && decode(sample).coverage == nil)
  }

  @Test(arguments: [
    ("\"custody\":{\"purpose\":\"x\"}", "1.1", "custody"),
    ("\"coverage\":{\"periods\":[]}", "1.0", "coverage"),
    ("\"custody\":{}", "1.2", "custody"),
    ("\"custody\":{\"purpose\":\"\"}", "1.2", "custody.purpose"),
    ("\"coverage\":{}", "1.2", "coverage.periods"),
    (
      "\"coverage\":{\"periods\":[{\"start\":\"2025-03-10T01:00:00Z\",\"end\":\"2025-03-10T01:00:00Z\",\"state\":\"complete\"}]}",
      "1.2", "coverage.periods[0].end"
    ),
    (
      "\"coverage\":{\"periods\":[{\"start\":\"2025-03-10T01:00:00Z\",\"end\":\"2025-03-10T03:00:00Z\",\"state\":\"complete\"},{\"start\":\"2025-03-10T02:00:00Z\",\"end\":\"2025-03-10T04:00:00Z\",\"state\":\"complete\"}]}",
      "1.2", "coverage.periods[1].start"
    ),
    (
      "\"coverage\":{\"periods\":[{\"start\":\"2025-03-10T01:00:00Z\",\"end\":\"2025-03-10T02:00:00Z\",\"state\":\"Expired!\"}]}",
      "1.2", "coverage.periods[0].state"
    ),
    (
      "\"coverage\":{\"periods\":[],\"sequence\":{\"field\":\"seq\",\"first\":1,\"last\":10,\"seen\":9,\"records_without\":0,\"gaps\":[{\"first\":4,\"last\":5}],\"gaps_complete\":true}}",
      "1.2", "coverage.sequence.seen"
    ),
    (
      "\"coverage\":{\"periods\":[],\"sequence\":{\"field\":\"seq\",\"first\":1,\"last\":10,\"seen\":8,\"records_without\":0,\"gaps\":[{\"first\":1,\"last\":2}],\"gaps_complete\":true}}",
      "1.2", "coverage.sequence.gaps[0].first"
    ),
    (
      "\"coverage\":{\"periods\":[],\"sequence\":{\"field\":\"seq\",\"first\":0,\"last\":9223372036854775807,\"seen\":9223372036854775807,\"records_without\":0,\"gaps\":[{\"first\":1,\"last\":9223372036854775806}],\"gaps_complete\":true}}",
      "1.2", "coverage.sequence.seen"
    ),
  ])
  func brokenCustodyOrCoverageIsRefused(member: String, version: String, field: String) throws {
    let text = try manifestText(adding: member, version: version)
    do {
      _ = try decode(text)
      Issue.record("\(member) in \(version) was accepted")
    } catch {
      guard let decoding = error as? Manifest.DecodingProblem, case .schema(let problem) = decoding else {
        Issue.record("\(error)")
        return
      }
      #expect(problem.field == field, "\(problem)")
    }
  }

  /// The verifier refuses a sealed bundle whose coverage breaks the form, with C04.
  @Test func aSealedBundleWithBrokenCoverageIsC04() throws {
    var bundle = try FixtureBundle.sample()
    bundle.manifest.formatVersion = .withCustodyAndCoverage
    bundle.manifest.coverage = Coverage(periods: [hour(1), hour(0)])
    bundle.reseal()
    let directory = try TemporaryDirectory()
    let path = try directory.write("b.tar.gz", bundle.gzipped())
    let report = BundleVerifier(path: path).verify()
    #expect(report.issues.contains { $0.code == .manifestSchema }, "\(report.issues)")
    bundle.manifest.coverage = Coverage(periods: [hour(0), hour(1, state: "expired")])
    bundle.reseal()
    let good = try directory.write("g.tar.gz", bundle.gzipped())
    #expect(BundleVerifier(path: good).verify().isValid)
  }
}
