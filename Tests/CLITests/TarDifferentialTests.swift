import ArchiveIO
import ChatBundle
import ChatBundleTestSupport
import Foundation
import Testing

/// Finds a program on PATH.
private func program(_ name: String) -> URL? {
  let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
  for directory in path.split(separator: ":") {
    let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(name)
    if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
  }
  return nil
}

private let gnuTar: Bool = {
  guard let tar = program("tar"), let result = try? runProcess(tar, ["--version"]) else { return false }
  return result.standardOutput.contains("GNU tar")
}()
private let toolsPresent = gnuTar && program("bsdtar") != nil && program("python3") != nil

/// One archive given to every reader, with what it must come to.
private struct Case {
  enum Kind: String { case valid, hostile, fixture }
  var id: String
  var kind: Kind
  var bytes: [UInt8]
}

/// The same bundles read by GNU tar, bsdtar and Python's tarfile: whenever one of them
/// would list or extract anything but exactly the files and bytes the manifest lists,
/// `chatbundle verify` must say INVALID (spec §14.4).
///
/// The cases are every verify fixture, 2,000 mutants of the sample bundle that change only
/// what §3.2 lets vary (mode, owner, times, numeric spellings, checksum spelling, typeflag
/// NUL or `7`, prefix/name splits, pax records with `path`, `size`, `mtime`, zero padding
/// after the end within the limit, gzip member splits), all of which verify must accept,
/// and hostile mutants (pax global headers, every other typeflag, other pax keywords,
/// sparse files, GNU headers, …), all of which it must refuse. Verdicts come from the
/// verifier in this process; the `chatbundle` binary verifies every 50th case too, to show
/// that it says the same (each run of it costs about 0.1 s of start-up).
@Suite(.serialized) struct TarDifferentialTests {
  static let validMutants = 2000

  @Test(.enabled(if: toolsPresent, "needs GNU tar, bsdtar (Debian libarchive-tools) and python3"))
  func otherTarReadersSeeWhatVerifyAccepts() throws {
    let started = Date()
    // A small bundle (two conversations, one media file), so that verifying thousands of
    // mutants in a debug build stays quick; the fixtures cover the full sample.
    let packed = try TemporaryDirectory("tar-differential-sample")
    try SampleBundle.pack(to: packed.file("s.tar.gz"), order: [0, 2, SampleBundle.messages().count - 1])
    let sample = try FixtureBundle.load(packed.file("s.tar.gz"))
    let entries =
      [(BundleLayout.entryName(BundleLayout.manifest), sample.manifest.serialized())]
      + sample.files.map { (BundleLayout.entryName($0.path), $0.bytes) }
    let expected = Dictionary(uniqueKeysWithValues: entries.map { ($0.0, SHA256Digest.hex(of: $0.1)) })
    var random = SplitMix64(seed: 20_261_201)
    var cases: [Case] = []
    for index in 0..<Self.validMutants {
      let (bytes, label) = try Mutants.valid(entries, &random)
      cases.append(Case(id: "valid-\(index) \(label)", kind: .valid, bytes: bytes))
    }
    for (index, (bytes, label)) in try Mutants.hostile(entries, &random).enumerated() {
      cases.append(Case(id: "hostile-\(index) \(label)", kind: .hostile, bytes: bytes))
    }
    for code in IssueCode.allCases {
      cases.append(
        Case(id: "fixture \(code.rawValue)_\(code.slug)", kind: .fixture, bytes: try VerifyFixtures.make(code).bytes))
    }

    let directory = try TemporaryDirectory("tar-differential")
    // To run the driver by hand on the same cases: TAR_DIFFERENTIAL_KEEP=DIR keeps them.
    let keep = ProcessInfo.processInfo.environment["TAR_DIFFERENTIAL_KEEP"]
    defer {
      if let keep { try? FileManager.default.copyItem(atPath: directory.path, toPath: keep) }
    }
    var specification: [JSONValue] = []
    var paths: [String] = []
    for (index, item) in cases.enumerated() {
      let path = try directory.write("\(index).tar.gz", item.bytes)
      paths.append(path)
      // A hostile mutant only has to be refused, which needs no other reader; the typeflag
      // sweep (a third of the work) goes to them one in four, to show what they make of it.
      if item.kind == .hostile && item.id.contains("typeflag") && index % 4 != 0 { continue }
      // A fixture's own manifest says what it holds; a mutant's is the sample's.
      let wanted = item.kind == .fixture ? Self.listing(path) : expected
      let expectedJSON = wanted.map { files in
        JSONValue.object(
          JSONObject(files.sorted { $0.key < $1.key }.map { JSONObject.Member($0.key, .string($0.value)) }))
      }
      specification.append(
        .object(
          JSONObject([
            "id": .string(item.id), "path": .string(path), "expected": expectedJSON ?? .null,
            "run_binary": .bool(index % 50 == 0),
            // A mutant in one gzip member goes to GNU tar inflated, which saves it a gzip -d.
            "whole_file": .bool(item.kind != .valid || item.id.contains("gzip")),
          ])))
    }
    let casesFile = try directory.write(
      "cases.json",
      JSONWriter.serialize(
        .object(
          JSONObject(["binary": .string(ChatBundleBinary.url.path), "cases": .array(specification)]))))
    let resultsFile = directory.file("results.json")

    // The other readers run in the driver's two processes while this one verifies.
    let driver = Process()
    driver.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    driver.arguments = [
      "python3", repositoryRoot().appendingPathComponent("scripts/tar-differential.py").path, casesFile, resultsFile,
    ]
    FileManager.default.createFile(atPath: directory.file("driver.log"), contents: nil)
    let log = try FileHandle(forWritingTo: URL(fileURLWithPath: directory.file("driver.log")))
    driver.standardOutput = log
    driver.standardError = log
    try driver.run()
    var verdicts: [String: Bool] = [:]
    for (item, path) in zip(cases, paths) { verdicts[item.id] = BundleVerifier(path: path).verify().isValid }
    driver.waitUntilExit()
    try log.close()
    try #require(
      driver.terminationStatus == 0,
      "the driver failed: \(String(decoding: (try? readBytes(directory.file("driver.log"))) ?? [], as: UTF8.self))")
    let results = try JSONParser.parse(readBytes(resultsFile))

