import ArchiveIO
import ChatBundleTestSupport
import Foundation
import Testing

/// The strict tar parser that reads every header beside libarchive: what it reports for
/// archives other tar readers would see differently, and that it stays quiet for what our
/// writer and libarchive's restricted pax writer produce.
@Suite struct TarHeaderAuditorTests {
  struct Outcome {
    var headers: [TarEntryHeader] = []
    var error: ArchiveError?
    var problems: [TarHeaderProblem] { headers.flatMap(\.audit.problems) + (error?.tarProblems ?? []) }
  }

  func read(_ tar: RawTar, limits: TarReaderLimits = TarReaderLimits()) throws -> Outcome {
    try read(gzipped: tar.gzipped(), limits: limits)
  }

  func read(gzipped bytes: [UInt8], limits: TarReaderLimits = TarReaderLimits()) throws -> Outcome {
    let directory = try TemporaryDirectory()
    var outcome = Outcome()
    do {
      let reader = try TarGzReader(path: directory.write("a.tar.gz", bytes), limits: limits)
      while let header = try reader.nextEntry() {
        outcome.headers.append(header)
        try reader.skipData()
      }
    } catch let error as ArchiveError {
      outcome.error = error
    }
    return outcome
  }

  func archive(_ build: (inout RawTar) -> Void) -> RawTar {
    var tar = RawTar()
    tar.add("root/a.txt", Array("hello".utf8))
    build(&tar)
    tar.add("root/b.txt", Array("world".utf8))
    tar.end()
    return tar
  }

  @Test func aPlainArchiveHasNoProblems() throws {
    let outcome = try read(archive { _ in })
    #expect(outcome.error == nil)
    #expect(outcome.headers.count == 2)
    #expect(outcome.problems.isEmpty, "\(outcome.problems)")
    #expect(outcome.headers.allSatisfy { $0.audit.audited && $0.audit.typeflag == UInt8(ascii: "0") })
    #expect(outcome.headers[1].audit.offset == 1024)
    #expect(outcome.headers[1].audit.path == Array("root/b.txt".utf8))
  }

