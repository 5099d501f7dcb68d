import ChatBundle
import ChatBundleTestSupport
import Foundation
import Testing

@Suite struct VerifyFixtureTests {
  func verify(_ fixture: VerifyFixtures.Fixture) throws -> VerificationReport {
    let directory = try TemporaryDirectory()
    let path = try directory.write("fixture.tar.gz", fixture.bytes)
    return BundleVerifier(path: path, limits: fixture.limits).verify()
  }

  @Test func theUndamagedSampleIsValidWithNoIssues() throws {
    let report = try verify(VerifyFixtures.Fixture(bytes: FixtureBundle.sample().gzipped()))
    #expect(report.isValid)
    #expect(report.issues.isEmpty, "\(report.issues)")
  }

  @Test(arguments: IssueCode.allCases)
  func eachCodeHasAFixtureThatTriggersIt(_ code: IssueCode) throws {
    let report = try verify(VerifyFixtures.make(code))
    let codes = report.issues.map(\.code)
    #expect(codes.contains(code), "\(code.rawValue)_\(code.slug): got \(report.issues.map(\.description))")
    if code.severity == .warning {
      // A warning alone does not make a bundle invalid.
      #expect(report.isValid, "\(code.rawValue): \(report.issues.map(\.description))")
      #expect(codes.allSatisfy { $0.severity == .warning })
    } else {
      #expect(!report.isValid)
    }
  }

  @Test func lineProblemsNameTheFileAndLine() throws {
    let report = try verify(VerifyFixtures.make(.messageOrder))
    let issue = try #require(report.issues.first { $0.code == .messageOrder })
    #expect(issue.path?.hasPrefix("conversations/") == true)
    #expect(issue.line == 2)
  }

  @Test func theReportNamesTheBundleIDEvenWhenContentIsDamaged() throws {
    let sample = try FixtureBundle.sample()
    let report = try verify(VerifyFixtures.make(.digestMismatch))
    #expect(report.bundleID == SHA256Digest.hex(of: sample.manifest.serialized()))
  }

  @Test func theTarProfileFixturesSayWhatOtherReadersWouldDo() throws {
    let global = try verify(VerifyFixtures.make(.paxGlobalHeader))
    #expect(global.issues.map(\.code) == [.paxGlobalHeader])
    #expect(global.issues.first?.message.contains("path") == true)
    let keyword = try verify(VerifyFixtures.make(.paxKeywordNotAllowed))
    #expect(keyword.issues.map(\.code) == [.paxKeywordNotAllowed])
    let disagreement = try verify(VerifyFixtures.make(.tarParserDisagreement))
    #expect(Set(disagreement.issues.map(\.code)) == [.malformedTarHeader, .tarParserDisagreement])
  }

  @Test func newerMajorVersionSaysToUpgrade() throws {
    let report = try verify(VerifyFixtures.make(.newerMajorVersion))
    let issue = try #require(report.issues.first { $0.code == .newerMajorVersion })
    #expect(issue.message.contains("2.0") && issue.message.contains("upgrade"))
  }
}