    var accepted = 0
    var refusedHostile = 0
    var caughtDifferences = 0
    var binaryRuns = 0
    let kinds = Dictionary(uniqueKeysWithValues: cases.map { ($0.id, $0.kind) })
    for result in results.arrayValue ?? [] {
      guard let object = result.objectValue, let id = object["id"]?.stringValue, let kind = kinds[id],
        let valid = verdicts[id]
      else {
        Issue.record("a result names no case: \(result)")
        continue
      }
      let differences = (object["checks"]?.objectValue?.members ?? []).compactMap { member in
        member.value.stringValue == "ok" ? nil : "\(member.key): \(member.value.stringValue ?? "?")"
      }
      if valid {
        #expect(differences.isEmpty, "\(id) is VALID, yet \(differences.joined(separator: " | "))")
      } else if !differences.isEmpty {
        caughtDifferences += 1
      }
      if kind == .valid && valid { accepted += 1 }
      if let status = object["binary"]?.int64Value {
        binaryRuns += 1
        #expect(status == (valid ? 0 : 1), "\(id): the binary exits with \(status), the verifier says \(valid)")
      }
    }
    for item in cases {
      let valid = verdicts[item.id] == true
      switch item.kind {
      case .valid: #expect(valid, "\(item.id): verify refuses a mutant §3.2 allows")
      case .hostile:
        #expect(!valid, "\(item.id): verify accepts a hostile mutant")
        if !valid { refusedHostile += 1 }
      case .fixture: break
      }
    }
    #expect((results.arrayValue ?? []).count == specification.count)
    #expect(accepted >= 2000)
    // The harness has teeth: the hostile mutants include real differentials.
    #expect(caughtDifferences > 100)
    print(
      "tar differential: \(cases.count) cases (\(specification.count) given to the other readers), \(accepted) valid mutants accepted and read alike by all readers, "
        + "\(refusedHostile) hostile mutants refused, \(caughtDifferences) refused archives that some reader "
        + "sees differently, \(binaryRuns) checked with the binary; "
        + String(format: "%.1f s", Date().timeIntervalSince(started)))
  }

  /// Entry names and digests from a bundle's manifest, as the verifier reads it: the
  /// first entry, its SHA-256 (the bundle id) and the files it lists.
  private static func listing(_ path: String) -> [String: String]? {
    guard let reader = try? TarGzReader(path: path), let first = try? reader.nextEntry(),
      first.path == BundleLayout.entryName(BundleLayout.manifest)
    else { return nil }
    var bytes: [UInt8] = []
    guard (try? reader.readData({ bytes.append(contentsOf: $0) })) != nil,
      let json = try? JSONParser.parse(bytes), let manifest = try? Manifest(json: json)
    else { return nil }
    var result = [BundleLayout.entryName(BundleLayout.manifest): SHA256Digest.hex(of: bytes)]
    for file in manifest.files { result[BundleLayout.entryName(file.path)] = file.sha256 }
    return result
  }
}

