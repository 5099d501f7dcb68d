import ChatBundle
import ChatBundleTemplates
import Foundation
import Mustache

extension SiteGenerator {
  /// Writes the page being built, with placeholders for the links `finish` resolves.
  func endPage() throws {
    guard let conversation = current, let info = conversation.pages.last else { return }
    let messages = page.bytes
    page = HTML()
    let context: [String: Any] = [
      "conversation": title(of: conversation.entry),
      "page": info.name,
      // The messages (hundreds of kilobytes) go in as bytes where the templates put this
      // marker, rather than through Mustache as a string, which copied them several times.
      "messages": Self.messagesMarker,
      "previous": conversation.pages.count > 1 ? conversation.pages[conversation.pages.count - 2].name + ".html" : "",
      "hasPrevious": conversation.pages.count > 1,
      "menu": "<@MENU@>",
      "next": "<@NEXT@>",
      "strings": stringsContext(),
    ]
    let html = layout(
      body: library.render(context, withTemplate: "conversation") ?? "", title: title(of: conversation.entry),
      root: "../../", span: (info.first, info.last))
    let frame = Array(html.utf8)
    var bytes: [UInt8] = []
    bytes.reserveCapacity(frame.count + messages.count)
    appendReplacing(Array(Self.messagesMarker.utf8), with: messages, in: frame, to: &bytes)
    try writeNewFile(scratch + "/raw/" + conversation.directory + "/" + info.name + ".html", bytes)
  }

  /// Stands for a page's messages in the rendered templates. It cannot come from a bundle,
  /// where every `<` is escaped.
  static let messagesMarker = "<@MESSAGES@>"

