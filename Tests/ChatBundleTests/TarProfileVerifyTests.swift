import ArchiveIO
import ChatBundle
import ChatBundleTestSupport
import Foundation
import Testing

/// The tar profile (spec §3.2) as verify enforces it, on the archives of the outside
/// audit: what other tar readers would see differently is refused with its code, what
/// §3.2 lets vary is accepted.
@Suite struct TarProfileVerifyTests {
  func verify(_ bytes: [UInt8], limits: BundleLimits = BundleLimits()) throws -> VerificationReport {
    let directory = try TemporaryDirectory()
    return BundleVerifier(path: try directory.write("b.tar.gz", bytes), limits: limits).verify()
  }

  func codes(_ tar: RawTar) throws -> Set<IssueCode> {
    Set(try verify(tar.gzipped()).issues.map(\.code))
  }

  @Test func globalHeadersAreA09WhereverTheyAre() throws {
    let sample = try FixtureBundle.sample()
    for records in [[("size", "0")], [("path", "chatbundle/people.ndjson")], [("path", "../../x")]] {
      for position in sample.files.indices {
        let tar = sample.tar { path, tar in
          if path == sample.files[position].path { tar.addGlobalPax(records) }
        }
        let report = try verify(tar.gzipped())
        #expect(!report.isValid)
        #expect(report.issues.contains { $0.code == .paxGlobalHeader && $0.message.contains(records[0].0) })
      }
    }
    var trailing = sample.tar(end: false)
    trailing.addGlobalPax([("comment", "after the last entry")])
    trailing.end()
    #expect(try codes(trailing).contains(.paxGlobalHeader))
  }

  @Test func everyTypeflagButTheRegularOnesIsRefusedBeforeTheName() throws {
    let sample = try FixtureBundle.sample()
    for flag in UInt8.min...UInt8.max {
      var tar = sample.tar(end: false)
      tar.add("chatbundle/../x", Array("data".utf8), type: flag)
      tar.end()
      let found = try codes(tar)
      if TarHeaderAudit.isRegular(typeflag: flag) {
        #expect(found == [.unsafePath], "typeflag \(flag): \(found)")
      } else {
        // An entry type is B03 before its name is looked at; extension headers (pax, GNU,
        // Solaris) belong to no entry, and what follows them is malformed or missing.
        #expect(!found.isEmpty && !found.contains(.unsafePath), "typeflag \(flag): \(found)")
        let extensionHeader = Array("xgLKAXV".utf8).contains(flag)
        #expect(extensionHeader || found.contains(.notRegularFile), "typeflag \(flag): \(found)")
      }
    }
  }

  @Test func aRegularTypeflagOfNULOrSevenIsAccepted() throws {
    let sample = try FixtureBundle.sample()
    for flag: UInt8 in [0, UInt8(ascii: "7")] {
      var tar = RawTar()
      tar.add(BundleLayout.entryName(BundleLayout.manifest), sample.manifest.serialized(), type: flag)
      for file in sample.files { tar.add(BundleLayout.entryName(file.path), file.bytes, type: flag) }
      tar.end()
      let report = try verify(tar.gzipped())
      #expect(report.isValid && report.issues.isEmpty, "\(report.issues)")
    }
  }

  @Test func paxSparseFilesAreB04() throws {
    let sample = try FixtureBundle.sample()
    let media = try #require(sample.mediaPaths.first)
    let tar = sample.tar { path, tar in
      if path == media {
        tar.addPax([("GNU.sparse.major", "1"), ("GNU.sparse.minor", "0"), ("GNU.sparse.realsize", "9999")])
      }
    }
    #expect(try codes(tar).contains(.sparseEntry))
  }

  @Test func keywordsOtherThanPathSizeAndMtimeAreA10() throws {
    let sample = try FixtureBundle.sample()
    for keyword in ["uid", "uname", "atime", "linkpath", "hdrcharset", "comment", "SCHILY.xattr.user.a"] {
      let tar = sample.tar { path, tar in
        if path == BundleLayout.people { tar.addPax([(keyword, "0")]) }
      }
      #expect(try codes(tar).contains(.paxKeywordNotAllowed), "\(keyword)")
    }
  }

  @Test func allowedPaxRecordsAndVariedHeadersAreValid() throws {
    let sample = try FixtureBundle.sample()
    var tar = RawTar()
    let entries =
      [(BundleLayout.entryName(BundleLayout.manifest), sample.manifest.serialized())]
      + sample.files.map { (BundleLayout.entryName($0.path), $0.bytes) }
    for (index, (name, data)) in entries.enumerated() {
      if index % 2 == 0 { tar.addPax([("path", name), ("size", String(data.count)), ("mtime", "1741568400.25")]) }
      var header = RawTar.Header(name: Array(name.utf8))
      header.mode = Array("000600 ".utf8)
      header.uid = RawTar.octal(1000 + index, width: 8)
      header.uname = Array("someone".utf8)
      header.mtime = Array("   14757713560 ".utf8)
      header.checksum = index % 3 == 0 ? .sevenDigitsNUL : .sixDigitsNULSpace
      if index % 3 == 1, let slash = name.firstIndex(of: "/") {
        header.prefix = Array(name[..<slash].utf8)
        header.name = Array(name[name.index(after: slash)...].utf8)
      }
      tar.add(header, data)
    }
    tar.end()
    tar.append([UInt8](repeating: 0, count: 9216))
    let report = try verify(tar.gzipped())
    #expect(report.isValid && report.issues.isEmpty, "\(report.issues)")
  }

  @Test func readersThatWouldSeeAnotherNameAreA11() throws {
    let report = try verify(VerifyFixtures.make(.tarParserDisagreement).bytes)
    let issue = try #require(report.issues.first { $0.code == .tarParserDisagreement })
    #expect(issue.message.contains("chatbundle//people.ndjson"))
  }

  @Test func gigabytesOfZerosAfterTheEndStopAtTheLimit() throws {
    var bytes = try FixtureBundle.sample().gzipped()
    let zeros = try GzipDeflater.compress([UInt8](repeating: 0, count: 64 << 20), level: 9)
    for _ in 0..<32 { bytes += zeros }  // 2 GiB once inflated
    let started = Date()
    let report = try verify(bytes)
    #expect(report.issues.map(\.code) == [.limitExceeded])
    #expect(Date().timeIntervalSince(started) < 5)

    var limits = BundleLimits()
    limits.endPaddingBytes = 1 << 30
    var padded = try FixtureBundle.sample().tar()
    padded.append([UInt8](repeating: 0, count: 100_000))
    #expect(try verify(padded.gzipped(), limits: limits).isValid)
    #expect(try verify(padded.gzipped()).issues.map(\.code) == [.limitExceeded])
  }
}
