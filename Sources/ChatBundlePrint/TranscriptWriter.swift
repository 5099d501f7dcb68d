import ArchiveIO
import ChatBundle
import ChatBundleExport
import ChatBundleSite

/// One PDF to print: what its title page, header and footer say. Its messages are on disk.
struct PrintedDocument {
  /// The file name without `.pdf`: the conversation's bundle file name (a hash of its id),
  /// then `-YYYY-MM` for a month and `-pN` for a later part of one; never from data.
  var name: String
  var conversation: ConversationEntry
  /// The local month (`YYYY-MM`) when the conversation is split, else nil.
  var month: String?
  var part = 1
  var messages: Int64 = 0
  var first: Int64 = 0
  var last: Int64 = 0
  /// Who sent messages in it, for a group's member line.
  var senders: Set<Identifier> = []
}

/// Handles the verifying pass: renders each message into its document's body file as it
/// streams past, and writes the images the documents show to `work/media`.
final class TranscriptWriter {
  static let readingOptions = BundleReadingOptions(data: EntrySelection(roles: [.media]))

  let work: String
  let options: PDFExportOptions
  let strings: SiteStrings
  private let recalls: [Identifier: RecallNotice]
  private let revisions: [Identifier: RevisionNotice]
  private(set) var manifest: Manifest?
  private(set) var clock: LocalClock?
  private(set) var people: [Identifier: String] = [:]
  private var peopleChanged = false
  private var renderer: MessageRenderer?
  private var mediaNames: [String: String] = [:]
  private var mediaFile: OpenFile?
  private var inMedia = false
  private var conversation: ConversationEntry?
  /// Whether the open conversation is split by month.
  private var split = false
  /// Whether a document of the open conversation has been started.
  private var conversationPrinted = false
  private var current: PrintedDocument?
  private var body: BufferedWriter?
  private var lastDay: Int64?
  private(set) var documents: [PrintedDocument] = []
  private(set) var conversations = 0
  private(set) var messages: Int64 = 0

  init(
    work: String, options: PDFExportOptions, recalls: [Identifier: RecallNotice],
    revisions: [Identifier: RevisionNotice]
  ) {
    self.work = work
    self.options = options
    self.recalls = recalls
    self.revisions = revisions
    strings = SiteStrings(language: options.language == .en ? .en : .zhCN)
  }

  /// Messages a document holds at most before the next part begins.
  var messagesPerFile: Int64 { Int64(options.pagesPerFile) * PDFExportOptions.messagesPerPage }

  func handle(_ event: BundleEvent) throws {
    switch event {
    case .manifest(let record):
      manifest = record.manifest
      let zone = options.timeZone ?? record.manifest.source.timeZone
      guard let clock = LocalClock(identifier: zone) else {
        throw ExportError.output(
          "the bundle's time zone \"\(zone)\" is not a zone this system knows; pass --tz with the zone to print times in"
        )
      }
      self.clock = clock
      for file in record.manifest.files where file.role == .media {
        mediaNames[file.sha256] = file.sha256 + "." + SiteMedia.fileExtension(for: file.mediaType)
      }
    case .person(let id, let name):
      people[id] = name
      peopleChanged = true
    case .entryStarted(let entry) where entry.role == .media:
      inMedia = true
      try beginMedia(entry)
    case .data(let bytes) where inMedia:
      try mediaFile?.writeAll(bytes)
    case .entryFinished(let entry) where entry.role == .media:
      inMedia = false
      try mediaFile?.close()
      mediaFile = nil
    case .conversationStarted(let entry):
      conversation = entry
      conversationPrinted = false
      conversations += 1
      // The budget is an estimate from the manifest's count (checked by the pass): a
      // title page and about `messagesPerPage` messages a page.
      split = max(entry.messageCount, 0) / PDFExportOptions.messagesPerPage + 1 > Int64(options.pagesPerFile)
    case .message(let message, _):
      try write(message)
    case .conversationFinished(let entry):
      if !conversationPrinted, conversation?.id == entry.id {
        // A conversation without messages still gets its title page.
        try open(PrintedDocument(name: try stem(of: entry), conversation: entry))
      }
      try closeDocument()
      conversation = nil
    default: break
    }
  }

  /// Ends the last document; called once the pass is over.
  func finishPass() throws {
    try closeDocument()
    try mediaFile?.close()
    mediaFile = nil
  }

  private func beginMedia(_ entry: Manifest.FileEntry) throws {
    mediaFile = nil
    guard let name = mediaNames[entry.sha256],
      MessageRenderer.printableImageExtensions.contains(String(name.split(separator: ".").last ?? ""))
    else { return }
    let path = work + "/media/" + name
    do {
      mediaFile = try OpenFile(
        path, .writeOnly, options: [.create, .truncate], permissions: [.ownerReadWrite, .groupRead, .otherRead])
    } catch {
      throw ExportError.output("cannot create \(path): \(error.message)")
    }
  }

  /// `conversations/<hash>.ndjson` to `<hash>`.
  private func stem(of entry: ConversationEntry) throws -> String {
    guard BundleLayout.group(of: entry.path) == .conversations, BundleLayout.isKnownShape(entry.path) else {
      throw ExportError.output("conversation \(entry.id) has an unexpected file name \(entry.path)")
    }
    return String(entry.path.dropFirst(BundleLayout.conversationsDirectory.count).prefix(24))
  }

  private func write(_ message: Message) throws {
    guard let clock, let conversation else { return }
    if peopleChanged || renderer == nil {
      var updated = MessageRenderer(people: people, clock: clock, strings: strings)
      updated.mediaNames = mediaNames
      updated.root = ""
      updated.forPrint = true
      renderer = updated
      peopleChanged = false
    }
    guard let renderer else { return }
    let local = clock.local(message.timestamp)
    let month = split ? local.monthText : nil
    if let open = current, open.month == month, open.messages < messagesPerFile || !split {
      // The message belongs to the open document.
    } else {
      let part = current.map { $0.month == month ? $0.part + 1 : 1 } ?? 1
      try closeDocument()
      var name = try stem(of: conversation)
      if let month { name += "-" + month }
      if part > 1 { name += "-p\(part)" }
      try open(PrintedDocument(name: name, conversation: conversation, month: month, part: part))
    }
    guard var document = current, let body else { return }
    var html = HTML()
    if lastDay != local.dayNumber {
      lastDay = local.dayNumber
      html.raw("<h2 class=\"day\">")
      html.formatted(local.appendDate)
      html.raw("</h2>\n")
    }
    MessageRenderer.printAnchor(message.id, into: &html)
    let recall = message.kind == .recall ? nil : recalls[message.id]
    renderer.render(message, at: local, recall: recall, revision: revisions[message.id], into: &html)
    try body.write(html.bytes)
    if document.messages == 0 { document.first = message.timestamp }
    document.last = message.timestamp
    document.messages += 1
    if let sender = message.sender { document.senders.insert(sender) }
    current = document
    messages += 1
  }

  private func open(_ document: PrintedDocument) throws {
    conversationPrinted = true
    body = try BufferedWriter(creating: work + "/" + document.name + ".body", capacity: 1 << 16)
    current = document
    lastDay = nil
  }

  private func closeDocument() throws {
    guard let document = current else { return }
    try body?.close()
    body = nil
    current = nil
    documents.append(document)
  }
}
