import ArchiveIO
import ChatBundle

/// One damaged bundle per issue code, made by test code from the sample bundle, named
/// `<code>_<slug>` like the OCFL and BagIt conformance fixtures.
public enum VerifyFixtures {
  public struct Fixture {
    public var bytes: [UInt8]
    public var limits = BundleLimits()

    public init(bytes: [UInt8], limits: BundleLimits = BundleLimits()) {
      self.bytes = bytes
      self.limits = limits
    }
  }

  public static func make(_ code: IssueCode) throws -> Fixture {
    var bundle = try FixtureBundle.sample()
    let conversation = bundle.conversationPaths[0]
    let media = bundle.mediaPaths[0]
    switch code {
    case .notGzip:
      return Fixture(bytes: bundle.tar().bytes)
    case .truncated:
      let full = try bundle.gzipped()
      return Fixture(bytes: Array(full[..<(full.count / 2)]))
    case .corruptCompression:
      var bytes = try bundle.gzipped()
      bytes[bytes.count - 7] ^= 0x40  // the CRC-32 in the trailer
      return Fixture(bytes: bytes)
    case .trailingData:
      return Fixture(bytes: try bundle.gzipped() + Array("appended".utf8))
    case .notTar:
      return Fixture(bytes: try GzipDeflater.compress(Array("PK\u{3}\u{4} this is a zip, not a tar".utf8)))
    case .dataAfterEnd:
      var tar = bundle.tar()
      tar.add("chatbundle/hidden.txt", Array("after the end marker".utf8))
      tar.end()
      return Fixture(bytes: try tar.gzipped())
    case .malformedTarHeader:
      var tar = bundle.tar(end: false)
      tar.add("chatbundle/extra", Array("x".utf8), corruptChecksum: true)
      tar.end()
      return Fixture(bytes: try tar.gzipped())
    case .limitExceeded:
      var limits = BundleLimits()
      limits.entries = 3
      return Fixture(bytes: try bundle.gzipped(), limits: limits)
    case .paxGlobalHeader:
      // GNU tar and Python's tarfile name every later entry people.ndjson, so the last one
      // extracted replaces the real people file; libarchive ignores the header.
      let tar = bundle.tar { path, tar in
        if path == BundleLayout.conversationIndex { tar.addGlobalPax([("path", "chatbundle/people.ndjson")]) }
      }
      return Fixture(bytes: try tar.gzipped())
    case .paxKeywordNotAllowed:
      let tar = bundle.tar { path, tar in
        if path == BundleLayout.people { tar.addPax([("uname", "root")]) }
      }
      return Fixture(bytes: try tar.gzipped())
    case .tarParserDisagreement:
      // A prefix that ends in '/': libarchive joins it to the name as it is, Python's
      // tarfile adds another slash.
      var tar = RawTar()
      tar.add(BundleLayout.entryName(BundleLayout.manifest), bundle.manifest.serialized())
      for file in bundle.files {
        var header = RawTar.Header(name: Array(BundleLayout.entryName(file.path).utf8))
        if file.path == BundleLayout.people {
          header.name = Array(file.path.utf8)
          header.prefix = Array((BundleLayout.root + "/").utf8)
        }
        tar.add(header, file.bytes)
      }
      tar.end()
      return Fixture(bytes: try tar.gzipped())
    case .unsafePath:
      var tar = bundle.tar(end: false)
      tar.add("chatbundle/../../etc/passwd", Array("root".utf8))
      tar.end()
      return Fixture(bytes: try tar.gzipped())
    case .outsideRoot:
      var tar = bundle.tar(end: false)
      tar.add("elsewhere/readme.txt", Array("hi".utf8))
      tar.end()
      return Fixture(bytes: try tar.gzipped())
    case .notRegularFile:
      var tar = bundle.tar(end: false)
      tar.add("chatbundle/link", type: UInt8(ascii: "2"), linkName: "/etc/passwd")
      tar.end()
      return Fixture(bytes: try tar.gzipped())
    case .sparseEntry:
      var tar = bundle.tar(end: false)
      tar.addPax([("GNU.sparse.size", "4096"), ("GNU.sparse.map", "0,2,4000,2")])
      tar.add("chatbundle/sparse", Array("abcd".utf8))
      tar.end()
      return Fixture(bytes: try tar.gzipped())
    case .duplicateEntry:
      var tar = bundle.tar(end: false)
      tar.add("chatbundle/" + media.uppercased().replacingOccurrences(of: "MEDIA/", with: "media/"), [1])
      tar.end()
      return Fixture(bytes: try tar.gzipped())
    case .manifestNotFirst:
      var tar = RawTar()
      for file in bundle.files { tar.add(BundleLayout.entryName(file.path), file.bytes) }
      tar.add(BundleLayout.entryName(BundleLayout.manifest), bundle.manifest.serialized())
      tar.end()
      return Fixture(bytes: try tar.gzipped())
    case .manifestTooLarge:
      var limits = BundleLimits()
      limits.manifestBytes = 100
      return Fixture(bytes: try bundle.gzipped(), limits: limits)
    case .manifestNotJSON:
      var bytes = bundle.manifest.serialized()
      bytes.insert(contentsOf: Array("\"format\":\"chatbundle\",".utf8), at: 1)  // a duplicate key
      bundle.manifestBytes = bytes
    case .manifestSchema:
      bundle.manifestBytes = Array(
        String(decoding: bundle.manifest.serialized(), as: UTF8.self)
          .replacingOccurrences(of: "\"hash_algorithm\":\"sha256\"", with: "\"hash_algorithm\":\"md5\"").utf8)
    case .unsupportedFormat:
      bundle.manifestBytes = Array(
        String(decoding: bundle.manifest.serialized(), as: UTF8.self)
          .replacingOccurrences(of: "\"format_version\":\"1.0\"", with: "\"format_version\":\"1.0 \"").utf8)
    case .newerMajorVersion:
      bundle.manifest.formatVersion = FormatVersion(major: 2, minor: 0)
    case .unknownRequiredFeature:
      bundle.manifest.requiredFeatures = ["encrypted-media"]
    case .unknownManifestField:
      var bytes = bundle.manifest.serialized()
      bytes.insert(contentsOf: Array("\"signature_hint\":\"added by 1.1\",".utf8), at: 1)
      bundle.manifestBytes = bytes
    case .unlistedEntry:
      bundle.files.append(("conversations/0123456789abcdef01234567.ndjson", Array("{}\n".utf8)))
    case .missingEntry:
      bundle.files.removeAll { $0.path == media }
    case .digestMismatch:
      var bytes = bundle.bytes(of: media) ?? []
      bytes[bytes.count - 1] ^= 0x01
      bundle.replace(media, with: bytes)
    case .sizeMismatch:
      bundle.replace(media, with: (bundle.bytes(of: media) ?? []) + [0])
    case .duplicateListing:
      bundle.manifest.files.append(bundle.manifest.files[0])
      bundle.manifest.files.sort { $0.path < $1.path }
    case .unsafeListedPath:
      bundle.manifest.files.insert(
        Manifest.FileEntry(path: "../outside", size: 0, sha256: SHA256Digest.hex(of: []), role: .media), at: 0)
    case .totalsMismatch:
      bundle.manifest.totals.media += 1
    case .entryOutOfOrder:
      let mediaFile = bundle.files.removeLast()
      bundle.files.insert(mediaFile, at: 1)
    case .ndjsonFraming:
      bundle.editLines(conversation) { lines in lines[0] += [0x0D] }
      bundle.reseal()
    case .recordNotJSON:
      bundle.editLines(conversation) { lines in lines[0] = Array("{\"id\": oops}".utf8) }
      bundle.reseal()
    case .recordSchema:
      bundle.editLines(conversation) { lines in
        lines[0] = Array(
          String(decoding: lines[0], as: UTF8.self).replacingOccurrences(of: "\"ts\":", with: "\"time\":").utf8)
      }
      bundle.reseal()
    case .duplicateMessageID:
      bundle.editLines(conversation) { lines in lines.insert(lines[0], at: 1) }
      bundle.reseal()
    case .messageOrder:
      bundle.editLines(conversation) { lines in lines.swapAt(0, 1) }
      bundle.reseal()
    case .unresolvedMedia:
      let path = try conversationHolding("\"sha256\"", in: bundle)
      bundle.editLines(path) { lines in
        for index in lines.indices {
          var text = String(decoding: lines[index], as: UTF8.self)
          if let range = text.range(of: "\"sha256\":\"") {
            let start = range.upperBound
            let end = text.index(start, offsetBy: 64)
            text.replaceSubrange(start..<end, with: String(repeating: "a", count: 64))
            lines[index] = Array(text.utf8)
            return
          }
        }
      }
      bundle.reseal()
    case .unreferencedMedia:
      let extra = Array("an orphan".utf8)
      let sha = SHA256Digest.hex(of: extra)
      let path = BundleLayout.mediaPath(sha256: sha)
      bundle.files.append((path, extra))
      bundle.files =
        bundle.files.filter { !$0.path.hasPrefix("media/") }
        + bundle.files.filter { $0.path.hasPrefix("media/") }.sorted { $0.path < $1.path }
      bundle.manifest.files.append(
        Manifest.FileEntry(path: path, size: Int64(extra.count), sha256: sha, role: .media, mediaType: "text/plain"))
      bundle.manifest.files.sort { Array($0.path.utf8).lexicographicallyPrecedes(Array($1.path.utf8)) }
      bundle.manifest.totals.files += 1
      bundle.manifest.totals.media += 1
      bundle.manifest.totals.mediaBytes += Int64(extra.count)
      bundle.reseal()
    case .indexMismatch:
      bundle.editLines(BundleLayout.conversationIndex) { lines in
        lines[0] = Array(
          String(decoding: lines[0], as: UTF8.self).replacingOccurrences(
            of: "\"days\":[[", with: "\"days\":[[\"1999-01-01\",1,0,1],["
          ).utf8)
      }
      bundle.reseal()
    case .conversationMismatch:
      bundle.manifest.conversations[0].lastTimestamp += 1
    case .rawLineSeparator:
      bundle.editLines(try conversationHolding("\\u2028", in: bundle)) { lines in
        for index in lines.indices where String(decoding: lines[index], as: UTF8.self).contains("\\u2028") {
          lines[index] = Array(
            String(decoding: lines[index], as: UTF8.self).replacingOccurrences(of: "\\u2028", with: "\u{2028}").utf8)
        }
      }
      bundle.reseal()
    case .malformedAttachment:
      return Fixture(bytes: try bundle.gzipped() + GzipAttachment.member(carrying: Array("not a record".utf8)))
    case .unknownTimeZone:
      bundle.manifest.source.timeZone = "Mars/Olympus_Mons"
    case .missingListMismatch:
      bundle.manifest.missing = []
      bundle.manifest.totals.missing = 0
    }
    return Fixture(bytes: try bundle.gzipped())
  }

  private static func conversationHolding(_ text: String, in bundle: FixtureBundle) throws -> String {
    for path in bundle.conversationPaths
    where String(decoding: bundle.bytes(of: path) ?? [], as: UTF8.self).contains(text) {
      return path
    }
    throw ChatBundleError.io(path: "sample", message: "no conversation holds \(text)")
  }
}