/// Archives of the sample bundle's entries, written by hand.
private enum Mutants {
  typealias Entry = (name: String, data: [UInt8])

  // MARK: Valid

  /// An archive that differs from the plain one only in what §3.2 lets vary.
  static func valid(_ entries: [Entry], _ random: inout SplitMix64) throws -> ([UInt8], String) {
    var tar = RawTar()
    var labels: Set<String> = []
    for entry in entries {
      var header = RawTar.Header(name: Array(entry.name.utf8))
      header.size = spell(entry.data.count, width: 12, &random)
      if chance(0.3, &random) {
        header.mode = spell(
          [0o644, 0o600, 0o640, 0o664, 0o666, 0o755, 0o700, 0o444, 0o4755, 0o2750, 0o1777].randomElement(using: &random)
            ?? 0o644, width: 8, &random)
        labels.insert("mode")
      }
      if chance(0.3, &random) {
        header.uid = spell(Int.random(in: 0...0o777777, using: &random), width: 8, &random)
        header.gid = spell(Int.random(in: 0...0o777777, using: &random), width: 8, &random)
        labels.insert("owner")
      }
      if chance(0.3, &random) {
        header.uname = Array(
          (["root", "nobody", "alice", "", "u\(Int.random(in: 0...99_999, using: &random))"].randomElement(
            using: &random) ?? "").utf8)
        header.gname = Array((["root", "wheel", "", "staff"].randomElement(using: &random) ?? "").utf8)
        labels.insert("names")
      }
      if chance(0.3, &random) {
        header.mtime = spell(Int.random(in: 0...0o77777777777, using: &random), width: 12, &random)
        labels.insert("mtime")
      }
      if chance(0.2, &random) {
        header.devMajor =
          chance(0.5, &random) ? [] : spell(Int.random(in: 0...0o7777, using: &random), width: 8, &random)
        header.devMinor =
          chance(0.5, &random) ? [] : spell(Int.random(in: 0...0o7777, using: &random), width: 8, &random)
        labels.insert("dev")
      }
      if chance(0.3, &random) {
        header.checksum = .sevenDigitsNUL
        labels.insert("checksum")
      }
      if chance(0.15, &random) {
        header.typeflag = chance(0.5, &random) ? 0 : UInt8(ascii: "7")
        labels.insert("typeflag")
      }
      if chance(0.3, &random), let split = split(entry.name, &random) {
        header.prefix = split.prefix
        header.name = split.name
        labels.insert("split")
      }
      if chance(0.2, &random) {
        var records: [(String, String)] = []
        if chance(0.6, &random) { records.append(("path", entry.name)) }
        if chance(0.5, &random) { records.append(("size", String(entry.data.count))) }
        if records.isEmpty || chance(0.4, &random) {
          let fraction = chance(0.5, &random) ? ".\(Int.random(in: 0...999_999_999, using: &random))" : ""
          records.append(("mtime", "\(Int.random(in: 0...4_000_000_000, using: &random))\(fraction)"))
        }
        records.shuffle(using: &random)
        var pax = RawTar.Header(name: Array(paxName(entry.name, &random).utf8), typeflag: UInt8(ascii: "x"))
        pax.mtime = spell(Int.random(in: 0...0o77777777777, using: &random), width: 12, &random)
        if chance(0.3, &random) { pax.mode = spell(0o600, width: 8, &random) }
        tar.add(pax, RawTar.paxBody(records))
        if records.contains(where: { $0.0 == "path" }) && chance(0.3, &random) {
          // The ustar name then means nothing to a pax reader, as with libarchive's long names.
          header.name = Array(("chatbundle/" + (entry.name.split(separator: "/").last.map(String.init) ?? "x")).utf8)
          header.prefix = []
        }
        labels.insert("pax(\(records.map(\.0).joined(separator: ",")))")
      }
      tar.add(header, entry.data)
    }
    tar.end()
    if chance(0.4, &random) {
      let padding =
        chance(0.7, &random)
        ? 512 * Int.random(in: 1...120, using: &random) : Int.random(in: 1...(60 * 1024), using: &random)
      tar.append([UInt8](repeating: 0, count: padding))
      labels.insert("padding \(padding)")
    }
    let bytes = try gzip(tar.bytes, &random, &labels)
    return (bytes, labels.sorted().joined(separator: " "))
  }

