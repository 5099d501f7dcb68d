import ChatBundle
import Mustache

/// What every page of a site shares: the layout around its body (what was verified, the
/// bundle id, the period and time zone, the Content-Security-Policy), the header lines
/// about the whole bundle, and the templates' strings in the site's language.
final class SiteFrame {
  let library: MustacheLibrary
  let strings: SiteStrings
  let language: RenderOptions.Language
  let manifest: Manifest
  let bundleID: String
  let clock: LocalClock
  /// Display names; complete before the first page is framed, since people come first.
  var people: [Identifier: String] = [:]
  private var header: BundleHeader?

  private struct BundleHeader {
    var counts: String
    var scope: String
    /// Where the bundle came from when it was derived or sealed; nil for a packed bundle.
    var lineage: String?
    var created: String
    /// The first and last message time in the bundle.
    var span: (Int64, Int64)
  }

  init(
    library: MustacheLibrary, strings: SiteStrings, language: RenderOptions.Language, record: ManifestRecord,
    clock: LocalClock
  ) {
    self.library = library
    self.strings = strings
    self.language = language
    manifest = record.manifest
    bundleID = record.bundleID
    self.clock = clock
  }

  func title(of conversation: ConversationEntry) -> String { conversation.title(names: people) }

  func stringsContext() -> [String: String] {
    [
      "previous": strings(.previous), "next": strings(.next), "months": strings(.months),
      "conversations": strings(.conversations), "messages": strings(.messages), "members": strings(.members),
      "period": strings(.period), "scope": strings(.scope), "missingMedia": strings(.missingMedia),
      "reason": strings(.reason), "bundleID": strings(.bundleID), "times": strings(.times),
      "generatedFrom": strings(.generatedFrom), "skipped": strings(.skipped), "search": strings(.search),
      "searchPlaceholder": strings(.searchPlaceholder), "allMembers": strings(.allMembers), "from": strings(.from),
      "to": strings(.to), "noResults": strings(.noResults), "moreResults": strings(.moreResults),
      "narrowSearch": strings(.narrowSearch), "custody": strings(.custody), "coverage": strings(.coverage),
      "siteNavigation": strings(.siteNavigation), "pages": strings(.pages), "pagesEnd": strings(.pagesEnd),
      "conversationKind": strings(.conversationKind), "imageViewer": strings(.imageViewer),
      "closeImage": strings(.closeImage), "previousImage": strings(.previousImage), "nextImage": strings(.nextImage),
      "openFile": strings(.openFile),
      "gaps": strings(.gaps), "lineage": strings(.lineage),
      "overview": strings.overview(.overview), "gallery": strings.overview(.gallery),
      "findInConversation": strings(.findInConversation), "searchThisConversation": strings(.searchThisConversation),
      "searchingIn": strings(.searchingIn), "searchEverywhere": strings(.searchEverywhere), "order": strings(.order),
      "oldestFirst": strings(.oldestFirst), "newestFirst": strings(.newestFirst), "matchesOne": strings(.matchesOne),
      "matchesCount": strings(.matchesCount), "matchesAtLeast": strings(.matchesAtLeast),
      "resultOne": strings(.resultOne), "resultRange": strings(.resultRange),
      "byConversationOldest": strings(.byConversationOldest), "byConversationNewest": strings(.byConversationNewest),
    ]
  }

  /// Wraps a page body in the layout.
  ///
  /// - Parameter span: the first and last message time the page shows; nil for the pages
  ///   about the whole bundle (index, search), which take the bundle's span.
  /// - Parameter messages: a conversation page, whose skip link leads to its messages
  ///   (`section#messages`) rather than to `main`.
  func layout(body: String, title: String, root: String, span: (Int64, Int64)? = nil, messages: Bool = false)
    -> String
  {
    let header = header ?? makeHeader()
    self.header = header
    let (first, last) = span ?? header.span
    let start = clock.offset(first)
    let end = clock.offset(last)
    let context: [String: Any] = [
      "title": title, "body": body, "root": root, "lang": language.rawValue,
      "skipLabel": strings(messages ? .skipToMessages : .skipToContent), "skipTarget": messages ? "messages" : "main",
      "bundleID": bundleID,
      "status": "<@STATUS@>",
      "zone": clock.zone.identifier + " (UTC" + start + (start == end ? "" : " / " + end) + ")",
      "period": clock.date(first) + " – " + clock.date(last),
      "counts": header.counts,
      "scope": header.scope,
      "lineage": header.lineage ?? "",
      // A section over a string is entered even when the string is empty: a flag decides.
      "hasLineage": header.lineage != nil,
      "created": header.created,
      "strings": stringsContext(),
    ]
    return library.render(context, withTemplate: "layout") ?? ""
  }

