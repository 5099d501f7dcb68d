import ArchiveIO
import ChatBundle

/// The verifying pass's consumer for `export rsmf`: maps each conversation's messages to
/// RSMF events as they stream past, cuts them into slices (a local day or part of one, at
/// most `maximumEvents` events and `maximumFileBytes` a file), and writes each finished
/// slice to scratch. Media entries come after the conversations in the archive, so their
/// bytes are spilled to scratch as they pass; the `.rsmf` files are assembled from the
/// scratch once the pass has said the bundle is valid (`RSMFFileAssembler`).
final class RSMFExporter: BundleExporter {
  static var readingOptions: BundleReadingOptions { BundleReadingOptions(data: EntrySelection(roles: [.media])) }

  private let work: String
  private let requestedZone: String?
  private let slicing: RSMFSliceLength
  private let maximumEvents: Int
  private let maximumFileBytes: Int64
  private(set) var clock: LocalClock?
  private(set) var mapper = RSMFEventMapper()
  private(set) var records: [RSMFSlice.Record] = []
  private(set) var bundleID = ""
  private(set) var events: Int64 = 0
  private(set) var messages: Int64 = 0
  private var platform = ""
  private var context: RSMFConversationContext?
  private var slice: RSMFSlice?
  /// A channel's members as its events go by: senders and those who joined, less those who left.
  private var members: Set<Identifier> = []
  /// Parts already used per slice key of the current conversation.
  private var parts: [Int64: Int] = [:]
  private var media: BufferedWriter?

  init(
    work: String, timeZone: String?, slicing: RSMFSliceLength, maximumEvents: Int, maximumFileBytes: Int64,
    notices: ScannedNotices
  ) {
    self.work = work
    requestedZone = timeZone
    self.slicing = slicing
    self.maximumEvents = maximumEvents
    self.maximumFileBytes = maximumFileBytes
    mapper.notices = notices
    // A file alone must leave room for its manifest and text in the budget.
    mapper.largestAttachment = max(0, maximumFileBytes * 100 / 138 - 65_536)
  }

  var report: RSMFReport {
    get { mapper.report }
    set { mapper.report = newValue }
  }

  func handle(_ event: BundleEvent) throws {
    switch event {
    case .manifest(let record):
      bundleID = record.bundleID
      platform = record.manifest.source.platform.text
      let zone = requestedZone ?? record.manifest.source.timeZone
      guard let clock = LocalClock(identifier: zone) else {
        throw ExportError.output(
          "the bundle's time zone \"\(zone)\" is not a zone this system knows; pass --tz with the zone to slice by")
      }
      self.clock = clock
    case .person(let id, let name): mapper.people[id] = name
    case .conversationStarted(let conversation): start(conversation)
    case .message(let message, _): try add(message)
    case .conversationFinished: try finishConversation()
    case .entryStarted(let entry): try startMedia(entry)
    case .data(let bytes): try media?.write(bytes)
    case .entryFinished:
      try media?.close()
      media = nil
    default: break
    }
  }

  // MARK: - Conversations and slices

  private func start(_ conversation: ConversationEntry) {
    let hash =
      BundleLayout.isKnownShape(conversation.path)
      ? String(conversation.path.dropFirst(BundleLayout.conversationsDirectory.count).prefix(24))
      : SHA256Digest.hex(of: conversation.id.bytes).prefix(24).description
    context = RSMFConversationContext(
      conversation: conversation, people: mapper.people, platform: platform.isEmpty ? "chat" : platform,
      bundleID: bundleID, collectionID: "chatbundle-" + hash)
    members = Set(conversation.participants ?? [])
    parts = [:]
    slice = nil
  }

  private var conversationHash: String {
    guard let context else { return "" }
    return String(context.collectionID.dropFirst("chatbundle-".count))
  }

  private func add(_ message: Message) throws {
    guard let clock, context != nil else { return }
    messages += 1
    let key = slicing.key(of: clock.local(message.timestamp))
    for event in mapper.events(for: message, clock: clock) {
      if let current = slice, current.key != key || !fits(event, in: current) {
        try flush()
      }
      if slice == nil {
        let local = clock.local(message.timestamp)
        let part = (parts[key] ?? 0) + 1
        parts[key] = part
        let name = conversationHash + "-" + slicing.label(of: local) + (part > 1 ? "-\(part)" : "") + ".rsmf"
        slice = RSMFSlice(fileName: name, key: key, label: slicing.label(of: local), part: part, startMembers: members)
      }
      for note in slice?.add(event) ?? [] { mapper.report.note(note) }
      events += 1
      switch event.kind {
      case .join: if let person = event.participant { members.insert(person) }
      case .leave: if let person = event.participant { members.remove(person) }
      default: for person in event.participants { members.insert(person) }
      }
    }
  }

  private func fits(_ event: RSMFEvent, in slice: RSMFSlice) -> Bool {
    slice.count < maximumEvents && slice.estimatedBytes + slice.cost(of: event) <= maximumFileBytes
  }

  private func flush() throws {
    guard let current = slice, let context, let clock else { return }
    slice = nil
    let base = work + "/slice-" + String(records.count)
    if let record = try current.flush(to: base, context: context, clock: clock) { records.append(record) }
  }

  private func finishConversation() throws {
    try flush()
    context = nil
    members = []
  }

  // MARK: - Media

  /// Spills a media entry to `work/media/<sha256>`; the name is the verified hex digest
  /// the path ends in, never anything else.
  private func startMedia(_ entry: Manifest.FileEntry) throws {
    try media?.close()
    media = nil
    guard entry.role == .media, SHA256Digest.isValidHex(entry.sha256) else { return }
    media = try BufferedWriter(creating: work + "/media/" + entry.sha256, capacity: 1 << 16)
  }
}
