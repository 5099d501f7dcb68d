import ArchiveIO
import ChatBundle
import ChatBundleTemplates
import Foundation
import Mustache

/// Turns a bundle into a static site in the same streaming pass that verifies it.
///
/// Pages are written to a scratch directory as messages stream past, ended by month and
/// by `pageSize`; links that are only known at the end (the next page, the month menu,
/// replies and recalls pointing at other pages) are placeholders that `finish` resolves in
/// a second pass over the pages only. The scratch directory becomes the output only when
/// the bundle is valid (or `force` is set).
public final class SiteGenerator {
  let options: RenderOptions
  let scratch: String
  let library: MustacheLibrary
  let stylesheet: String
  let script: String
  var manifest: Manifest?
  /// The conversation whose file the messages are coming from.
  var openConversation: ConversationEntry?
  /// The listed entry whose data is arriving.
  var currentEntry: Manifest.FileEntry?
  var bundleID = ""
  var people: [Identifier: String] = [:]
  var renderer: MessageRenderer?
  var clock: LocalClock?
  let strings: SiteStrings
  var lookup: MessageIDLookup
  let search: SearchIndexWriter
  let searchQueue: BatchQueue<SearchIndexWriter.Entry>
  var mediaFile: FileHandle?
  var conversations: [ConversationPages] = []
  /// Position in `conversations` by conversation id, for links resolved at the end.
  var conversationIndex: [Identifier: Int] = [:]
  var current: ConversationPages?
  var page = HTML()
  /// The local day (`LocalTime.dayNumber`) of the page's last separator.
  var pageDay: Int64?
  /// The open page's local month as `year * 100 + month`.
  var pageMonth: Int64?
  /// The open page's path from the site root, for its search entries.
  var pagePath = ""
  var messages: Int64 = 0
  var failure: Error?
  /// Set once the pass is over; pages carry a placeholder for it until then.
  var verificationValid = false
  var peopleChanged = false
  /// The header lines about the whole bundle, made with the first page.
  var bundleHeader: BundleHeader?
  /// Recall notices by recalled message id, found before the pass.
  var recalls: [Identifier: RecallNotice] = [:]
  /// Media of hidden recalled messages and of shown ones (only with `hideRecalled`).
  var hiddenMedia: Set<String> = []
  var shownMedia: Set<String> = []

  struct BundleHeader {
    var counts: String
    var scope: String
    var created: String
    /// The first and last message time in the bundle.
    var span: (Int64, Int64)
  }

  /// A page: its name, month, first and last line, message count, first and last time.
  typealias PageInfo = (
    name: String, month: String, firstLine: Int64, lastLine: Int64, count: Int, first: Int64, last: Int64
  )

  /// A conversation's pages, in order: name, month, first and last line.
  struct ConversationPages {
    var entry: ConversationEntry
    var directory: String
    var title: String
    var pages: [PageInfo] = []
  }

  init(options: RenderOptions, scratch: String, library: MustacheLibrary, stylesheet: String, script: String) throws {
    self.options = options
    self.scratch = scratch
    self.library = library
    self.stylesheet = stylesheet
    self.script = script
    strings = SiteStrings(language: options.language == .en ? .en : .zhCN)
    lookup = try MessageIDLookup(path: scratch + "/.message-ids")
    for directory in ["raw", "site/c", "site/media", "site/assets"] {
      try FileManager.default.createDirectory(atPath: scratch + "/" + directory, withIntermediateDirectories: true)
    }
    let search = try SearchIndexWriter(siteDirectory: scratch + "/site", scratch: scratch)
    self.search = search
    // Tokenizing is a third of the work; on its own thread it overlaps verifying and rendering.
    searchQueue = BatchQueue { [search] entry in search.add(entry) }
  }

  // MARK: - Events

  /// What the site reads besides the messages: media files, and the message-id index
  /// that resolves replies across pages.
  static let readingOptions = BundleReadingOptions(
    data: EntrySelection(roles: [.media], paths: [BundleLayout.messageIndex]))

  /// Handles one event of the verifying pass, on the rendering thread.
  func handle(_ event: BundleEvent) {
    switch event {
    case .manifest(let record): read(record)
    case .person(let id, let name):
      people[id] = name
      peopleChanged = true
    case .entryStarted(let entry): startEntry(entry)
    case .data(let bytes): consume(bytes)
    case .entryFinished(let entry): finishEntry(entry)
    case .conversationStarted(let conversation): openConversation = conversation
    case .issue, .finished: break
    case .message(let message, let line): render(message, line: line)
    case .conversationFinished:
      do {
        try endConversation()
      } catch {
        failure = error
      }
    }
  }

