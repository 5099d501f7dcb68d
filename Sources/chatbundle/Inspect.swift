import ArgumentParser
import ChatBundle
import Foundation

extension ChatBundleCommand {
  struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Show what is inside a bundle, without extracting it.",
      discussion: """
        Shows the conversations with their names, message counts per kind, date ranges and \
        members; media count and size; the media that could not be bundled and why; the \
        records that were skipped; and the export's scope. It reads only the beginning of the \
        bundle (manifest, people, indexes), so it is quick on any size; add --verify to read \
        and verify everything as well.

        Exit status: 0 when what was read is sound (with --verify: when the whole bundle is \
        valid), 1 when the manifest is unreadable or an error was found, 2 for usage errors.
        """)

    @Argument(help: "The bundle (.tar.gz).")
    var bundle: String

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(help: "Also verify the whole bundle (slower); exit 1 if it is invalid.")
    var verify = false

    @Option(help: "Time zone for dates (default: the bundle's source time zone).")
    var tz: String?

    func run() throws {
      try requireReadableFile(bundle)
      let (inspector, report) = BundleInspector.inspect(path: bundle, readEverything: verify)
      guard let manifest = inspector.manifest, let bundleID = inspector.bundleID else {
        for issue in report.issues { FileStream.standardError.write(issue.description.terminalSafe + "\n") }
        FileStream.standardError.write("error: \(bundle): no readable manifest; run 'chatbundle verify' for details\n")
        throw ExitCode.failure
      }
      let zoneName = tz ?? manifest.source.timeZone
      let zone = TimeZone(identifier: zoneName) ?? TimeZone(identifier: "UTC") ?? .current
      let summary = InspectSummary(
        manifest: manifest, bundleID: bundleID, people: inspector.people, index: inspector.conversationIndex, zone: zone
      )
      if json {
        var object = summary.jsonValue()
        if verify { object.append("verification", report.jsonValue()) }
        print(String(decoding: JSONWriter.serializeForTerminal(.object(object)), as: UTF8.self))
      } else {
        for line in summary.text().split(separator: "\n", omittingEmptySubsequences: false) { printSafe(String(line)) }
        if verify {
          for issue in report.issues { printSafe(issue.description) }
          print(
            "verified: \(report.isValid ? "VALID" : "INVALID") (\(report.errorCount) errors, \(report.warningCount) warnings)"
          )
        } else if !report.issues.isEmpty {
          for issue in report.issues { printSafe(issue.description) }
          printSafe("note: problems were found in the part read; run 'chatbundle verify \(bundle)'")
        } else {
          printSafe(
            "checked     the beginning only (manifest, people, indexes); 'chatbundle verify \(bundle)' checks every byte"
          )
        }
      }
      // An error in the part read is as final as one found by a whole pass.
      if (verify && !report.isValid) || report.errorCount > 0 { throw ExitCode.failure }
    }
  }
}

/// The facts `inspect` prints, in text or JSON.
struct InspectSummary {
  let manifest: Manifest
  let bundleID: String
  let people: [Identifier: String]
  let index: [Identifier: JSONObject]
  let zone: TimeZone

  func name(of id: Identifier) -> String {
    people[id].map { "\($0) (\(id))" } ?? id.text
  }