  /// A numeric field spelled one of the ways every reader reads alike.
  static func spell(_ value: Int, width: Int, _ random: inout SplitMix64) -> [UInt8] {
    let digits = String(value, radix: 8)
    switch Int.random(in: 0..<4, using: &random) {
    case 1 where digits.count <= width - 2:
      // libarchive: zero-padded, then a space and a NUL.
      return Array((String(repeating: "0", count: width - 2 - digits.count) + digits + " ").utf8)
    case 2 where digits.count <= width - 2:
      // Old tars: space-padded on the left.
      return Array((String(repeating: " ", count: width - 2 - digits.count) + digits + " ").utf8)
    case 3:
      // The whole field in digits, no terminator.
      return Array((String(repeating: "0", count: max(0, width - digits.count)) + digits).utf8)
    default:
      return RawTar.octal(value, width: width)
    }
  }

  /// A ustar prefix and name that join back to `path`.
  static func split(_ path: String, _ random: inout SplitMix64) -> (prefix: [UInt8], name: [UInt8])? {
    let bytes = Array(path.utf8)
    let cuts = bytes.indices.filter {
      bytes[$0] == UInt8(ascii: "/") && $0 > 0 && $0 <= 155 && bytes.count - $0 - 1 <= 100 && $0 < bytes.count - 1
    }
    guard let cut = cuts.randomElement(using: &random) else { return nil }
    return (Array(bytes[..<cut]), Array(bytes[(cut + 1)...]))
  }

  static func paxName(_ path: String, _ random: inout SplitMix64) -> String {
    let base = path.split(separator: "/").last.map(String.init) ?? "x"
    switch Int.random(in: 0..<3, using: &random) {
    case 0: return "PaxHeader/" + base
    case 1: return "chatbundle/PaxHeaders.\(Int.random(in: 1...99_999, using: &random))/" + base
    default: return "././@PaxHeader"
    }
  }

  /// The tar stream as one to four gzip members, cut anywhere, at any level.
  static func gzip(_ tar: [UInt8], _ random: inout SplitMix64, _ labels: inout Set<String>) throws -> [UInt8] {
    guard chance(0.3, &random) else { return try GzipDeflater.compress(tar, level: 6) }
    let members = Int.random(in: 2...4, using: &random)
    var cuts = (1..<members).map { _ in Int.random(in: 0...tar.count, using: &random) }.sorted()
    cuts = [0] + cuts + [tar.count]
    var bytes: [UInt8] = []
    for index in 0..<(cuts.count - 1) {
      bytes += try GzipDeflater.compress(
        Array(tar[cuts[index]..<cuts[index + 1]]), level: Int.random(in: 0...9, using: &random))
    }
    labels.insert("gzip \(members) members")
    return bytes
  }

  static func chance(_ probability: Double, _ random: inout SplitMix64) -> Bool {
    Double.random(in: 0..<1, using: &random) < probability
  }

  // MARK: Hostile

