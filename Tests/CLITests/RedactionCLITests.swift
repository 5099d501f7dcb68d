import ChatBundle
import ChatBundleTestSupport
import Foundation
import Testing

/// `chatbundle redact`, `verify --parent`, `disclose` and `verify --disclosure` on the
/// Easemob example, as a school office would run them before a handover: a parent's
/// phone number, a pupil's ID card number, a message about a pupil's health and a photo
/// of homework are removed, and nothing of them is left anywhere a recipient can look.
@Suite struct RedactionCLITests {
  static let health = "174157446529738215"
  static let registration = "174157440311503416"
  static let homework = "6e567b3a989b328cce0422be23d6d3afc0a06747c46cf6afa6dbc4d6a7241a62"
  /// What the redaction removes, as it stood in the example.
  static let removed = [
    "110105201603154513", "139 1234 5678", "13912345678", "轻度焦虑症", "焦虑", "儿童医院", "数学练习册第11页", homework,
    "844fb4e0-fd4d-11ef-ad5c-6f545c50ca23",
  ]

  func redact(_ whole: String, to output: String, extra: [String] = []) throws -> ProcessResult {
    try ChatBundleBinary.run(
      [
        "redact", whole, "-o", output, "--pattern", "phone", "--reason", "parent's phone number", "--pattern",
        "idcard", "--reason", "ID card number", "--message", Self.health, "--reason", "a pupil's health", "--media",
        Self.homework, "--reason", "a pupil's homework",
      ] + extra)
  }

  /// Every string in `directory`'s files that holds one of `needles`, as "file: needle".
  func occurrences(in directory: String, of needles: [String]) throws -> [String] {
    var found: [String] = []
    for path in try FileManager.default.subpathsOfDirectory(atPath: directory) {
      let full = directory + "/" + path
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue else {
        continue
      }
      let text = String(decoding: try readBytes(full), as: UTF8.self)
      for needle in needles where text.contains(needle) { found.append("\(path): \(needle)") }
    }
    return found
  }

