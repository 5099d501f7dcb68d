import ArchiveIO
import ChatBundle
import ChatBundleTestSupport
import Testing

/// Rules added after the spec review: each is a way a hostile or sloppy bundle could pass.
@Suite struct StrictnessTests {
  func verify(_ bytes: [UInt8]) throws -> VerificationReport {
    let directory = try TemporaryDirectory()
    return BundleVerifier(path: try directory.write("b.tar.gz", bytes)).verify()
  }

  func verifyManifestText(_ edit: (String) -> String) throws -> VerificationReport {
    var bundle = try FixtureBundle.sample()
    bundle.manifestBytes = Array(edit(String(decoding: bundle.manifest.serialized(), as: UTF8.self)).utf8)
    return try verify(bundle.gzipped())
  }

  @Test func aTarWithoutItsEndMarkerIsTruncated() throws {
    let report = try verify(FixtureBundle.sample().tar(end: false).gzipped())
    #expect(report.issues.map(\.code).contains(.truncated), "\(report.issues)")
  }

  @Test func gnuTarHeadersAreNotAccepted() throws {
    var tar = try FixtureBundle.sample().tar(end: false)
    var gnu = RawTar()
    gnu.add("chatbundle/gnu", [1])
    var header = gnu.bytes
    // GNU magic "ustar  \0" instead of POSIX "ustar\000"; the checksum is recomputed.
    for (offset, byte) in Array("ustar  \u{0}".utf8).enumerated() { header[257 + offset] = byte }
    for index in 148..<156 { header[index] = 0x20 }
    let sum = header[0..<512].reduce(0) { $0 + Int($1) }
    for (offset, byte) in Array((String(sum, radix: 8).leftPadded(6) + "\u{0} ").utf8).enumerated() {
      header[148 + offset] = byte
    }
    tar.append(header)
    tar.end()
    let report = try verify(tar.gzipped())
    #expect(report.issues.contains { $0.code == .malformedTarHeader && $0.message.contains("GNU") }, "\(report.issues)")
  }

  @Test func directoryEntriesAreReportedAsNotRegularFiles() throws {
    var tar = try FixtureBundle.sample().tar(end: false)
    tar.add("chatbundle/", type: UInt8(ascii: "5"))
    tar.end()
    let report = try verify(tar.gzipped())
    #expect(report.issues.map(\.code) == [.notRegularFile], "\(report.issues)")
  }

  @Test func createdMustBeInItsOneCanonicalForm() throws {
    for variant in ["T03:45:21Z\"", "T03:45:21.000Z\"", "t03:45:21Z\""] {
      let report = try verifyManifestText { text in
        guard let range = text.range(of: #"T\d\d:\d\d:\d\dZ""#, options: .regularExpression) else { return text }
        return text.replacingCharacters(
          in: range, with: variant.replacingOccurrences(of: "03:45:21", with: String(text[range].dropFirst().prefix(8)))
        )
      }
      if variant == "T03:45:21Z\"" {
        #expect(report.isValid)
      } else {
        #expect(report.issues.map(\.code).contains(.manifestSchema), "\(variant): \(report.issues)")
      }
    }
  }

  @Test func manifestListsMustBeSortedBytewise() throws {
    var bundle = try FixtureBundle.sample()
    bundle.manifest.conversations.reverse()
    let report = try verify(bundle.gzipped())
    #expect(report.issues.contains { $0.code == .manifestSchema && $0.message.contains("sorted") }, "\(report.issues)")
  }

  @Test func missingReasonsAreCodes() throws {
    let report = try verifyManifestText {
      $0.replacingOccurrences(of: "\"reason\":\"not_found\"", with: "\"reason\":\"Not Found!\"")
    }
    #expect(report.issues.map(\.code).contains(.manifestSchema))
  }

  @Test func version0IsNotSupported() throws {
    let report = try verifyManifestText {
      $0.replacingOccurrences(of: "\"format_version\":\"1.0\"", with: "\"format_version\":\"0.9\"")
    }
    #expect(report.issues.contains { $0.code == .unsupportedFormat && $0.message.contains("predates 1.0") })
  }

  @Test func theBuilderRefusesTimesPastTheYear9999() throws {
    let directory = try TemporaryDirectory()
    let builder = try BundleBuilder(
      options: PackOptions(platform: "t", timeZone: "UTC"), outputPath: directory.file("o.tar.gz"))
    let input = builder.addInput(name: "in", size: 0, sha256: String(repeating: "0", count: 64), records: 0)
    let late = Message.test("1", in: "group:g", at: BundleLimits.maximumTimestamp + 1, from: "a", .text(""))
    #expect(throws: ChatBundleError.self) {
      try builder.add(late, conversation: ConversationInfo(id: "group:g", kind: .group), input: input, line: 1)
    }
  }
}

extension String {
  fileprivate func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