  /// Archives verify must refuse: each breaks the tar profile one way.
  static func hostile(_ entries: [Entry], _ random: inout SplitMix64) throws -> [([UInt8], String)] {
    var result: [([UInt8], String)] = []
    func make(_ label: String, padding: Int = 0, _ build: (inout RawTar, Int, Entry) -> Bool) throws {
      var tar = RawTar()
      for (index, entry) in entries.enumerated() where build(&tar, index, entry) {
        tar.add(entry.name, entry.data)
      }
      tar.end()
      tar.append([UInt8](repeating: 0, count: padding))
      result.append((try tar.gzipped(), label))
    }
    let last = entries.count - 1

    // The audit's global headers, before every entry and after the last one.
    for records in [
      [("size", "0")], [("path", "chatbundle/people.ndjson")], [("path", "../../x")], [("comment", "hello")],
      [("mtime", "1")], [("uname", "root")], [("path", "chatbundle/people.ndjson"), ("size", "0")],
    ] {
      let label = records.map { "\($0.0)=\($0.1)" }.joined(separator: ",")
      for position in entries.indices {
        try make("global \(label) before entry \(position)") { tar, index, _ in
          if index == position { tar.addGlobalPax(records) }
          return true
        }
      }
      var tar = RawTar()
      for entry in entries { tar.add(entry.name, entry.data) }
      tar.addGlobalPax(records)
      tar.end()
      result.append((try tar.gzipped(), "global \(label) after the last entry"))
    }
    // Every typeflag but the regular ones, on a real entry and on an extra one.
    for flag in UInt8.min...UInt8.max where !TarHeaderAudit.isRegular(typeflag: flag) {
      let target = Int.random(in: 1...last, using: &random)
      if flag % 2 == 0 {
        try make("typeflag \(flag) on entry \(target)") { tar, index, entry in
          guard index == target else { return true }
          tar.add(entry.name, entry.data, type: flag)
          return false
        }
      } else {
        try make("typeflag \(flag) on an extra entry") { tar, index, _ in
          if index == target { tar.add("chatbundle/media/zz/extra", Array("forged".utf8), type: flag) }
          return true
        }
      }
    }
    // Pax keywords outside path, size and mtime, and sparse files.
    for records in [
      [("uid", "1000")], [("gid", "0")], [("uname", "root")], [("gname", "root")], [("atime", "1")],
      [("ctime", "1")], [("linkpath", "/etc/passwd")], [("hdrcharset", "BINARY")], [("comment", "x")],
      [("SCHILY.xattr.user.a", "1")], [("LIBARCHIVE.xattr.user.a", "MQ")], [("charset", "ISO-IR 10646 2000 UTF-8")],
      [
        ("GNU.sparse.size", "100000"), ("GNU.sparse.numblocks", "1"), ("GNU.sparse.offset", "0"),
        ("GNU.sparse.numbytes", "4"),
      ],
      [("GNU.sparse.major", "1"), ("GNU.sparse.minor", "0"), ("GNU.sparse.realsize", "100000")],
      [("path", "chatbundle/people.ndjson")], [("path", "chatbundle/../../x")], [("size", "0")],
      [("path", "chatbundle/media/zz/renamed")], [("mtime", "soon")], [("size", "0012")],
    ] {
      let target = Int.random(in: 1...last, using: &random)
      try make("pax \(records.map(\.0)) on entry \(target)") { tar, index, _ in
        if index == target { tar.addPax(records) }
        return true
      }
    }
    // GNU headers and other malformed ones, on a few entries each.
    for target in [1, 2, last] {
      try make("GNU long name on entry \(target)") { tar, index, entry in
        if index == target { tar.add("././@LongLink", Array((entry.name + "\0").utf8), type: UInt8(ascii: "L")) }
        return true
      }
      try make("GNU long name naming another file on entry \(target)") { tar, index, _ in
        if index == target {
          tar.add("././@LongLink", Array("chatbundle/people.ndjson\0".utf8), type: UInt8(ascii: "L"))
        }
        return true
      }
      try make("volume header before entry \(target)") { tar, index, _ in
        if index == target { tar.add("volume", type: UInt8(ascii: "V")) }
        return true
      }
      try make("two pax headers on entry \(target)") { tar, index, entry in
        if index == target {
          tar.addPax([("mtime", "1")])
          tar.addPax([("path", entry.name)])
        }
        return true
      }
      let edits: [(String, (inout RawTar.Header) -> Void)] = [
        (
          "GNU magic",
          {
            $0.magic = Array("ustar ".utf8); $0.version = Array(" \0".utf8)
          }
        ),
        (
          "v7 header",
          {
            $0.magic = []; $0.version = []
          }
        ),
        (
          "prefix ending in /",
          { header in
            if let slash = header.name.firstIndex(of: UInt8(ascii: "/")) {
              header.prefix = Array(header.name[...slash])
              header.name = Array(header.name[(slash + 1)...])
            }
          }
        ),
        (
          "signed checksum",
          {
            $0.uname = [0xe4, 0xb8, 0xad, 0xe6, 0x96, 0x87]; $0.checksum = .signed
          }
        ),
        ("junk after the name", { $0.name += [0, 0x41] }),
        ("a link name", { $0.linkName = Array("/etc/passwd".utf8) }),
        ("mode with junk", { $0.mode = Array("0000644x".utf8) }),
        ("empty uid", { $0.uid = [] }),
        ("base-256 size", { header in header.size = nil }),
      ]
      for (label, edit) in edits {
        try make("\(label) on entry \(target)") { tar, index, entry in
          guard index == target else { return true }
          var header = RawTar.Header(name: Array(entry.name.utf8))
          edit(&header)
          if label == "base-256 size" {
            header.size =
              [0x80] + [UInt8](repeating: 0, count: 7)
              + withUnsafeBytes(of: UInt32(entry.data.count).bigEndian, Array.init)
          }
          tar.add(header, entry.data)
          return false
        }
      }
    }
    // The end of the archive.
    try make("padding beyond the limit", padding: 80 * 1024) { _, _, _ in true }
    var hidden = RawTar()
    for entry in entries { hidden.add(entry.name, entry.data) }
    hidden.end()
    hidden.add("chatbundle/people.ndjson", Array("{\"id\":\"x\",\"name\":\"forged\"}\n".utf8))
    hidden.end()
    result.append((try hidden.gzipped(), "a second archive after the end marker"))
    return result
  }
}
