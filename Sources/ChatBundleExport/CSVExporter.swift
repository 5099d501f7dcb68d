import ChatBundle
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

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
public final class CSVExporter: ExportingDelegate {
  public static let messageHeader = [
    "time", "utc_offset", "time_utc", "sender_id", "sender_name", "kind", "text", "media", "reply_to", "message_id",
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
  private var conversationsByPath: [String: ConversationEntry] = [:]
  private var writer: BufferedWriter?
  private var senders: Set<Identifier> = []
  /// Conversation id to the members cell of its index row.
  private var members: [Identifier: String] = [:]
  private var written: Set<String> = []
  private(set) var failure: Error?
  /// CSV rows come from a message's fields, never its source record.
  public var wantsSourceRecords: Bool { false }
  private(set) var messages: Int64 = 0

  init(directory: String, timeZone: String?) {
    self.directory = directory
    requestedZone = timeZone
  }

  /// `conversations/<hash>.ndjson` to `<hash>.csv`; nil for any other shape.
  static func fileName(forConversationPath path: String) -> String? {
    guard BundleLayout.group(of: path) == 4, BundleLayout.isKnownShape(path) else { return nil }
    return String(path.dropFirst(BundleLayout.conversationsDirectory.count).prefix(24)) + ".csv"
  }

  // MARK: - Delegate

  public func didReadManifest(_ manifest: Manifest, bundleID: String, bytes: [UInt8]) {
    self.manifest = manifest
    for conversation in manifest.conversations { conversationsByPath[conversation.path] = conversation }
    clock = LocalClock(identifier: requestedZone ?? manifest.source.timeZone) ?? LocalClock(identifier: "UTC")
  }

  public func didReadPerson(id: Identifier, name: String) { summary.people[id] = name }

  public func willReadEntry(_ entry: Manifest.FileEntry) -> Bool {
    guard failure == nil, entry.role == .messages, let name = Self.fileName(forConversationPath: entry.path) else {
      return false
    }
    do {
      let writer = try BufferedWriter(creating: directory + "/" + name, capacity: 1 << 16)
      try writer.write(CSV.byteOrderMark)
      try writer.write(CSV.record(Self.messageHeader))
      self.writer = writer
      written.insert(entry.path)
    } catch {
      failure = error
    }
    return false
  }

  public func didReadMessage(_ message: Message, line: Int64, in conversation: ConversationEntry) {
    guard failure == nil, let writer, let clock else { return }
    messages += 1
    if let sender = message.sender { senders.insert(sender) }
    let offset = clock.offset(message.timestamp)
    let row = [
      clock.date(message.timestamp) + " " + clock.time(message.timestamp), "UTC" + offset,
      UTCTime.timestamp(milliseconds: message.timestamp),
      message.sender?.text ?? "", summary.name(of: message.sender), message.kind.rawValue,
      summary.text(of: message), summary.mediaColumn(of: message), message.replyTo?.id.text ?? "", message.id.text,
    ]
    do {
      try writer.write(CSV.record(row))
    } catch {
      failure = error
    }
  }

  public func didFinishEntry(_ entry: Manifest.FileEntry) {
    guard entry.role == .messages, let writer else { return }
    self.writer = nil
    do {
      try writer.close()
      chmod(writer.path, 0o644)
    } catch {
      if failure == nil { failure = error }
    }
    if let conversation = conversationsByPath[entry.path] {
      let ids = conversation.participants ?? senders.sorted()
      members[conversation.id] = ids.map { id in summary.people[id].map { "\($0) (\(id))" } ?? id.text }
        .joined(separator: "; ")
    }
    senders = []
  }

  public var wantsToStop: Bool { failure != nil }

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
    chmod(writer.path, 0o644)
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
    let placement = try placing {
      try OutputPlacement(
        directory: destination, label: "csv",
        existing: options.force
          ? .replaceExport(suffix: ".csv", what: "a directory of an earlier CSV export (.csv files only)")
          : .refuse(hint: "pass --force to replace it"))
    }
    defer { placement.discard() }
    let target = placement.destination
    let built = placement.scratch + "/csv"
    guard mkdir(built, 0o755) == 0 else {
      throw ExportError.output("cannot create \(built): \(String(cString: strerror(errno)))")
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