  /// What every page's header says about the whole bundle, worked out once.
  private func makeHeader() -> BundleHeader {
    // The manifest's `created` is in seconds; everything else here is in milliseconds.
    let created = manifest.created * 1000
    let conversations = manifest.conversations
    let span = (
      conversations.map(\.firstTimestamp).min() ?? created, conversations.map(\.lastTimestamp).max() ?? created
    )
    let totals = manifest.totals
    var counts = "\(totals.messages) \(strings(.messages)) · \(totals.conversations) \(strings(.conversations))"
    counts += " · \(totals.media) \(strings(.mediaFiles))"
    if totals.missing > 0 { counts += " · \(totals.missing) \(strings(.missingShort))" }
    return BundleHeader(
      counts: counts, scope: scopeLines().joined(separator: "; "), lineage: lineageLine(),
      created: strings(.bundleCreated) + " " + clock.date(created) + " " + clock.time(created), span: span)
  }

  /// The manifest's lineage in one line: the operation, the parents by bundle id (or the
  /// archive, place in the chain and predecessor), and the redactions.
  func lineageLine() -> String? {
    guard let lineage = manifest.lineage else { return nil }
    let parents = lineage.parents.map(\.bundleID).joined(separator: ", ")
    switch lineage.operation {
    case .seal:
      return "\(strings(.lineageSeal)) \(lineage.sequence ?? 0) · \(lineage.archive ?? "")"
        + (lineage.previous.map { " · ← \($0)" } ?? "")
    case .merge: return "\(strings(.lineageMerge)) · \(strings(.lineageParents)): \(parents)"
    case .slice: return "\(strings(.lineageSlice)) · \(strings(.lineageParents)): \(parents)"
    case .redact:
      return "\(strings(.lineageRedact)) · \(strings(.lineageParents)): \(parents)"
        + (lineage.redactions.map { " · \($0) \(strings(.lineageRedactions))" } ?? "")
        + (lineage.reasons.isEmpty ? "" : " (\(strings(.reason)): \(lineage.reasons.joined(separator: "; ")))")
    }
  }

  /// Who exported the bundle, for whom and why, as the packer stated it.
  func custodyLines() -> [String] {
    guard let custody = manifest.custody else { return [] }
    let labels: [SiteStrings.Key] = [.exportedBy, .requestedBy, .purpose, .reference]
    return zip(labels, custody.fields).compactMap { label, field in field.value.map { strings(label) + ": " + $0 } }
  }

  /// The messages delivered, the source's periods by state and every gap.
  func coverageLines() -> (summary: [String], gaps: [String]) {
    let coverage = CoverageSummary(manifest)
    var summary: [String] = []
    if let first = coverage.firstMessage, let last = coverage.lastMessage {
      summary.append(
        strings(.delivered) + ": " + clock.date(first) + " " + clock.time(first) + " – " + clock.date(last) + " "
          + clock.time(last))
    }
    guard coverage.isStated else { return (summary + [strings(.coverageNotStated)], []) }
    if coverage.periodCount > 0 {
      summary.append(strings(.sourcePeriods) + ": \(coverage.periodCount) (" + coverage.periodStatesText + ")")
    }
    if let sequence = coverage.sequenceText { summary.append(sequence) }
    let gaps = coverage.gapLines { self.clock.date($0) + " " + self.clock.time($0) }
    return (summary, gaps.isEmpty ? [strings(.noGaps)] : gaps)
  }

  /// The export's scope, one line per limit, or "everything".
  func scopeLines() -> [String] {
    let scope = manifest.scope
    var lines: [String] = []
    if let since = scope.since { lines.append("≥ " + clock.date(since) + " " + clock.time(since)) }
    if let until = scope.until { lines.append("< " + clock.date(until) + " " + clock.time(until)) }
    if let wanted = scope.conversations {
      lines.append(strings(.conversations) + ": " + wanted.map(\.text).joined(separator: ", "))
    }
    if let members = scope.members {
      lines.append(strings(.members) + ": " + members.map { people[$0] ?? $0.text }.joined(separator: ", "))
    }
    return lines.isEmpty ? [strings(.everything)] : lines
  }

  /// The parties of a one-to-one chat, or a group's members from other organisations,
  /// each external one marked.
  func memberLine(_ entry: ConversationEntry) -> String {
    let external = Set(entry.externalMembers ?? [])
    let marker = " (" + strings(.external) + ")"
    if let participants = entry.participants {
      return participants.map { (people[$0] ?? $0.text) + (external.contains($0) ? marker : "") }.joined(
        separator: ", ")
    }
    guard !external.isEmpty else { return "" }
    return strings(.external) + ": "
      + (entry.externalMembers ?? []).map { people[$0] ?? $0.text }.joined(separator: ", ")
  }
}