  private func read(_ record: ManifestRecord) {
    manifest = record.manifest
    bundleID = record.bundleID
    let zone = options.timeZone ?? record.manifest.source.timeZone
    clock = LocalClock(identifier: zone) ?? LocalClock(identifier: "UTC")
    guard let clock else { return }
    var renderer = MessageRenderer(people: [:], clock: clock, strings: strings)
    for file in record.manifest.files where file.role == .media {
      renderer.mediaNames[file.sha256] = file.sha256 + "." + SiteMedia.fileExtension(for: file.mediaType)
    }
    self.renderer = renderer
  }

  private func startEntry(_ entry: Manifest.FileEntry) {
    currentEntry = entry
    guard entry.role == .media else { return }
    // Media only hidden messages use stay out of the site.
    if options.hideRecalled && hiddenMedia.contains(entry.sha256) && !shownMedia.contains(entry.sha256) {
      mediaFile = nil
      return
    }
    let name = entry.sha256 + "." + SiteMedia.fileExtension(for: entry.mediaType)
    let path = scratch + "/site/media/" + name
    _ = FileManager.default.createFile(atPath: path, contents: nil)
    mediaFile = FileHandle(forWritingAtPath: path)
    if mediaFile == nil && failure == nil { failure = RenderError.output("cannot create \(path)") }
  }

  private func consume(_ bytes: [UInt8]) {
    do {
      if currentEntry?.role == .media {
        try mediaFile?.write(contentsOf: bytes)
      } else {
        try bytes.withUnsafeBytes { try lookup.consume($0) }
      }
    } catch {
      failure = error
    }
  }

  private func finishEntry(_ entry: Manifest.FileEntry) {
    currentEntry = nil
    do {
      if entry.role == .media {
        try mediaFile?.close()
        mediaFile = nil
      } else if entry.path == BundleLayout.messageIndex {
        try lookup.finish()
      }
    } catch {
      failure = error
    }
  }

  private func render(_ message: Message, line: Int64) {
    // People come before every message; the renderer takes the finished list once.
    if peopleChanged, let old = renderer {
      var updated = MessageRenderer(people: people, clock: old.clock, strings: strings)
      updated.mediaNames = old.mediaNames
      renderer = updated
      peopleChanged = false
    }
    guard failure == nil, let clock, let renderer, let conversation = openConversation else { return }
    do {
      if current?.entry.id != conversation.id {
        try endConversation()
        let directory = "c/" + String(conversation.path.dropFirst("conversations/".count).dropLast(".ndjson".count))
        try FileManager.default.createDirectory(
          atPath: scratch + "/raw/" + directory, withIntermediateDirectories: true)
        current = ConversationPages(entry: conversation, directory: directory, title: title(of: conversation))
      }
      let local = clock.local(message.timestamp)
      // Mutated in place through the optional: a copy would copy the page list per message.
      if let last = current?.pages.last, last.count < options.pageSize,
        pageMonth == local.year * 100 + local.month, let index = current?.pages.indices.last
      {
        current?.pages[index].lastLine = line
        current?.pages[index].count += 1
        current?.pages[index].last = message.timestamp
      } else {
        try endPage()
        let month = local.monthText
        let sameMonth = current?.pages.filter { $0.month == month }.count ?? 0
        let name = sameMonth == 0 ? month : "\(month)-\(sameMonth + 1)"
        current?.pages.append((name, month, line, line, 1, message.timestamp, message.timestamp))
        pagePath = (current?.directory ?? "") + "/" + name + ".html"
        pageDay = nil
        pageMonth = local.year * 100 + local.month
      }
      if local.dayNumber != pageDay {
        pageDay = local.dayNumber
        page.raw("<h2 class=\"day\">")
        page.formatted(local.appendDate)
        page.raw("</h2>\n")
      }
      let recall = message.kind == .recall ? nil : recalls[message.id]
      let hidden = recall != nil && options.hideRecalled
      if case .recall(let target?) = message.body, options.hideRecalled, recalls[target] == nil {
        // The quick scan missed this tombstone (a line not in canonical form), so its
        // original may already be on a page: stop rather than show recalled content.
        throw RenderError.output(
          "cannot hide recalled message \(target): its recall \(message.id) was not found ahead of the pass")
      }
      if hidden {
        noteMedia(of: message, into: &hiddenMedia)
      } else {
        noteMedia(of: message, into: &shownMedia)
      }
      renderer.render(message, at: local, recall: recall, hidden: hidden, into: &page)
      messages += 1
      if !hidden, let title = current?.title {
        searchQueue.append(
          SearchIndexWriter.Entry(
            message, page: pagePath, senderName: renderer.name(of: message.sender), conversation: title, local: local))
      }
    } catch {
      failure = error
    }
  }
}

extension SiteGenerator {
  /// Records the media a message shows, when hiding recalled messages needs to know.
  func noteMedia(of message: Message, into set: inout Set<String>) {
    guard options.hideRecalled else { return }
    for (_, reference) in message.mediaReferences {
      if let sha = reference.sha256 { set.insert(sha) }
    }
  }
}
