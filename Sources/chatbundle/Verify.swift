import ArgumentParser
import ChatBundle
import ChatBundleTimestamp
import Foundation

extension ChatBundleCommand {
  struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Prove that a bundle is complete and untouched.",
      discussion: """
        Reads the bundle once, extracting nothing, and checks the gzip and tar layers, every \
        entry's type and path, every file's size and SHA-256 against the manifest, every \
        message against the format's rules, and the indexes against the messages. No network \
        is used and nothing in the bundle is trusted.

        The bundle id is the SHA-256 of the manifest's bytes; the manifest holds the SHA-256 \
        of every other file, so a bundle whose id matches the one its sender announced is \
        the bundle they made. Use --expect-id to have verify compare it.

        A trusted timestamp (RFC 3161, 'chatbundle timestamp') proves the bundle existed at \
        its time. Use --tsa-root CA.pem to require one whose authority chains to that root, \
        checked at the token's time and offline, so that it still verifies after the TSA's \
        certificate has expired.

        A bundle made by merge, slice or redact names its parents; --parent PARENT.tar.gz \
        (once per parent) proves that it holds exactly the parents' messages the derivation \
        keeps, each byte for byte, their media and nothing else, and that its scope, \
        coverage, conversations and names are what the parents give (codes L01-L11). For a \
        redaction, every changed message must be its parent's with the logged records \
        applied and nothing else; with --salts the redacting party also opens every \
        commitment against what the parent held. Without the parent bundle, \
        --parent-manifest MANIFEST.json (the parent's chatbundle/manifest.json, whose SHA-256 \
        is its bundle id) proves the lineage's statement of it, the media, conversations, \
        scope and coverage, and says that no message was compared. --parent-id ID checks \
        only that the lineage names that parent (and, with --parent-manifest, that the \
        manifest is its).

        Exit status: 0 valid, 1 invalid, 2 usage or I/O error. Issue codes are listed in \
        spec/bundle-format-v1.md.
        """)

    @Argument(help: "The bundle (.tar.gz).")
    var bundle: String

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Option(help: "The bundle id the sender announced; a different id makes the bundle invalid.")
    var expectId: String?

    @OptionGroup var trust: TrustOptions

    @OptionGroup var threading: ThreadOptions

    @Option(
      name: .customLong("parent"), help: "A parent bundle of a merge or slice, to prove the derivation. Repeatable.")
    var parents: [String] = []

    @Option(
      name: .customLong("parent-manifest"),
      help: """
        A parent's manifest alone (its chatbundle/manifest.json), when the parent bundle is not at hand: \
        proves the lineage's statement of it, the media, conversations, scope and coverage, not the messages. \
        Repeatable.
        """)
    var parentManifests: [String] = []

    @Option(
      name: .customLong("parent-id"),
      help: """
        A parent's bundle id, as its sender announced it: checks that the lineage names it. \
        Alone it proves only that statement; with --parent-manifest, that the manifest is that parent's. Repeatable.
        """)
    var parentIDs: [String] = []

    @Option(help: "For a redacted bundle with --parent: its salts file, to open every commitment as well.")
    var salts: String?

    @Option(help: "A disclosure of one message's redactions ('chatbundle disclose'), to check against this bundle.")
    var disclosure: String?

    func validate() throws {
      if parentIDs.contains(where: { !SHA256Digest.isValidHex($0.lowercased()) }) {
        throw ValidationError("--parent-id takes a bundle id: 64 hex digits")
      }
      if salts != nil && parents.isEmpty {
        throw ValidationError("--salts needs --parent: the commitments open against the parent")
      }
    }

    func run() async throws {
      try requireReadableFile(bundle)
      let trusted = try trust.load()
      var verifier = BundleVerifier(path: bundle)
      verifier.options.threads = threading.count
      let report = verifier.verify()
      let provenance = await trusted.provenance(of: report)
      var valid = report.isValid
      var idMismatch: String?
      if let expectId, report.bundleID != expectId.lowercased() {
        valid = false
        idMismatch = "the bundle id is \(report.bundleID ?? "unknown"), not the expected \(expectId)"
      }
      // What the recipient asked for: a signature by one of the keys they trust, a timestamp
      // by an authority chaining to one of the roots they trust.
      let unmet = trusted.unmet(by: provenance)
      let lineage = try checkLineage(valid: report.isValid)
      if let lineage, !lineage.isValid { valid = false }
      let disclosed = try checkDisclosure(valid: report.isValid)
      if let disclosed, !disclosed.problems.isEmpty { valid = false }
      // The ids the recipient was told, against the lineage's statement (and against the
      // manifests given, whose SHA-256 is their id).
      let named = Set(report.manifest?.lineage?.parents.map(\.bundleID) ?? [])
      let givenManifests = Set(lineage?.parents.map(\.bundleID) ?? [])
      var idProblems: [String] = []
      for id in parentIDs.map({ $0.lowercased() }) {
        if !named.contains(id) {
          idProblems.append("error L02 parent_not_listed: the lineage does not name the parent \(id)")
        } else if !parentManifests.isEmpty && !givenManifests.contains(id) {
          idProblems.append("error L02 parent_not_listed: no --parent-manifest given is the manifest of \(id)")
        }
      }
      if !idProblems.isEmpty { valid = false }
      if json {
        var object = report.jsonValue().objectValue ?? JSONObject()
        if let index = object.members.firstIndex(where: { $0.key == "valid" }) {
          object.members[index].value = .bool(valid)
        }
        object.append("expected_id_mismatch", idMismatch)
        object.append("provenance", provenance.jsonValue())
        object.append("requirements_unmet", JSONValue.array(unmet.map(JSONValue.string)))
        if let lineage { object.append("lineage", lineageJSON(lineage)) }
        if let disclosed { object.append("disclosure", disclosureJSON(disclosed)) }
        if !parentIDs.isEmpty {
          object.append(
            "parent_ids",
            JSONValue.object(
              JSONObject([
                "named": .bool(idProblems.isEmpty), "problems": .array(idProblems.map(JSONValue.string)),
              ])))
        }
        print(String(decoding: JSONWriter.serializeForTerminal(.object(object)), as: UTF8.self))
      } else {
        if let lineage { printLineage(lineage) }
        if let disclosed { printDisclosure(disclosed) }
        for problem in idProblems { printSafe(problem) }
        if !parentIDs.isEmpty && idProblems.isEmpty {
          printSafe(
            "lineage    names the parent\(parentIDs.count == 1 ? "" : "s") \(parentIDs.joined(separator: ", ")) "
              + "(its statement only; --parent-manifest or --parent prove more)")
        }
        printHuman(report, valid: valid && unmet.isEmpty, idMismatch: idMismatch)
        printProvenance(provenance, unmet: unmet)
      }
      if let readError = report.readError {
        FileStream.standardError.write("error: cannot read \(bundle): \(readError)".terminalSafe + "\n")
        throw ExitCode(2)
      }
      if !valid || !unmet.isEmpty { throw ExitCode.failure }
    }

    /// The derivation's check against the parents, once the bundle itself is valid.
    private func checkLineage(valid: Bool) throws -> LineageVerifier.Report? {
      guard !parents.isEmpty || !parentManifests.isEmpty, valid else { return nil }
      for parent in parents + parentManifests { try requireReadableFile(parent) }
      do {
        var verifier = LineageVerifier(bundle: bundle, parents: parents)
        verifier.parentManifests = parentManifests
        if let salts {
          try requireReadableFile(salts)
          verifier.salts = try RedactionSalts.read(salts)
        }
        return try verifier.verify()
      } catch let error as ChatBundleError {
        FileStream.standardError.write("error: \(error)".terminalSafe + "\n")
        throw ExitCode.failure
      }
    }

    /// The disclosure's check, once the bundle itself is valid.
    private func checkDisclosure(valid: Bool) throws -> (disclosure: RedactionDisclosure, problems: [String])? {
      guard let disclosure, valid else { return nil }
      try requireReadableFile(disclosure)
      do {
        let bytes = try Array(FileManager.default.contents(atPath: disclosure) ?? Data())
        let opened = try RedactionDisclosure(fileBytes: bytes, path: disclosure)
        return (opened, try opened.check(against: bundle))
      } catch let error as ChatBundleError {
        FileStream.standardError.write("error: \(error)".terminalSafe + "\n")
        throw ExitCode.failure
      }
    }

    private func printDisclosure(_ result: (disclosure: RedactionDisclosure, problems: [String])) {
      for problem in result.problems { printSafe("error      disclosure: \(problem)") }
      let verdict = result.problems.isEmpty ? "OPENS" : "DOES NOT OPEN"
      printSafe(
        "disclosed  message \(result.disclosure.message): \(verdict) (\(result.disclosure.entries.count) redactions)")
      guard result.problems.isEmpty else { return }
      for entry in result.disclosure.entries {
        let place = entry.record.place
        printSafe("           \(place) (\(entry.record.reason)) held: \(entry.removed)")
      }
    }

    private func disclosureJSON(_ result: (disclosure: RedactionDisclosure, problems: [String])) -> JSONValue {
      var object = JSONObject()
      object.append("opens", JSONValue.bool(result.problems.isEmpty))
      object.append("message", result.disclosure.message.text)
      object.append("problems", JSONValue.array(result.problems.map(JSONValue.string)))
      object.append(
        "removed",
        JSONValue.array(
          result.disclosure.entries.map {
            .object(JSONObject(["path": .string($0.record.path), "removed": .string($0.removed)]))
          }))
      return .object(object)
    }

    private func printLineage(_ lineage: LineageVerifier.Report) {
      for issue in lineage.issues { printSafe(issue.description) }
      if lineage.droppedIssues > 0 { print("… and \(lineage.droppedIssues) more lineage issues not listed") }
      for parent in lineage.parents { printSafe("parent     \(parent.bundleID)  \(parent.path)") }
      let operation = lineage.operation.map(\.rawValue) ?? "none"
      let verdict =
        !lineage.isValid
        ? "NOT PROVEN" : lineage.messagesCompared ? "PROVEN" : "PROVEN AS FAR AS THE PARENTS' MANIFESTS GO"
      let redacted =
        lineage.operation == .redact
        ? ", \(lineage.redactedMessages) redacted as their \(lineage.redactionRecords) records say"
          + (salts == nil ? "" : ", \(lineage.commitmentsOpened) commitments opened with the salts")
        : ""
      guard lineage.messagesCompared else {
        printSafe(
          "lineage    \(operation): \(verdict) (the statement of each parent, the media, conversations, scope and "
            + "coverage; no message was compared: give --parent PARENT.tar.gz for that)")
        return
      }
      printSafe(
        "lineage    \(operation): \(verdict) (\(lineage.messageIDs) message ids compared, \(lineage.identical) "
          + "identical to a parent's, \(lineage.outsideScope) left out by the scope\(redacted))")
    }

    private func lineageJSON(_ lineage: LineageVerifier.Report) -> JSONValue {
      var object = JSONObject()
      object.append("proven", JSONValue.bool(lineage.isValid))
      object.append("messages_compared", JSONValue.bool(lineage.messagesCompared))
      object.append("operation", lineage.operation?.rawValue)
      object.append(
        "parents",
        JSONValue.array(
          lineage.parents.map { .object(JSONObject(["path": .string($0.path), "bundle_id": .string($0.bundleID)])) }))
      object.append("message_ids", lineage.messageIDs)
      object.append("identical", lineage.identical)
      object.append("outside_scope", lineage.outsideScope)
      if lineage.operation == .redact {
        object.append("redacted_messages", lineage.redactedMessages)
        object.append("redaction_records", lineage.redactionRecords)
        if salts != nil { object.append("commitments_opened", lineage.commitmentsOpened) }
      }
      object.append(
        "issues",
        JSONValue.array(
          lineage.issues.map {
            .object(
              JSONObject([
                "code": .string($0.code.rawValue), "name": .string($0.code.slug), "message": .string($0.message),
              ]))
          }))
      object.append("issues_not_listed", lineage.droppedIssues)
      return .object(object)
    }

    private func printProvenance(_ provenance: ProvenanceSummary, unmet: [String]) {
      if provenance.signers.isEmpty { printSafe("signed     no (nothing says who made this bundle)") }
      for signer in provenance.signers {
        let trust: String
        switch signer.trusted {
        case nil: trust = "trust not checked (pass --trust KEY.pub)"
        case true?: trust = "TRUSTED"
        case false?: trust = "not one of the trusted keys"
        }
        let name = signer.name.map { " \($0)" } ?? ""
        printSafe(
          "signature  \(signer.valid ? "valid" : "INVALID"), key\(name) \(signer.fingerprint), "
            + (signer.valid ? trust : "it does not match this bundle"))
      }
      if provenance.timestamps.isEmpty { printSafe("timestamp  no (nothing says when this bundle existed)") }
      for stamp in provenance.timestamps {
        for line in timestampLines(stamp, label: "timestamp  ") { printSafe(line) }
      }
      for problem in unmet { printSafe("required   \(problem)") }
    }

    private func printHuman(_ report: VerificationReport, valid: Bool, idMismatch: String?) {
      for issue in report.issues { printSafe(issue.description) }
      if report.droppedIssues > 0 { print("… and \(report.droppedIssues) more issues not listed") }
      if let idMismatch { printSafe("error: \(idMismatch)") }
      printSafe("bundle     \(bundle)")
      if let version = report.formatVersion { print("format     chatbundle \(version)") }
      print("bundle id  \(report.bundleID ?? "none (no readable manifest)")")
      if let sha = report.fileSHA256 { print("file       sha256 \(sha), \(formatBytes(report.fileBytes))") }
      print(
        "content    \(report.conversations) conversations, \(report.messages) messages, \(report.media) media files, \(formatBytes(report.bytes)) uncompressed"
      )
      let verdict = valid ? "VALID" : "INVALID"
      print("result     \(verdict) (\(report.errorCount) errors, \(report.warningCount) warnings)")
    }
  }
}

/// Usage-level check before a long pass: a missing or unreadable file is exit 2, not "invalid".
func requireReadableFile(_ path: String) throws {
  var isDirectory: ObjCBool = false
  guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
    FileStream.standardError.write("error: \(path): no such file\n")
    throw ExitCode(2)
  }
  guard FileManager.default.isReadableFile(atPath: path) else {
    FileStream.standardError.write("error: \(path): not readable\n")
    throw ExitCode(2)
  }
}
