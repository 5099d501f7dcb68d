import ArchiveIO
import ChatBundle
import ChatBundleTemplates
import Foundation
import Mustache

/// Turns a bundle into a static site in the same streaming pass that verifies it.
///
/// Pages are written to a scratch directory as messages stream past, ended by month and
/// by `pageSize` (`SitePagination`); links that are only known at the end (the next page,
/// the month menu, replies and recalls pointing at other pages) are placeholders that
/// `finish` resolves against a frozen `SiteSnapshot` in a second pass over the pages only
/// (`PageFinisher`), before the index pages (`IndexPageWriter`). Media go straight to
/// their files (`SiteMediaSink`), search entries to another thread (`SearchIndexWriter`).
/// The scratch directory becomes the output only when the bundle is valid (or `force` is
/// set).
public final class SiteGenerator {
  let options: RenderOptions
  let scratch: String
  let library: MustacheLibrary
  let stylesheet: String
  let script: String
  let strings: SiteStrings
  private(set) var frame: SiteFrame?
  private var renderer: MessageRenderer?
  private var people: [Identifier: String] = [:]
  private var peopleChanged = false
  /// The conversation whose file the messages are coming from.
  private var openConversation: ConversationEntry?
  /// The listed entry whose data is arriving.
  private var currentEntry: Manifest.FileEntry?
  let media: SiteMediaSink
  let lookup: MessageIDLookup
  /// Owns the search index writer on its thread; `finish` writes the index there too.
  let searchQueue: BatchQueue<SearchIndexWriter.Entry, SearchIndexWriter>
  private(set) var pagination: SitePagination
  private var page = HTML()
  /// Runs of one sender's messages on the page being built.
  private var grouping = MessageGrouping()
  /// The open conversation's numbers for its overview page, and its media pages.
  private var activity = ConversationActivity()
  private var gallery: GalleryPages?
  /// Every finished conversation's numbers, for the bundle's overview page.
  private(set) var bundleActivity = BundleActivity()
  private(set) var messages: Int64 = 0
  /// Messages of the `perspective` user, on the right.
  private(set) var perspectiveMessages: Int64 = 0
  private(set) var failure: Error?
  /// Set once the pass is over; pages carry a placeholder for it until then.
  var verificationValid = false
  var provenance = ProvenanceSummary()
  /// Recall notices by recalled message id, found before the pass.
  var recalls: [Identifier: RecallNotice] = [:]
  /// The latest revision record of each edited original, found before the pass.
  var revisions: [Identifier: RevisionNotice] = [:]
  /// Media of hidden recalled messages and of shown ones (only with `hideRecalled`).
  private var hiddenMedia: Set<String> = []
  private var shownMedia: Set<String> = []

  init(options: RenderOptions, scratch: String, library: MustacheLibrary, stylesheet: String, script: String) throws {
    grouping = MessageGrouping(perspective: options.perspective.map { Identifier($0) })
    self.options = options
    self.scratch = scratch
    self.library = library
    self.stylesheet = stylesheet
    self.script = script
    strings = SiteStrings(language: options.language == .en ? .en : .zhCN)
    pagination = SitePagination(pageSize: options.pageSize)
    lookup = try MessageIDLookup(path: scratch + "/.message-ids")
    for directory in ["raw", "site/c", "site/media", "site/assets"] { try makeDirectories(directory, in: scratch) }
    media = SiteMediaSink(directory: scratch + "/site/media", linkingFrom: options.mediaSource)
    let search = try SearchIndexWriter(siteDirectory: scratch + "/site", scratch: scratch)
    // Tokenizing is a third of the work; on its own thread it overlaps verifying and
    // rendering, and writing the index at the end overlaps resolving the pages.
    searchQueue = BatchQueue(consumer: search, consume: { $0.add($1) }, last: { try $0.finish() })
  }

  // MARK: - Events

  /// What the site reads besides the messages: media files, and the message-id index
  /// that resolves replies across pages.
  static let readingOptions = BundleReadingOptions(
    data: EntrySelection(roles: [.media], paths: [BundleLayout.messageIndex]))