  @Test func whatOurWriterWritesForLongNamesAndLateTimesIsAllowed() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("w.tar.gz")
    let writer = try TarGzWriter(path: path)
    let long = "root/" + String(repeating: "n", count: 150)
    try writer.beginEntry(path: long, size: 3, modificationTime: 1_700_000_000)
    try writer.write(Array("abc".utf8))
    // 2200-01-01: beyond the 32-bit time libarchive keeps in ustar.
    try writer.beginEntry(path: "root/late", size: 1, modificationTime: 7_258_118_400)
    try writer.write([1])
    let split = "root/" + String(repeating: "d", count: 90) + "/" + String(repeating: "f", count: 90)
    try writer.beginEntry(path: split, size: 0, modificationTime: 1_700_000_000)
    try writer.finish()
    let outcome = try read(gzipped: readBytes(path))
    #expect(outcome.error == nil)
    #expect(outcome.problems.isEmpty, "\(outcome.problems)")
    #expect(outcome.headers.map(\.audit.paxKeywords) == [["path"], ["mtime"], []])
    #expect(outcome.headers.map(\.path) == [long, "root/late", split])
  }

  @Test func libarchivesFormForEightGiBIsAllowed() throws {
    // What archive_write_set_format_pax_restricted writes for a file of 8 GiB: a pax size
    // and the size field in twelve octal digits with no terminator.
    var tar = RawTar()
    tar.addPax([("size", "8589934592")])
    var header = RawTar.Header(name: Array("root/big".utf8))
    header.size = Array("100000000000".utf8)
    tar.add(header, [])
    let outcome = try read(tar)
    let first = try #require(outcome.headers.first)
    #expect(first.size == 8_589_934_592 && first.audit.size == 8_589_934_592)
    #expect(first.audit.problems.isEmpty, "\(first.audit.problems)")
    #expect(first.audit.paxKeywords == ["size"])
    #expect(outcome.error?.kind == .truncated)
  }

  @Test func aGlobalHeaderIsReportedWithItsKeywords() throws {
    let outcome = try read(archive { $0.addGlobalPax([("path", "root/a.txt"), ("size", "0")]) })
    #expect(outcome.error == nil)
    #expect(outcome.headers[1].audit.globalHeader)
    #expect(outcome.headers[1].audit.problems == [.globalHeader(keywords: ["path", "size"])])
  }

  @Test func aGlobalHeaderAfterTheLastEntryStopsTheReader() throws {
    var tar = RawTar()
    tar.add("root/a.txt", Array("hello".utf8))
    tar.addGlobalPax([("comment", "libarchive ends here quietly")])
    tar.end()
    let outcome = try read(tar)
    #expect(outcome.headers.count == 1)
    #expect(outcome.error?.tarProblems == [.globalHeader(keywords: ["comment"])])
  }

  @Test func sparseAndOtherKeywordsAreProblems() throws {
    let sparse = try read(
      archive {
        $0.addPax([
          ("GNU.sparse.major", "1"), ("GNU.sparse.minor", "0"), ("GNU.sparse.name", "root/s"),
          ("GNU.sparse.realsize", "4096"),
        ])
        $0.add(
          "root/GNUSparseFile.0/s", Array("1\n0\n5\n".utf8) + [UInt8](repeating: 0, count: 506) + Array("abcde".utf8))
      })
    let entry = try #require(sparse.headers.first { $0.audit.gnuExtensions })
    #expect(entry.audit.isSparse)
    #expect(entry.audit.problems.contains(.sparseKeyword("GNU.sparse.major")))

    let other = try read(archive { $0.addPax([("uname", "root"), ("mtime", "1.5"), ("linkpath", "/etc")]) })
    #expect(
      other.headers[1].audit.problems == [.paxKeywordNotAllowed("uname"), .paxKeywordNotAllowed("linkpath")])
    #expect(other.headers[1].audit.paxKeywords == ["uname", "mtime", "linkpath"])
  }

  @Test func malformedPaxHeadersAreProblems() throws {
    func problems(_ body: String) throws -> [TarHeaderProblem] {
      try read(archive { $0.addPax(body: Array(body.utf8)) }).problems
    }
    #expect(try problems("011 path=x\n").contains { if case .malformedPaxRecord = $0 { true } else { false } })
    #expect(try problems("11 path=ab\n\0").contains { if case .malformedPaxRecord = $0 { true } else { false } })
    #expect(try problems("9 =value\n").contains { if case .malformedPaxRecord = $0 { true } else { false } })
    #expect(try problems("12 size=012\n").contains(.paxValue("size")))
    #expect(try problems("11 mtime=x\n") == [.paxValue("mtime")])
    #expect(try problems("19 path=root/b.txt\n19 path=root/b.txt\n") == [.duplicatePaxKeyword("path")])

    var twice = RawTar()
    twice.addPax([("mtime", "1")])
    twice.addPax([("mtime", "2")])
    twice.add("root/a", [])
    twice.end()
    #expect(try read(twice).headers[0].audit.problems == [.repeatedPaxHeader])
  }

  @Test func aPaxSizeMustMatchTheHeadersSize() throws {
    var tar = RawTar()
    tar.addPax([("size", "0")])
    tar.add("root/a.txt", Array("hello".utf8))
    tar.end()
    let outcome = try read(tar)
    #expect(outcome.headers[0].audit.problems.contains(.paxSizeDiffers(pax: 0, header: 5)))
  }

  @Test func gnuLongNamesAreExtensionHeaders() throws {
    let outcome = try read(
      archive {
        $0.add("././@LongLink", Array("root/long-name\0".utf8), type: UInt8(ascii: "L"))
        $0.add("root/short", Array("x".utf8))
      })
    let entry = outcome.headers[1]
    #expect(entry.path == "root/long-name" && entry.audit.path == Array("root/long-name".utf8))
    #expect(entry.audit.gnuExtensions)
    #expect(entry.audit.problems == [.extensionHeader(UInt8(ascii: "L"))])
  }

  @Test func everyTypeflagButTheRegularOnesIsAProblem() throws {
    for flag in UInt8.min...UInt8.max {
      var tar = RawTar()
      tar.add("root/entry", Array("data".utf8), type: flag)
      tar.add("root/after", Array("after".utf8))
      tar.end()
      let outcome = try read(tar)
      let problems = outcome.problems
      if TarHeaderAudit.isRegular(typeflag: flag) {
        #expect(problems.isEmpty && outcome.error == nil, "typeflag \(flag): \(problems)")
      } else {
        #expect(!problems.isEmpty || outcome.error != nil, "typeflag \(flag) passes")
      }
    }
  }

  @Test func readersThatJoinPrefixAndNameDifferentlyAreCaught() throws {
    var tar = RawTar()
    var header = RawTar.Header(name: Array("a.txt".utf8))
    header.prefix = Array("root/".utf8)
    tar.add(header, Array("x".utf8))
    tar.end()
    let problems = try read(tar).problems
    #expect(problems.contains(.pathSplit))
    #expect(problems.contains { if case .disagreement = $0 { true } else { false } })
  }

  @Test func fieldsMustBeStrict() throws {
    // The second entry: libarchive refuses a first header it cannot bid on as "not tar".
    func problems(_ edit: (inout RawTar.Header) -> Void) throws -> [TarHeaderProblem] {
      var tar = RawTar()
      tar.add("root/first", [])
      var header = RawTar.Header(name: Array("root/a.txt".utf8))
      edit(&header)
      tar.add(header, Array("hello".utf8))
      tar.end()
      return try read(tar).problems
    }
    #expect(try problems { _ in }.isEmpty)
    #expect(try problems { $0.checksum = .sevenDigitsNUL }.isEmpty)
    #expect(try problems { $0.mode = Array("  644 ".utf8) }.isEmpty)
    #expect(try problems { $0.mtime = [0x80] + [UInt8](repeating: 0, count: 7) + [0, 0, 1, 0] }.isEmpty)
    #expect(
      try problems {
        $0.uname = [0xe4, 0xb8, 0xad]
        $0.checksum = .signed
      } == [.checksum])
    #expect(try problems { $0.mode = Array("000064x".utf8) } == [.malformedField("mode")])
    #expect(try problems { $0.uid = [] } == [.malformedField("uid")])
    #expect(try problems { $0.name = Array("root/a.txt\0junk".utf8) } == [.malformedField("name")])
    #expect(try problems { $0.linkName = Array("root/b".utf8) } == [.malformedField("linkname")])
    #expect(try problems { $0.size = [0x80] + [UInt8](repeating: 0, count: 10) + [5] } == [.malformedField("size")])
  }

  @Test func paddingAfterTheEndIsBounded() throws {
    var tar = archive { _ in }
    tar.append([UInt8](repeating: 0, count: 9216))
    #expect(try read(tar).error == nil)

    var limits = TarReaderLimits()
    limits.endPaddingBytes = 4096
    #expect(try read(tar, limits: limits).error?.kind == .limitExceeded)

    // 10 MB of compressed zeros (about 10 GB once inflated) stop at the limit at once.
    var bomb = try archive { _ in }.gzipped()
    let zeros = try GzipDeflater.compress([UInt8](repeating: 0, count: 64 << 20), level: 9)
    for _ in 0..<16 { bomb += zeros }
    let start = Date()
    let outcome = try read(gzipped: bomb)
    #expect(outcome.error?.kind == .limitExceeded)
    #expect(Date().timeIntervalSince(start) < 5)
  }

  @Test func aSingleZeroBlockIsNotAnEnd() throws {
    var tar = RawTar()
    tar.add("root/a", [UInt8](repeating: 0, count: 512))
    tar.append([UInt8](repeating: 0, count: 512))
    #expect(try read(tar).error?.kind == .truncated)
  }

  @Test func theQueueOfEntriesAheadOfLibarchiveIsBounded() throws {
    var tar = RawTar()
    for index in 0..<50 { tar.add("root/\(index)", []) }
    tar.end()
    var limits = TarReaderLimits()
    limits.pendingEntries = 10
    #expect(try read(tar, limits: limits).error?.kind == .limitExceeded)
    #expect(try read(tar).error == nil)
  }
}
