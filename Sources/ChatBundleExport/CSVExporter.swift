import ArchiveIO
import ChatBundle
import Foundation

public struct CSVExportOptions: Sendable {
  /// IANA zone for the local time columns; nil means the bundle's source time zone.
  public var timeZone: String?
  /// Replace a directory that holds an earlier CSV export (`.csv` files only).
  public var force = false

  public init(timeZone: String? = nil, force: Bool = false) {
    self.timeZone = timeZone
    self.force = force
  }
}

public struct CSVExportSummary: Sendable {
  public var directory: String
  public var bundleID: String
  /// The zone the local times are in.
  public var timeZone: String
  public var conversations: Int
  public var messages: Int64
  /// Verification warnings (a valid bundle may have some).
  public var warnings: [String]
}

/// Writes a verified bundle as spreadsheets: one CSV per conversation and an `index.csv`.
///
/// The bundle is read once, verifying as it goes; messages arrive grouped by conversation
/// and in time order, so each conversation's file is written as its messages stream past
/// and memory holds one row at a time (plus the people list and one line per conversation
/// for the index). File names come from the conversation's bundle path, which is a hash of
/// its id, never from the data.
public final class CSVExporter: BundleExporter {
  public static let messageHeader = [
    "time", "utc_offset", "time_utc", "sender_id", "sender_name", "kind", "text", "media", "reply_to", "message_id",
    "thread_root", "edited", "edit_of", "reactions", "forwarded_from", "pinned", "sender_bot",
  ]
  public static let indexHeader = [
    "file", "conversation_id", "name", "kind", "members", "messages", "first_time", "last_time",
  ]
  public static let indexFileName = "index.csv"

  private let directory: String
  private let requestedZone: String?
  private var clock: LocalClock?
  private var summary = MessageSummary()
  private var manifest: Manifest?
  private var writer: BufferedWriter?
  private var senders: Set<Identifier> = []
  /// Conversation id to the members cell of its index row.
  private var members: [Identifier: String] = [:]
  private var written: Set<String> = []
  private(set) var messages: Int64 = 0

  init(directory: String, timeZone: String?) {
    self.directory = directory
    requestedZone = timeZone
  }

  /// `conversations/<hash>.ndjson` to `<hash>.csv`; nil for any other shape.
  static func fileName(forConversationPath path: String) -> String? {
    guard BundleLayout.group(of: path) == .conversations, BundleLayout.isKnownShape(path) else { return nil }
    return String(path.dropFirst(BundleLayout.conversationsDirectory.count).prefix(24)) + ".csv"
  }

  // MARK: - Events

  func handle(_ event: BundleEvent) throws {
    switch event {
    case .manifest(let record):
      manifest = record.manifest
      let zone = requestedZone ?? record.manifest.source.timeZone
      // Never guessed: a sheet in the wrong zone misdates every row.
      guard let clock = LocalClock(identifier: zone) else {
        throw ExportError.output(
          "the bundle's time zone \"\(zone)\" is not a zone this system knows; pass --tz with the zone to write times in"
        )
      }
      self.clock = clock
    case .person(let id, let name): summary.people[id] = name
    case .conversationStarted(let conversation): try open(conversation)
    case .message(let message, _): try write(message)
    case .conversationFinished(let conversation): try close(conversation)
    default: break
    }
  }

  private func open(_ conversation: ConversationEntry) throws {
    guard let name = Self.fileName(forConversationPath: conversation.path) else { return }
    let writer = try BufferedWriter(creating: directory + "/" + name, capacity: 1 << 16)
    try writer.write(CSV.byteOrderMark)
    try writer.write(CSV.record(Self.messageHeader))
    self.writer = writer
    written.insert(conversation.path)
  }

  private func write(_ message: Message) throws {
    guard let writer, let clock else { return }
    messages += 1
    if let sender = message.sender { senders.insert(sender) }
    let offset = clock.offset(message.timestamp)
    let row =
      [
        clock.date(message.timestamp) + " " + clock.time(message.timestamp), "UTC" + offset,
        UTCTime.timestamp(milliseconds: message.timestamp),
        message.sender?.text ?? "", summary.name(of: message.sender), message.kind.rawValue,
        summary.text(of: message), summary.mediaColumn(of: message), message.replyTo?.id.text ?? "", message.id.text,
      ] + annotationColumns(message, clock: clock)
    try writer.write(CSV.record(row))
  }

