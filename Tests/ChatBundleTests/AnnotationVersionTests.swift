import ChatBundle
import ChatBundleTestSupport
import Testing

/// Format 1.3's message members are read only from 1.3 bundles: an older writer may have
/// used the same names for something else, and its bundles must keep their verdict.
@Suite struct AnnotationVersionTests {
  func verify(_ bundle: FixtureBundle) throws -> VerificationReport {
    let directory = try TemporaryDirectory()
    return BundleVerifier(path: try directory.write("b.tar.gz", try bundle.gzipped())).verify()
  }

  /// The sample with `member` spliced into its first message line, resealed.
  func sample(adding member: String, version: FormatVersion, features: [String] = []) throws -> FixtureBundle {
    var bundle = try FixtureBundle.sample()
    let path = try #require(bundle.conversationPaths.first)
    bundle.editLines(path) { lines in
      var line = lines[0]
      line.removeLast()  // the closing brace
      lines[0] = line + Array(("," + member + "}").utf8)
    }
    bundle.manifest.formatVersion = version
    bundle.manifest.requiredFeatures = features
    bundle.reseal()
    return bundle
  }

  @Test func anOlderBundleWithTheSameNamesUsedOtherwiseStaysValid() throws {
    let report = try verify(sample(adding: #""reactions":"three hearts","edit_target":7"#, version: .initial))
    #expect(report.isValid, "\(report.issues)")
  }

  @Test func aCurrentBundleChecksThem() throws {
    let report = try verify(sample(adding: #""reactions":"three hearts""#, version: .withAnnotations))
    // A line that breaks the schema is not counted, so the index checks follow from it.
    #expect(report.issues.first?.code == .recordSchema, "\(report.issues)")
    #expect(report.issues.first?.message.contains("reactions") == true)
    let short = try verify(
      sample(adding: #""reactions":[{"emoji":"👍","count":1,"users":["a","b"]}]"#, version: .withAnnotations))
    #expect(short.issues.first?.message.contains("less than the 2 users") == true, "\(short.issues)")
  }

  @Test func aRevisionNeedsItsFeature() throws {
    let unlisted = try verify(sample(adding: #""edit_target":"m-1""#, version: .withAnnotations))
    #expect(unlisted.issues.map(\.code) == [.recordSchema], "\(unlisted.issues)")
    #expect(unlisted.issues.first?.message.contains("message-revisions") == true)
    let listed = try verify(
      sample(adding: #""edit_target":"m-1""#, version: .withAnnotations, features: ["message-revisions"]))
    #expect(listed.isValid, "\(listed.issues)")
  }
}
