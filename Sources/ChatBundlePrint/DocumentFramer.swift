import ArchiveIO
import ChatBundle
import ChatBundleExport
import ChatBundleSite
import Foundation
import Mustache

/// Frames each document once the pass has verified the bundle: the title page (what the
/// conversation is, the period, the bundle id and the verification), the header and footer
/// every page repeats, and the messages from the body file, copied in blocks.
struct DocumentFramer {
  /// Stands for the messages in the rendered template; it cannot come from a bundle, where
  /// every `<` is escaped.
  static let messagesMarker = "<@MESSAGES@>"
  /// Members named on a title page at most; the rest are counted.
  static let maximumMembersShown = 200

  let templates: PrintTemplates
  let writer: TranscriptWriter
  let bundleID: String
  let verification: [String]
  let custody: [String]
  let strings: PrintStrings
  let site: SiteStrings
  let language: RenderOptions.Language
  let clock: LocalClock

  init(
    templates: PrintTemplates, writer: TranscriptWriter, bundleID: String, report: VerificationReport,
    provenance: ProvenanceSummary, language: RenderOptions.Language
  ) throws {
    guard let clock = writer.clock else { throw ExportError.output("the bundle has no manifest") }
    self.templates = templates
    self.writer = writer
    self.bundleID = bundleID
    self.language = language
    self.clock = clock
    strings = PrintStrings(language: language)
    site = writer.strings
    var lines = [strings.verified(version: ChatBundleVersion.current)]
    let warnings = report.issues.filter { $0.severity == .warning }.count
    if warnings > 0 { lines.append(strings.warnings(warnings)) }
    lines += provenance.signers.isEmpty ? [strings.unsigned] : provenance.signers.map(strings.signer)
    lines += provenance.timestamps.isEmpty ? [strings.noTimestamp] : provenance.timestamps.map(strings.timestamp)
    verification = lines
    let labels: [SiteStrings.Key] = [.exportedBy, .requestedBy, .purpose, .reference]
    custody = zip(labels, writer.manifest?.custody?.fields ?? []).compactMap { label, field in
      field.value.map { writer.strings(label) + ": " + $0 }
    }
  }

  func writeStylesheets(into work: String) throws {
    try writeNewFile(work + "/style.css", templates.stylesheet.utf8)
    try writeNewFile(work + "/print.css", templates.printStylesheet.utf8)
  }

  private func dateTime(_ milliseconds: Int64) -> String { clock.date(milliseconds) + " " + clock.time(milliseconds) }

  private func period(_ document: PrintedDocument) -> String {
    guard document.messages > 0 else { return strings.noMessages }
    return dateTime(document.first) + " – " + dateTime(document.last)
  }

  private func kind(_ entry: ConversationEntry) -> String {
    switch entry.kind {
    case .group: site(.kindGroup)
    case .direct: site(.kindDirect)
    case .chatroom: site(.kindChatroom)
    }
  }

  /// A one-to-one chat's parties, or the people who wrote in this document (a group's
  /// roster is not in the bundle), each `name (id)`, external members marked.
  private func members(_ document: PrintedDocument) -> String {
    let external = Set(document.conversation.externalMembers ?? [])
    let ids = document.conversation.participants ?? document.senders.sorted()
    let shown = ids.prefix(Self.maximumMembersShown).map { id in
      (writer.people[id].map { $0 + " (" + id.text + ")" } ?? id.text)
        + (external.contains(id) ? " (" + site(.external) + ")" : "")
    }
    var line = shown.joined(separator: ", ")
    if ids.count > shown.count { line += ", " + strings.more(ids.count - shown.count) }
    return line.isEmpty ? "—" : line
  }

  /// The page boxes' text, escaped into CSS strings: conversation and period at the top,
  /// the bundle id under them, and "page N of M" at the foot.
  func pageStyle(_ document: PrintedDocument, title: String) -> String {
    let span =
      document.messages > 0 ? clock.date(document.first) + " – " + clock.date(document.last) : strings.noMessages
    let header = shortened(title, to: 80) + " · " + span + "\n" + strings.bundleID + " " + bundleID
    let footer = strings.pageFooter
    return """
      @page {
        @top-center { content: \(cssString(header)); }
        @bottom-center { content: \(cssString(footer.before)) counter(page) \(cssString(footer.middle)) counter(pages) \(cssString(footer.after)); }
      }

      """
  }

  /// Writes the document's HTML (and its page stylesheet) to `html`.
  func compose(_ document: PrintedDocument, body: String, into html: String, work: String) throws {
    let entry = document.conversation
    let title = entry.title(names: writer.people)
    let pageStyle = document.name + ".page.css"
    try writeNewFile(work + "/" + pageStyle, self.pageStyle(document, title: title).utf8)
    let manifest = writer.manifest
    let created = (manifest?.created ?? 0) * 1000
    let whole =
      document.month == nil
      ? nil
      : (entry.messageCount > 0 ? dateTime(entry.firstTimestamp) + " – " + dateTime(entry.lastTimestamp) : nil)
    let stringsContext: [String: String] = [
      "transcript": strings.transcript, "kind": strings.kind, "members": strings.members, "period": strings.period,
      "conversationPeriod": strings.conversationPeriod, "messages": strings.messages, "times": strings.times,
      "bundleID": strings.bundleID, "created": strings.created, "source": strings.source,
      "verification": strings.verification, "custody": strings.custody, "note": strings.note,
    ]
    let offsets = Set([clock.offset(document.first), clock.offset(document.last)]).sorted()
    var context: [String: Any] = [
      "lang": language.rawValue,
      "title": shortened(title, to: 80) + " · " + period(document),
      "pageStyle": pageStyle,
      "conversation": title,
      "kind": kind(entry),
      "members": members(document),
      "period": period(document),
      "messageCount": String(document.messages),
      "zone": clock.identifier + " (UTC" + offsets.joined(separator: " / ") + ")",
      "bundleID": bundleID,
      "created": UTCTime.timestamp(milliseconds: created),
      "source": manifest.map { $0.source.platform.text + " · " + $0.generatorName + " " + $0.generatorVersion } ?? "",
      "verification": verification,
      "custody": custody,
      "strings": stringsContext,
      "messages": Self.messagesMarker,
    ]
    // Absent, not empty: an empty string is still true to the template's sections.
    if let part = strings.part(month: document.month, part: document.part) { context["part"] = part }
    if let whole { context["conversationPeriod"] = whole }
    let rendered = templates.library.render(context, withTemplate: "document") ?? ""
    let pieces = rendered.components(separatedBy: Self.messagesMarker)
    guard pieces.count == 2 else {
      throw ExportError.output("templates: document must hold {{{messages}}} exactly once")
    }
    let out = try BufferedWriter(creating: html, capacity: 1 << 20)
    try out.write(Array(pieces[0].utf8))
    let source = try OpenFile(body, .readOnly)
    var buffer = [UInt8](repeating: 0, count: 1 << 20)
    while true {
      let count = try source.read(into: &buffer)
      if count == 0 { break }
      try out.write(Array(buffer[0..<count]))
    }
    try source.close()
    try? FileSystem.removeFile(body)
    try out.write(Array(pieces[1].utf8))
    try out.close()
  }
}
