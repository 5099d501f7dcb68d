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
public final class SiteGenerator: BundleReadingDelegate {
  let options: RenderOptions
  let scratch: String
  let library: MustacheLibrary
  let stylesheet: String
  let script: String
  var manifest: Manifest?
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

  // MARK: - Delegate

  public func didReadManifest(_ manifest: Manifest, bundleID: String, bytes: [UInt8]) {
    self.manifest = manifest
    self.bundleID = bundleID
    let zone = options.timeZone ?? manifest.source.timeZone
    clock = LocalClock(identifier: zone) ?? LocalClock(identifier: "UTC")
    guard let clock else { return }
    var renderer = MessageRenderer(people: [:], clock: clock, strings: strings)
    for file in manifest.files where file.role == .media {
      renderer.mediaNames[file.sha256] = file.sha256 + "." + SiteMedia.fileExtension(for: file.mediaType)
    }
    self.renderer = renderer
  }

  public func didReadPerson(id: Identifier, name: String) {
    people[id] = name
    peopleChanged = true
  }

  /// The entries whose bytes the site needs: media files, and the message-id index that
  /// resolves replies across pages.
  static func wantsData(of entry: Manifest.FileEntry) -> Bool {
    switch entry.role {
    case .media: true
    case .index: entry.path == BundleLayout.messageIndex
    default: false
    }
  }

  public func willReadEntry(_ entry: Manifest.FileEntry) -> Bool {
    guard Self.wantsData(of: entry) else { return false }
    if entry.role == .media {
      // Media only hidden messages use stay out of the site.
      if options.hideRecalled && hiddenMedia.contains(entry.sha256) && !shownMedia.contains(entry.sha256) {
        mediaFile = nil
        return true
      }
      let name = entry.sha256 + "." + SiteMedia.fileExtension(for: entry.mediaType)
      let path = scratch + "/site/media/" + name
      _ = FileManager.default.createFile(atPath: path, contents: nil)
      mediaFile = FileHandle(forWritingAtPath: path)
      if mediaFile == nil && failure == nil { failure = RenderError.output("cannot create \(path)") }
    }
    return true
  }

  public func didReadData(_ chunk: UnsafeRawBufferPointer, of entry: Manifest.FileEntry) {
    do {
      if entry.role == .media {
        try mediaFile?.write(contentsOf: Data(chunk))
      } else {
        try lookup.consume(chunk)
      }
    } catch {
      failure = error
    }
  }

  public func didFinishEntry(_ entry: Manifest.FileEntry) {
    do {
      switch entry.role {
      case .media:
        try mediaFile?.close()
        mediaFile = nil
      case .index where entry.path == BundleLayout.messageIndex:
        try lookup.finish()
      case .messages:
        try endConversation()
      default: break
      }
    } catch {
      failure = error
    }
  }

  public func didReadMessage(_ message: Message, line: Int64, in conversation: ConversationEntry) {
    // People come before every message; the renderer takes the finished list once.
    if peopleChanged, let old = renderer {
      var updated = MessageRenderer(people: people, clock: old.clock, strings: strings)
      updated.mediaNames = old.mediaNames
      renderer = updated
      peopleChanged = false
    }
    guard failure == nil, let clock, let renderer else { return }
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