  /// The columns of format 1.3's annotations, empty for a message without them.
  private func annotationColumns(_ message: Message, clock: LocalClock) -> [String] {
    guard let annotations = message.annotations else { return Array(repeating: "", count: 7) }
    let edited = annotations.edited.map { edit in
      edit.timestamp.map { clock.date($0) + " " + clock.time($0) } ?? "yes"
    }
    let reactions = annotations.reactions.map { reaction in
      let who = reaction.users.map { summary.name(of: $0) }.filter { !$0.isEmpty }
      return "\(reaction.emoji) \(reaction.count)" + (who.isEmpty ? "" : " (" + who.joined(separator: ", ") + ")")
    }
    let origin = annotations.forwardedFrom.map { $0.name ?? $0.id?.text ?? "" }
    return [
      annotations.thread?.root.text ?? "", edited ?? "", annotations.editTarget?.text ?? "",
      reactions.joined(separator: "; "), origin ?? "", annotations.pinned ? "yes" : "",
      annotations.senderIsBot ? "yes" : "",
    ]
  }

  private func close(_ conversation: ConversationEntry) throws {
    guard let writer else { return }
    self.writer = nil
    try writer.close()
    try? FileSystem.setPermissions(writer.path, 0o644)
    let ids = conversation.participants ?? senders.sorted()
    members[conversation.id] = ids.map { id in summary.people[id].map { "\($0) (\(id))" } ?? id.text }
      .joined(separator: "; ")
    senders = []
  }

  // MARK: - Index

  private func writeIndex() throws {
    guard let manifest, let clock else { return }
    let writer = try BufferedWriter(creating: directory + "/" + Self.indexFileName, capacity: 1 << 16)
    try writer.write(CSV.byteOrderMark)
    try writer.write(CSV.record(Self.indexHeader))
    for conversation in manifest.conversations where written.contains(conversation.path) {
      guard let file = Self.fileName(forConversationPath: conversation.path) else { continue }
      let hasMessages = conversation.messageCount > 0
      try writer.write(
        CSV.record([
          file, conversation.id.text, conversation.title(names: summary.people), conversation.kind.rawValue,
          members[conversation.id] ?? "",
          String(conversation.messageCount), hasMessages ? clock.timestamp(conversation.firstTimestamp) : "",
          hasMessages ? clock.timestamp(conversation.lastTimestamp) : "",
        ]))
    }
    try writer.close()
    try? FileSystem.setPermissions(writer.path, 0o644)
  }

  // MARK: - Running

  /// Verifies `bundle` and writes its CSV files to `destination`, which must not exist or
  /// be empty (or, with `force`, hold an earlier CSV export). An invalid bundle is refused
  /// and nothing is written.
  @discardableResult
  public static func export(bundle: String, to destination: String, options: CSVExportOptions = CSVExportOptions())
    throws -> CSVExportSummary
  {
    if let zone = options.timeZone, LocalClock(identifier: zone) == nil {
      throw ExportError.output("unknown time zone '\(zone)'")
    }
    let placement = try exportDirectoryPlacement(
      destination, label: "csv", force: options.force, suffix: ".csv",
      what: "a directory of an earlier CSV export (.csv files only)")
    defer { placement.discard() }
    let target = placement.destination
    let built = placement.scratch + "/csv"
    do { try FileSystem.makeDirectory(built) } catch {
      throw ExportError.output("cannot create \(built): \(error.message)")
    }
    let exporter = CSVExporter(directory: built, timeZone: options.timeZone)
    let (report, bundleID) = try verifiedExport(bundle, into: exporter)
    try exporter.writeIndex()
    try placing { try placement.commit(built) }
    return CSVExportSummary(
      directory: target, bundleID: bundleID, timeZone: exporter.clock?.identifier ?? "UTC",
      conversations: exporter.written.count, messages: exporter.messages,
      warnings: report.issues.filter { $0.severity == .warning }.map(\.description))
  }
}