  /// Handles one event of the verifying pass, on the rendering thread. The first failure
  /// is kept, and ends the work.
  func handle(_ event: BundleEvent) {
    guard failure == nil else { return }
    do {
      switch event {
      case .manifest(let record): try read(record)
      case .person(let id, let name):
        people[id] = name
        peopleChanged = true
      case .entryStarted(let entry):
        currentEntry = entry
        if entry.role == .media {
          // Media only hidden messages use stay out of the site.
          let hidden = options.hideRecalled && hiddenMedia.contains(entry.sha256) && !shownMedia.contains(entry.sha256)
          try media.begin(entry, keep: !hidden)
        }
      case .data(let bytes):
        if currentEntry?.role == .media {
          try media.write(bytes)
        } else {
          try bytes.withUnsafeBytes { try lookup.consume($0) }
        }
      case .entryFinished(let entry):
        currentEntry = nil
        if entry.role == .media {
          try media.end()
        } else if entry.path == BundleLayout.messageIndex {
          try lookup.finish()
        }
      case .conversationStarted(let conversation): openConversation = conversation
      case .message(let message, let line): try render(message, line: line)
      case .conversationFinished: try endConversation()
      case .issue, .finished: break
      }
    } catch {
      failure = error
    }
  }

  private func read(_ record: ManifestRecord) throws {
    let zone = options.timeZone ?? record.manifest.source.timeZone
    // Never guessed: a transcript in the wrong zone misdates every message.
    guard let clock = LocalClock(identifier: zone) else { throw RenderError.unknownTimeZone(zone) }
    frame = SiteFrame(library: library, strings: strings, language: options.language, record: record, clock: clock)
    var renderer = MessageRenderer(people: [:], clock: clock, strings: strings)
    for file in record.manifest.files where file.role == .media {
      renderer.mediaNames[file.sha256] = SiteMediaSink.fileName(of: file)
    }
    self.renderer = renderer
  }

  private func render(_ message: Message, line: Int64) throws {
    // People come before every message; the renderer and the frame take the finished list once.
    if peopleChanged, let old = renderer {
      var updated = MessageRenderer(people: people, clock: old.clock, strings: strings)
      updated.mediaNames = old.mediaNames
      renderer = updated
      frame?.people = people
      peopleChanged = false
    }
    guard let frame, let renderer, let conversation = openConversation else { return }
    if pagination.current?.entry.id != conversation.id {
      try endConversation()
      grouping.reset()
      pagination.open(conversation, title: frame.title(of: conversation))
      try makeDirectories("raw/" + SitePagination.directory(of: conversation), in: scratch)
    }
    let local = frame.clock.local(message.timestamp)
    if pagination.fits(local) {
      pagination.extend(line: line, timestamp: message.timestamp)
    } else {
      try endPage()
      pagination.startPage(line: line, timestamp: message.timestamp, local: local)
      grouping.reset()
    }
    if pagination.startsDay(local) {
      // The overview's bars and calendar lead here.
      page.raw("<h2 class=\"day\" id=\"d-")
      page.formatted(local.appendDate)
      page.raw("\">")
      page.formatted(local.appendDate)
      page.raw("</h2>\n")
      grouping.reset()
    }
    let recall = message.kind == .recall ? nil : recalls[message.id]
    let hidden = recall != nil && options.hideRecalled
    if case .recall(let target?) = message.body, options.hideRecalled, recalls[target] == nil {
      // The quick scan missed this tombstone (a line not in canonical form), so its
      // original may already be on a page: stop rather than show recalled content.
      throw RenderError.output(
        "cannot hide recalled message \(target): its recall \(message.id) was not found ahead of the pass")
    }
    if options.hideRecalled {
      for (_, reference) in message.mediaReferences {
        if let sha = reference.sha256 {
          if hidden { hiddenMedia.insert(sha) } else { shownMedia.insert(sha) }
        }
      }
    }
    var placement = grouping.place(message)
    if hidden {
      // A hidden recall is a centred row: the run ends with it.
      grouping.reset()
      placement.continuesRun = false
    }
    renderer.render(
      message, at: local, recall: recall, revision: revisions[message.id], hidden: hidden, placement: placement,
      into: &page)
    if placement.isMine { perspectiveMessages += 1 }
    messages += 1
    if let (conversationPages, info) = pagination.openPage {
      activity.add(message, at: local, page: info.name, hidden: hidden)
      if !hidden {
        openGallery(conversationPages, frame: frame)
        try gallery?.add(
          message, at: local, page: info.name, senderName: renderer.name(of: message.sender),
          mediaNames: renderer.mediaNames)
      }
    }
    if !hidden, let current = pagination.current {
      searchQueue.append(
        SearchIndexWriter.Entry(
          message, page: pagination.pagePath, directory: current.directory,
          senderName: renderer.name(of: message.sender), conversation: current.title, local: local))
    }
  }