  func endConversation() throws {
    try endPage()
    if let conversation = current {
      conversationIndex[conversation.entry.id] = conversations.count
      conversations.append(conversation)
    }
    current = nil
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
      "narrowSearch": strings(.narrowSearch),
    ]
  }

  /// Wraps a page body in the layout: header with what was verified, the time zone, CSP.
  ///
  /// - Parameter span: the first and last message time the page shows; nil for the pages
  ///   about the whole bundle (index, search), which take the bundle's span.
  func layout(body: String, title: String, root: String, span: (Int64, Int64)? = nil) -> String {
    let header = bundleHeader ?? makeBundleHeader()
    bundleHeader = header
    let (first, last) = span ?? header.span
    let period = clock.map { $0.date(first) + " – " + $0.date(last) } ?? ""
    let offsets = clock.map { clock in
      let start = clock.offset(first)
      let end = clock.offset(last)
      return "UTC" + start + (start == end ? "" : " / " + end)
    }
    let context: [String: Any] = [
      "title": title, "body": body, "root": root, "lang": options.language.rawValue,
      "bundleID": bundleID,
      "status": "<@STATUS@>",
      "zone": (clock?.zone.identifier ?? "UTC") + " (" + (offsets ?? "UTC") + ")",
      "period": period,
      "counts": header.counts,
      "scope": header.scope,
      "created": header.created,
      "strings": stringsContext(),
    ]
    return library.render(context, withTemplate: "layout") ?? ""
  }

  /// What every page's header says about the whole bundle, worked out once (the people
  /// list, which scope lines name, is complete before the first page ends).
  private func makeBundleHeader() -> BundleHeader {
    // The manifest's `created` is in seconds; everything else here is in milliseconds.
    let created = (manifest?.created ?? 0) * 1000
    let conversations = manifest?.conversations ?? []
    let span = (
      conversations.map(\.firstTimestamp).min() ?? created, conversations.map(\.lastTimestamp).max() ?? created
    )
    let totals = manifest?.totals
    var counts =
      "\(totals?.messages ?? 0) \(strings(.messages)) · \(totals?.conversations ?? 0) \(strings(.conversations))"
    counts += " · \(totals?.media ?? 0) \(strings(.mediaFiles))"
    if let missing = totals?.missing, missing > 0 { counts += " · \(missing) \(strings(.missingShort))" }
    return BundleHeader(
      counts: counts, scope: scopeLines().joined(separator: "; "),
      created: clock.map { strings(.bundleCreated) + " " + $0.date(created) + " " + $0.time(created) } ?? "",
      span: span)
  }

  /// The export's scope, one line per limit, or "everything".
  func scopeLines() -> [String] {
    guard let scope = manifest?.scope, let clock else { return [] }
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

  /// Resolves placeholders, writes the index page and the stylesheet.
  func finish() throws {
    searchQueue.finish()
    let searchIndex = BackgroundTask { [search] in try search.finish() }
    do {
      try finishPages()
    } catch {
      try? searchIndex.join()
      throw error
    }
    try searchIndex.join()
  }

  /// Resolves every page's placeholders, on two threads: the pages and search threads are
  /// done by now, and reading, resolving and writing hundreds of megabytes of pages is the
  /// last long step.
  private func finishPages() throws {
    var jobs: [(conversation: Int, page: Int)] = []
    for (number, conversation) in conversations.enumerated() {
      try FileManager.default.createDirectory(
        atPath: scratch + "/site/" + conversation.directory, withIntermediateDirectories: true)
      jobs += conversation.pages.indices.map { (number, $0) }
    }
    let half = jobs.count / 2
    let otherLookup = lookup.readerForAnotherThread()
    let secondHalf = BackgroundTask { [self] in
      try finish(jobs[half...], with: PageFinisher(generator: self, lookup: otherLookup))
    }
    do {
      try finish(jobs[..<half], with: PageFinisher(generator: self, lookup: lookup))
    } catch {
      try? secondHalf.join()
      throw error
    }
    try secondHalf.join()
    try writeIndex()
    let searchBody = library.render(["strings": stringsContext()], withTemplate: "search") ?? ""
    let searchPage = layout(body: searchBody, title: strings(.search), root: "")
    try writeNewFile(
      scratch + "/site/search.html",
      try PageFinisher(generator: self, lookup: lookup).resolve(
        Array(searchPage.utf8), conversation: nil, page: "", next: nil))
    try writeNewFile(scratch + "/site/assets/search.js", script.utf8)
    try writeNewFile(scratch + "/site/assets/style.css", stylesheet.utf8)
  }

  private func finish(_ jobs: ArraySlice<(conversation: Int, page: Int)>, with finisher: PageFinisher) throws {
    for job in jobs {
      let conversation = conversations[job.conversation]
      let info = conversation.pages[job.page]
      let source = scratch + "/raw/" + conversation.directory + "/" + info.name + ".html"
      let target = scratch + "/site/" + conversation.directory + "/" + info.name + ".html"
      let bytes = try readWholeFile(source)
      let next = job.page + 1 < conversation.pages.count ? conversation.pages[job.page + 1].name : nil
      try writeNewFile(target, try finisher.resolve(bytes, conversation: conversation, page: info.name, next: next))
    }
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

  func writeIndex() throws {
    guard let manifest, let clock else { return }
    let rows: [[String: Any]] = conversations.map { conversation in
      let entry = conversation.entry
      let kind: String
      switch entry.kind {
      case .group: kind = strings(.kindGroup)
      case .direct: kind = strings(.kindDirect)
      case .chatroom: kind = strings(.kindChatroom)
      }
      return [
        "title": title(of: entry), "kind": kind, "count": entry.messageCount,
        "first": clock.date(entry.firstTimestamp), "last": clock.date(entry.lastTimestamp),
        "href": conversation.directory + "/" + (conversation.pages.first?.name ?? "") + ".html",
        "members": memberLine(entry),
      ]
    }
    // With --hide-recalled even the names of a hidden message's attachments stay out.
    let listed = manifest.missing.filter { !(options.hideRecalled && recalls[$0.message] != nil) }
    let missing: [[String: Any]] = listed.map { item in
      [
        "message": item.message.text, "name": item.name ?? item.sourceReference ?? "", "reason": item.reason,
        "field": item.field,
      ]
    }
    let skipped: [[String: Any]] = manifest.skipped.map { ["input": $0.input, "line": $0.line, "reason": $0.reason] }
    // Each list is split over index.html, index-2.html, …, a page holding the next rows
    // of every list, so that no index page grows with the bundle.
    let perPage = max(1, options.indexRowsPerPage)
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
        "hasSkipped": !skippedPart.isEmpty, "scope": scopeLines(),
        "messages": manifest.totals.messages, "media": manifest.totals.media, "strings": stringsContext(),
        "platform": manifest.source.platform,
        "hasIndexPages": pageCount > 1, "indexPage": page + 1, "indexPages": pageCount,
      ]
      if page > 0 { context["previousIndex"] = name(page - 1) }
      if page + 1 < pageCount { context["nextIndex"] = name(page + 1) }
      let body = library.render(context, withTemplate: "index") ?? ""
      let html = layout(body: body, title: strings(.generatedFrom) + " " + bundleID.prefix(12), root: "")
      let finished = try PageFinisher(generator: self, lookup: lookup).resolve(
        Array(html.utf8), conversation: nil, page: "", next: nil)
      try writeNewFile(scratch + "/site/" + name(page), finished)
    }
  }
}