  @Test func redactTheExampleAndFindNothingOfWhatWasRemoved() throws {
    let directory = try TemporaryDirectory("redaction-cli")
    let whole = directory.file("whole.tar.gz")
    #expect(try ChatBundleBinary.packEasemobExample(to: whole).status == 0)
    // The example holds what is to be removed.
    let original = try FixtureBundle.load(whole)
    let originalText = String(decoding: original.files.flatMap(\.bytes), as: UTF8.self)
    for needle in ["110105201603154513", "139 1234 5678", "轻度焦虑症", "数学练习册第11页"] {
      #expect(originalText.contains(needle), "the example should hold \(needle)")
    }

    let redacted = directory.file("redacted.tar.gz")
    let result = try redact(whole, to: redacted)
    #expect(result.status == 0, "\(result.standardError)")
    #expect(result.standardOutput.contains("redacted       1 whole messages"), "\(result.standardOutput)")
    let salts = directory.file("redacted.salts")
    #expect(FileManager.default.fileExists(atPath: salts))

    // Every entry, decompressed, and the manifest.
    let bundle = try FixtureBundle.load(redacted)
    let everything = String(
      decoding: bundle.files.flatMap(\.bytes) + (try FixtureBundle.manifestBytes(of: redacted)), as: UTF8.self)
    for needle in Self.removed { #expect(!everything.contains(needle), "\(needle) is still in the bundle") }
    #expect(everything.contains("[redacted: ID card number]") && everything.contains("\"kind\":\"redacted\""))

    // Everything a recipient makes of it.
    let outputs = directory.file("outputs")
    try FileManager.default.createDirectory(atPath: outputs, withIntermediateDirectories: true)
    for arguments in [
      ["render", redacted, "-o", outputs + "/site", "--lang", "en"],
      ["export", "csv", redacted, "-o", outputs + "/csv"],
      ["export", "sql", redacted, "-o", outputs + "/bundle.sql"],
      ["export", "sqlite", redacted, "-o", directory.file("bundle.sqlite")],
      ["export", "rsmf", redacted, "-o", directory.file("rsmf")],
      ["export", "easemob-import", redacted, "-o", outputs + "/import.ndjson", "--media-base-url", "https://x.test"],
      ["extract", redacted, outputs + "/extracted"],
    ] {
      let run = try ChatBundleBinary.run(arguments)
      #expect(run.status == 0, "\(arguments): \(run.standardError)")
    }
    // SQLite pages and RSMF's base64 zips are searched in what they decode to.
    let decoded = try runProcess(
      URL(fileURLWithPath: "/usr/bin/env"),
      [
        "python3", "-c",
        """
        import sqlite3, sys, os, email, zipfile, io
        out = open(sys.argv[3], "w")
        db = sqlite3.connect(sys.argv[1])
        # Every ordinary table's rows, and every term of the contentless full-text index.
        for (name,) in db.execute("select name from sqlite_master where type = 'table' and sql not like 'CREATE VIRTUAL%' and name not like 'messages_fts_%'"):
            for row in db.execute('select * from "%s"' % name): out.write(repr(row) + "\\n")
        db.execute("create virtual table temp.terms using fts5vocab(main, messages_fts, 'row')")
        for (term,) in db.execute("select term from temp.terms"): out.write(term + "\\n")
        for name in sorted(os.listdir(sys.argv[2])):
            message = email.message_from_binary_file(open(os.path.join(sys.argv[2], name), "rb"))
            for part in message.walk():
                payload = part.get_payload(decode=True)
                if payload is None: continue
                if payload[:2] == b"PK":
                    archive = zipfile.ZipFile(io.BytesIO(payload))
                    for member in archive.namelist(): out.write(archive.read(member).decode("utf-8", "replace"))
                else:
                    out.write(payload.decode("utf-8", "replace"))
        """, directory.file("bundle.sqlite"), directory.file("rsmf"), outputs + "/decoded.txt",
      ])
    #expect(decoded.status == 0, "\(decoded.standardError)")
    if FileManager.default.isExecutableFile(atPath: "/usr/bin/pdftotext") {
      let pdf = try ChatBundleBinary.run(["export", "pdf", redacted, "-o", directory.file("pdf")])
      #expect(pdf.status == 0, "\(pdf.standardError)")
      for name in try FileManager.default.contentsOfDirectory(atPath: directory.file("pdf")) {
        _ = try runProcess(
          URL(fileURLWithPath: "/usr/bin/pdftotext"), [directory.file("pdf/" + name), outputs + "/" + name + ".txt"])
      }
    } else {
      print("PDF export not searched: pdftotext is not installed (make test-deps installs it)")
    }
    #expect(try occurrences(in: outputs, of: Self.removed) == [])
    // The search index and the pages do show that something was there, and why.
    #expect(!(try occurrences(in: outputs + "/site", of: ["[redacted: ID card number]"]).isEmpty))

    // The proof: against the parent, then with the salts.
    let proof = try ChatBundleBinary.run(["verify", redacted, "--parent", whole])
    #expect(proof.status == 0, "\(proof.standardOutput)")
    #expect(proof.standardOutput.contains("lineage    redact: PROVEN"))
    let opened = try ChatBundleBinary.run(["verify", redacted, "--parent", whole, "--salts", salts, "--json"])
    let lineage = try JSONParser.parse(Array(opened.standardOutput.utf8)).objectValue?["lineage"]?.objectValue
    #expect(lineage?["proven"] == .bool(true))
    #expect(lineage?["commitments_opened"] == lineage?["redaction_records"] && lineage?["redaction_records"] != nil)

    // inspect and every page say what was done and why.
    let inspect = try ChatBundleBinary.run(["inspect", redacted])
    #expect(inspect.standardOutput.contains("reason: a pupil's health"), "\(inspect.standardOutput)")
    for page in try FileManager.default.subpathsOfDirectory(atPath: outputs + "/site") where page.hasSuffix(".html") {
      let html = try String(contentsOfFile: outputs + "/site/" + page, encoding: .utf8)
      #expect(html.contains("another bundle with redactions") && html.contains("ID card number"), "\(page)")
    }

    // The same salts give the same bytes.
    let again = directory.file("again.tar.gz")
    #expect(try redact(whole, to: again, extra: ["--salts", salts]).status == 0)
    #expect(try readBytes(again) == readBytes(redacted))
  }

  @Test func anyOtherChangeFailsTheProofAndADisclosureOpensOneMessage() throws {
    let directory = try TemporaryDirectory("redaction-cli-forgery")
    let whole = directory.file("whole.tar.gz")
    #expect(try ChatBundleBinary.packEasemobExample(to: whole).status == 0)
    let redacted = directory.file("redacted.tar.gz")
    #expect(try redact(whole, to: redacted).status == 0)

    // One byte changed in the redacted registration message, outside its redacted spans,
    // and the bundle resealed: valid on its own, not a redaction of its parent.
    var bundle = try FixtureBundle.load(redacted)
    for path in bundle.conversationPaths {
      bundle.editLines(path) { lines in
        for index in lines.indices where String(decoding: lines[index], as: UTF8.self).contains(Self.registration) {
          lines[index] = Array(
            String(decoding: lines[index], as: UTF8.self).replacingOccurrences(of: "孙浩然", with: "孙浩燃").utf8)
        }
      }
    }
    try bundle.rederiveAllIndexes()
    let forged = try directory.write("forged.tar.gz", try bundle.gzipped())
    #expect(try ChatBundleBinary.run(["verify", forged]).status == 0)
    let refused = try ChatBundleBinary.run(["verify", forged, "--parent", whole])
    #expect(refused.status == 1 && refused.standardOutput.contains("L10"), "\(refused.standardOutput)")
    // The parent's manifest alone proves the statement, the media and the scope, and says
    // that it compared no message: the forgery passes it, as the output warns.
    let manifest = try directory.write("parent.manifest.json", try FixtureBundle.manifestBytes(of: whole))
    let partial = try ChatBundleBinary.run(["verify", forged, "--parent-manifest", manifest])
    #expect(partial.status == 0, "\(partial.standardOutput)")
    #expect(partial.standardOutput.contains("PROVEN AS FAR AS THE PARENTS' MANIFESTS GO"))
    #expect(partial.standardOutput.contains("no message was compared"))
    let other = directory.file("other.tar.gz")
    #expect(try ChatBundleBinary.run(["slice", whole, "--member", "t_wangfang", "-o", other]).status == 0)
    let otherManifest = try directory.write("other.manifest.json", try FixtureBundle.manifestBytes(of: other))
    let wrongParent = try ChatBundleBinary.run(["verify", redacted, "--parent-manifest", otherManifest])
    #expect(wrongParent.status == 1 && wrongParent.standardOutput.contains("L02"), "\(wrongParent.standardOutput)")
    // The parent's id alone, as its sender announced it: the lineage's statement, no more.
    let wholeID = try #require(BundleVerifier(path: whole).verify().bundleID)
    let named = try ChatBundleBinary.run(["verify", redacted, "--parent-id", wholeID])
    #expect(
      named.status == 0 && named.standardOutput.contains("names the parent \(wholeID)"), "\(named.standardOutput)")
    let otherID = try #require(BundleVerifier(path: other).verify().bundleID)
    let notNamed = try ChatBundleBinary.run(["verify", redacted, "--parent-id", otherID])
    #expect(notNamed.status == 1 && notNamed.standardOutput.contains("L02"), "\(notNamed.standardOutput)")
    let mismatched = try ChatBundleBinary.run([
      "verify", redacted, "--parent-id", wholeID, "--parent-manifest", otherManifest,
    ])
    #expect(mismatched.status == 1, "\(mismatched.standardOutput)")

    // The feature taken out of the manifest: a reader must not take a marker for a message.
    var unflagged = try FixtureBundle.load(redacted)
    unflagged.manifest.requiredFeatures = []
    unflagged.reseal()
    let plain = try ChatBundleBinary.run([
      "verify", try directory.write("unflagged.tar.gz", try unflagged.gzipped()),
    ])
    #expect(plain.status == 1 && plain.standardOutput.contains("D03"), "\(plain.standardOutput)")

    // The redacting party opens the registration message for the insurer, who checks it
    // against the redacted bundle alone.
    let disclosure = directory.file("disclosure.json")
    let disclose = try ChatBundleBinary.run([
      "disclose", redacted, "--parent", whole, "--salts", directory.file("redacted.salts"), "--message",
      Self.registration, "-o", disclosure,
    ])
    #expect(disclose.status == 0, "\(disclose.standardError)")
    let check = try ChatBundleBinary.run(["verify", redacted, "--disclosure", disclosure])
    #expect(check.status == 0 && check.standardOutput.contains("OPENS"), "\(check.standardOutput)")
    #expect(check.standardOutput.contains("held: 110105201603154513"))
    // A disclosure that claims another number does not open.
    let text = String(decoding: try readBytes(disclosure), as: UTF8.self)
    let lie = try directory.write(
      "lie.json", Array(text.replacingOccurrences(of: "110105201603154513", with: "110105201603154521").utf8))
    let refusedLie = try ChatBundleBinary.run(["verify", redacted, "--disclosure", lie])
    #expect(refusedLie.status == 1 && refusedLie.standardOutput.contains("DOES NOT OPEN"))
    // The wrong salts open nothing, and nothing is written.
    let otherSalts = directory.file("other.salts")
    try RedactionSalts.generate().write(to: otherSalts)
    let wrong = try ChatBundleBinary.run([
      "disclose", redacted, "--parent", whole, "--salts", otherSalts, "--message", Self.registration, "-o",
      directory.file("wrong.json"),
    ])
    #expect(wrong.status == 1 && !FileManager.default.fileExists(atPath: directory.file("wrong.json")))
  }