  // MARK: - Pages

  /// Stands for a page's messages in the rendered templates. It cannot come from a bundle,
  /// where every `<` is escaped.
  static let messagesMarker = "<@MESSAGES@>"

  /// Writes the page being built, with placeholders for the links `finish` resolves.
  private func endPage() throws {
    guard let frame, let (conversation, info) = pagination.openPage else { return }
    let messages = page.bytes
    page = HTML()
    let title = frame.title(of: conversation.entry)
    let context: [String: Any] = [
      "conversation": title,
      "page": info.name,
      // `c/` and hex (`SitePagination.directory`): safe in a URL and an attribute as it is.
      "directory": conversation.directory,
      // The messages (hundreds of kilobytes) go in as bytes where the templates put this
      // marker, rather than through Mustache as a string, which copied them several times.
      "messages": Self.messagesMarker,
      "previous": conversation.pages.count > 1 ? conversation.pages[conversation.pages.count - 2].name + ".html" : "",
      "hasPrevious": conversation.pages.count > 1,
      "menu": "<@MENU@>",
      "views": OverviewPageWriter(frame: frame).views(conversation, current: .messages),
      "next": "<@NEXT@>",
      "strings": frame.stringsContext(),
    ]
    let html = frame.layout(
      body: library.render(context, withTemplate: "conversation") ?? "", title: title, root: "../../",
      span: (info.first, info.last), messages: true)
    let framed = Array(html.utf8)
    var bytes: [UInt8] = []
    bytes.reserveCapacity(framed.count + messages.count)
    appendReplacing(Array(Self.messagesMarker.utf8), with: messages, in: framed, to: &bytes)
    try writeNewFile(scratch + "/raw/" + conversation.directory + "/" + info.name + ".html", bytes)
  }

  /// Begins the open conversation's media pages, at its first message (or at its end).
  private func openGallery(_ conversation: ConversationPages, frame: SiteFrame) {
    guard gallery == nil else { return }
    gallery = GalleryPages(
      frame: frame, directory: scratch + "/raw/" + conversation.directory, title: conversation.title,
      views: OverviewPageWriter(frame: frame).views(conversation, current: .gallery))
  }

  private func endConversation() throws {
    try endPage()
    if let frame, let conversation = pagination.current, !conversation.pages.isEmpty {
      let overview = OverviewPageWriter(frame: frame).conversationPage(activity, pages: conversation)
      try writeNewFile(scratch + "/raw/" + conversation.directory + "/overview.html", overview)
      openGallery(conversation, frame: frame)
      try gallery?.finish()
      pagination.addExtraPages(["overview"])
      pagination.addExtraPages(gallery?.names ?? [])
      bundleActivity.add(activity, conversation: pagination.finished.count, directory: conversation.directory)
    }
    activity = ConversationActivity()
    gallery = nil
    pagination.closeConversation()
  }

  // MARK: - Finishing

  /// Whether the bundle verified, and when if asked: the same line on every page.
  private func statusLine() -> String {
    var html = HTML()
    if verificationValid {
      html.raw("<span class=\"verified\">✔ ")
      html.text(strings(.verified) + " · chatbundle " + ChatBundleVersion.current)
      if let time = options.verificationTime, let clock = frame?.clock {
        html.text(
          " · " + strings(.verifiedOn) + " " + clock.date(time) + " " + clock.time(time) + " " + clock.offset(time))
      }
    } else {
      html.raw("<span class=\"unverified\">✘ ")
      html.text(strings(.unverified))
    }
    html.raw("</span>")
    html.raw(" <span class=\"provenance\">")
    if provenance.signers.isEmpty { html.text(" · " + strings(.unsigned)) }
    for signer in provenance.signers where signer.valid {
      let trust: SiteStrings.Key =
        switch signer.trusted {
        case true?: .trusted
        case false?: .untrusted
        case nil: .trustNotChecked
        }
      html.text(" · " + strings(.signedBy) + " " + signer.fingerprint.prefix(16) + "… (" + strings(trust) + ")")
    }
    for timestamp in provenance.timestamps where timestamp.valid {
      var text = " · " + strings(.timestamped)
      if let time = timestamp.time, (0...BundleLimits.maximumTimestamp).contains(time) {
        text += " " + UTCTime.timestamp(milliseconds: time)
      }
      if let authority = timestamp.authority { text += " " + authority }
      let trust: SiteStrings.Key =
        switch timestamp.trusted {
        case true?: .trustedAuthority
        case false?: .untrustedAuthority
        case nil: .authorityNotChecked
        }
      text += " (" + strings(trust) + ")"
      html.text(text)
    }
    html.raw("</span>")
    return html.string
  }