  func date(_ milliseconds: Int64) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = zone
    formatter.dateFormat = "yyyy-MM-dd HH:mm"
    return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
  }

  func text() -> String {
    var out: [String] = []
    let totals = manifest.totals
    out.append("bundle id   \(bundleID)")
    out.append(
      "format      chatbundle \(manifest.formatVersion), made by \(manifest.generatorName) \(manifest.generatorVersion)"
    )
    out.append(
      "source      \(manifest.source.platform), users' time zone \(manifest.source.timeZone) (times below in \(zone.identifier))"
    )
    out.append("created     \(UTCTime.timestamp(milliseconds: manifest.created * 1000)) (newest message)")
    out.append("inputs      \(manifest.source.inputs.count) files")
    for input in manifest.source.inputs.prefix(10) {
      out.append("              \(input.name)  \(input.records) records  sha256 \(input.sha256.prefix(16))…")
    }
    if manifest.source.inputs.count > 10 { out.append("              … \(manifest.source.inputs.count - 10) more") }
    out.append("scope       \(scopeText())")
    if let custody = manifest.custody {
      for (label, value) in [
        ("exported by", custody.exportedBy), ("requested by", custody.requestedBy), ("purpose", custody.purpose),
        ("reference", custody.reference),
      ] {
        if let value { out.append(label.padding(toLength: 12, withPad: " ", startingAt: 0) + value) }
      }
    }
    out.append(contentsOf: lineageLines())
    out.append(contentsOf: coverageLines())
    out.append(
      "totals      \(totals.conversations) conversations, \(totals.messages) messages, \(totals.media) media files (\(formatBytes(totals.mediaBytes))), \(totals.missing) missing, \(totals.skipped) skipped, \(totals.duplicates) duplicates merged"
    )
    out.append("")
    for conversation in manifest.conversations {
      out.append("\(conversation.title(names: people))  [\(conversation.kind.rawValue)]  \(conversation.id)")
      out.append(
        "  \(conversation.messageCount) messages, \(date(conversation.firstTimestamp)) – \(date(conversation.lastTimestamp))"
      )
      if let line = index[conversation.id] {
        let kinds = (line["kinds"]?.objectValue?.members ?? []).map { "\($0.key) \($0.value.numberLiteral ?? "?")" }
        out.append("  kinds: " + kinds.joined(separator: ", "))
        let members = (line["members"]?.arrayValue ?? []).compactMap { pair -> String? in
          guard let items = pair.arrayValue, let id = items.first?.stringValue else { return nil }
          return "\(name(of: Identifier(id))) \(items.last?.numberLiteral ?? "0")"
        }
        out.append(
          "  members (\(members.count)): " + members.prefix(12).joined(separator: ", ")
            + (members.count > 12 ? ", …" : ""))
      }
      if let external = conversation.externalMembers {
        out.append(
          "  external (\(external.count)): " + external.prefix(12).map(name(of:)).joined(separator: ", ")
            + (external.count > 12 ? ", …" : ""))
      }
    }
    if !manifest.missing.isEmpty {
      out.append("")
      out.append("missing media (\(manifest.missing.count)):")
      for missing in manifest.missing.prefix(50) {
        out.append(
          "  message \(missing.message) \(missing.field): \(missing.name ?? missing.sourceReference ?? "?") — \(missing.reason)"
        )
      }
      if manifest.missing.count > 50 { out.append("  … \(manifest.missing.count - 50) more (see --json)") }
    }
    if !manifest.skipped.isEmpty {
      out.append("")
      out.append("skipped records (\(manifest.skipped.count)):")
      for skipped in manifest.skipped.prefix(50) { out.append("  \(skipped.input):\(skipped.line): \(skipped.reason)") }
      if manifest.skipped.count > 50 { out.append("  … \(manifest.skipped.count - 50) more (see --json)") }
    }
    return out.joined(separator: "\n")
  }

  /// The period delivered, the source's periods by state and every gap.
  /// Where the bundle came from when it was derived or sealed (spec §7.15): what a recipient
  /// needs to ask for the parents or the rest of the chain.
  func lineageLines() -> [String] {
    guard let lineage = manifest.lineage else { return [] }
    var out: [String] = []
    switch lineage.operation {
    case .seal:
      out.append(
        "lineage     sealed bundle \(lineage.sequence ?? 0) of the continuous archive \(lineage.archive ?? "?")")
      out.append("            previous: \(lineage.previous ?? "none (the first of the chain)")")
      out.append("            check the chain: chatbundle archive verify <every sealed bundle>")
    default:
      let what =
        lineage.operation == .merge
        ? "merged from \(lineage.parents.count) bundle\(lineage.parents.count == 1 ? "" : "s")"
        : "\(lineage.operation.rawValue) of one bundle"
      out.append("lineage     \(what); prove it with verify --parent PARENT.tar.gz")
      for parent in lineage.parents {
        let preferred = parent.bundleID == lineage.preferred ? ", preferred where copies differed" : ""
        out.append(
          "            parent \(parent.bundleID)  created \(UTCTime.timestamp(milliseconds: parent.created * 1000)), "
            + "\(parent.messages) messages\(preferred)")
      }
      if let redactions = lineage.redactions {
        out.append("            \(redactions) redactions, logged in the messages they changed")
        for reason in lineage.reasons { out.append("            reason: \(reason)") }
      }
    }
    return out
  }

  func coverageLines() -> [String] {
    let coverage = CoverageSummary(manifest)
    var out: [String] = []
    if let first = coverage.firstMessage, let last = coverage.lastMessage {
      out.append("delivered   messages from \(date(first)) to \(date(last))")
    }
    if !coverage.isStated {
      out.append("coverage    not stated by the source (no periods or sequence numbers recorded)")
      return out
    }
    if coverage.periodCount > 0 {
      out.append("coverage    \(coverage.periodCount) source periods: " + coverage.periodStatesText)
    }
    if let sequence = coverage.sequenceText { out.append("sequence    " + sequence) }
    let lines = coverage.gapLines(time: date)
    out.append("gaps        " + (lines.isEmpty ? "none" : "\(lines.count)"))
    for line in lines.prefix(50) { out.append("              " + line) }
    if lines.count > 50 { out.append("              … \(lines.count - 50) more (see --json)") }
    return out
  }

  func scopeText() -> String {
    let scope = manifest.scope
    if scope.isUnlimited { return "everything in the inputs" }
    var parts: [String] = []
    if let since = scope.since { parts.append("from \(UTCTime.timestamp(milliseconds: since))") }
    if let until = scope.until { parts.append("before \(UTCTime.timestamp(milliseconds: until))") }
    if let conversations = scope.conversations {
      parts.append("conversations " + conversations.map(\.text).joined(separator: ", "))
    }
    if let members = scope.members { parts.append("members " + members.map(name(of:)).joined(separator: ", ")) }
    return parts.joined(separator: "; ")
  }

  func jsonValue() -> JSONObject {
    guard case .object(var object) = manifest.jsonValue() else { return JSONObject() }
    object.members.removeAll { $0.key == "files" }
    object.members.insert(JSONObject.Member("bundle_id", .string(bundleID)), at: 0)
    object.append(
      "people",
      JSONValue.object(
        JSONObject(people.sorted { $0.key < $1.key }.map { JSONObject.Member($0.key.text, .string($0.value)) })))
    object.append("coverage_summary", CoverageSummary(manifest).jsonValue())
    object.append(
      "conversation_index",
      JSONValue.array(manifest.conversations.compactMap { index[$0.id].map(JSONValue.object) }))
    return object
  }
}
