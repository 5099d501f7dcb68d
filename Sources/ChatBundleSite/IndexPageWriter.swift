import ChatBundle

/// Writes the index pages: every conversation with its members, counts and dates, the
/// export's scope, the media that could not be bundled and the records that were skipped,
/// each list split over `index.html`, `index-2.html`, … so that no page grows with the
/// bundle.
struct IndexPageWriter {
  let frame: SiteFrame
  let snapshot: SiteSnapshot
  let rowsPerPage: Int
  /// With `--hide-recalled`, the recalled messages, whose attachments' names stay out too.
  let hidden: Set<Identifier>

  func write(into directory: String, finisher: PageFinisher) throws {
    let manifest = frame.manifest
    let coverage = frame.coverageLines()
    let clock = frame.clock
    let strings = frame.strings
    let rows: [[String: Any]] = snapshot.conversations.map { conversation in
      let entry = conversation.entry
      let kind: String
      switch entry.kind {
      case .group: kind = strings(.kindGroup)
      case .direct: kind = strings(.kindDirect)
      case .chatroom: kind = strings(.kindChatroom)
      }
      var row: [String: Any] = [
        "title": frame.title(of: entry), "kind": kind, "count": entry.messageCount,
        "first": clock.date(entry.firstTimestamp), "last": clock.date(entry.lastTimestamp),
        "href": conversation.directory + "/" + (conversation.pages.first?.name ?? "") + ".html",
      ]
      // Absent rather than empty: a Mustache section over an empty string is still entered.
      let members = frame.memberLine(entry)
      if !members.isEmpty { row["members"] = members }
      return row
    }
    let missing: [[String: Any]] = manifest.missing.filter { !hidden.contains($0.message) }.map { item in
      [
        "message": item.message.text, "name": item.name ?? item.sourceReference ?? "", "reason": item.reason,
        "field": item.field,
      ]
    }
    let skipped: [[String: Any]] = manifest.skipped.map { ["input": $0.input, "line": $0.line, "reason": $0.reason] }
    let perPage = max(1, rowsPerPage)
    let longest = max(rows.count, missing.count, skipped.count)
    let pageCount = max(1, (longest + perPage - 1) / perPage)
    func name(_ page: Int) -> String { page == 0 ? "index.html" : "index-\(page + 1).html" }
    func part(_ list: [[String: Any]], _ page: Int) -> [[String: Any]] {
      Array(list[min(list.count, page * perPage)..<min(list.count, (page + 1) * perPage)])
    }
    for page in 0..<pageCount {
      let missingPart = part(missing, page)
      let skippedPart = part(skipped, page)
      var context: [String: Any] = [
        "conversations": part(rows, page),
        "missing": missingPart, "hasMissing": !missingPart.isEmpty, "skipped": skippedPart,
        "hasSkipped": !skippedPart.isEmpty, "scope": frame.scopeLines(),
        "custody": frame.custodyLines(), "hasCustody": manifest.custody != nil,
        "coverage": coverage.summary, "gaps": coverage.gaps,
        "messages": manifest.totals.messages, "media": manifest.totals.media, "strings": frame.stringsContext(),
        "platform": manifest.source.platform.text,
        "hasIndexPages": pageCount > 1, "indexPage": page + 1, "indexPages": pageCount,
      ]
      if page > 0 { context["previousIndex"] = name(page - 1) }
      if page + 1 < pageCount { context["nextIndex"] = name(page + 1) }
      let body = frame.library.render(context, withTemplate: "index") ?? ""
      let html = frame.layout(body: body, title: strings(.generatedFrom) + " " + frame.bundleID.prefix(12), root: "")
      try writeNewFile(
        directory + "/" + name(page), try finisher.resolve(Array(html.utf8), conversation: nil, page: "", next: nil))
    }
  }
}