  /// Resolves placeholders, writes the index pages, the search page and the assets.
  func finish() throws {
    searchQueue.close()
    do {
      try finishPages()
    } catch {
      _ = try? searchQueue.finish()
      throw error
    }
    try searchQueue.finish()
  }

  /// Resolves every page's placeholders, on two threads: the pages and search threads are
  /// done by now, and reading, resolving and writing hundreds of megabytes of pages is the
  /// last long step.
  private func finishPages() throws {
    let snapshot = SiteSnapshot(
      conversations: pagination.finished, positions: pagination.positions, status: statusLine(),
      nextLabel: strings(.next), monthsLabel: strings(.months))
    var jobs: [(conversation: Int, page: Int)] = []
    for (number, conversation) in snapshot.conversations.enumerated() {
      try makeDirectories("site/" + conversation.directory, in: scratch)
      jobs += conversation.pages.indices.map { (number, $0) }
    }
    let half = jobs.count / 2
    let otherLookup = lookup.readerForAnotherThread()
    let scratch = self.scratch
    let secondJobs = jobs[half...]
    let secondHalf = WorkerThread(stackSize: 8 << 20, owning: PageFinisher(snapshot: snapshot, lookup: otherLookup)) {
      try Self.finish(secondJobs, of: snapshot, in: scratch, with: $0)
    }
    let finisher = PageFinisher(snapshot: snapshot, lookup: lookup)
    do {
      try Self.finish(jobs[..<half], of: snapshot, in: scratch, with: finisher)
    } catch {
      _ = try? secondHalf.join()
      throw error
    }
    try secondHalf.join()
    for conversation in snapshot.conversations {
      for sequence in conversation.extraPages {
        for (index, name) in sequence.enumerated() {
          let path = conversation.directory + "/" + name + ".html"
          let next = index + 1 < sequence.count ? sequence[index + 1] : nil
          let bytes = try readWholeFile(scratch + "/raw/" + path)
          try writeNewFile(
            scratch + "/site/" + path, try finisher.resolve(bytes, conversation: conversation, page: name, next: next))
        }
      }
    }
    guard let frame else { return }
    let overview = OverviewPageWriter(frame: frame).bundlePage(bundleActivity, conversations: snapshot.conversations)
    try writeNewFile(
      scratch + "/site/overview.html", try finisher.resolve(overview, conversation: nil, page: "", next: nil))
    let hidden = options.hideRecalled ? Set(recalls.keys) : []
    try IndexPageWriter(frame: frame, snapshot: snapshot, rowsPerPage: options.indexRowsPerPage, hidden: hidden)
      .write(into: scratch + "/site", finisher: finisher)
    let searchBody = library.render(["strings": frame.stringsContext()], withTemplate: "search") ?? ""
    let searchPage = frame.layout(body: searchBody, title: strings(.search), root: "")
    try writeNewFile(
      scratch + "/site/search.html",
      try finisher.resolve(Array(searchPage.utf8), conversation: nil, page: "", next: nil))
    try writeNewFile(scratch + "/site/assets/search.js", script.utf8)
    try writeNewFile(scratch + "/site/assets/style.css", stylesheet.utf8)
  }

  private static func finish(
    _ jobs: ArraySlice<(conversation: Int, page: Int)>, of snapshot: SiteSnapshot, in scratch: String,
    with finisher: PageFinisher
  ) throws {
    for job in jobs {
      let conversation = snapshot.conversations[job.conversation]
      let info = conversation.pages[job.page]
      let source = scratch + "/raw/" + conversation.directory + "/" + info.name + ".html"
      let target = scratch + "/site/" + conversation.directory + "/" + info.name + ".html"
      let bytes = try readWholeFile(source)
      let next = job.page + 1 < conversation.pages.count ? conversation.pages[job.page + 1].name : nil
      try writeNewFile(target, try finisher.resolve(bytes, conversation: conversation, page: info.name, next: next))
    }
  }
}