  @Test func misusesAreRefusedBeforeAnyWork() throws {
    let directory = try TemporaryDirectory("redaction-cli-usage")
    let whole = directory.file("whole.tar.gz")
    #expect(try ChatBundleBinary.packEasemobExample(to: whole).status == 0)
    let output = directory.file("r.tar.gz")
    let noReason = try ChatBundleBinary.run(["redact", whole, "-o", output, "--pattern", "phone"])
    #expect(noReason.status == 2 && noReason.standardError.contains("needs a --reason"), "\(noReason.standardError)")
    let nothing = try ChatBundleBinary.run(["redact", whole, "-o", output])
    #expect(nothing.status == 2)
    let badRegex = try ChatBundleBinary.run(["redact", whole, "-o", output, "--pattern", "(x", "--reason", "r"])
    #expect(badRegex.status == 2 && badRegex.standardError.contains("regular expression"))
    #expect(!FileManager.default.fileExists(atPath: output))
    #expect(!FileManager.default.fileExists(atPath: directory.file("r.salts")), "a key no bundle uses is not kept")
    // A mistyped id would leave in what was meant to go: nothing is written.
    let unknown = try ChatBundleBinary.run(["redact", whole, "-o", output, "--message", "no-such", "--reason", "r"])
    #expect(
      unknown.status == 1 && unknown.standardError.contains("message no-such is not in"), "\(unknown.standardError)")
    #expect(!FileManager.default.fileExists(atPath: output))
    #expect(!FileManager.default.fileExists(atPath: directory.file("r.salts")))
  }
}
