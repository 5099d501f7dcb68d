import ArchiveIO
import ChatBundle
import Foundation

public struct EasemobImportOptions: Sendable {
  /// Where the extracted bundle's files are served: a media url is this, `/`, and the
  /// file's bundle path (`media/aa/<sha256>`).
  public var mediaBaseURL: String
  /// The report's path; nil means beside the output (`x.ndjson` → `x.report.json`).
  public var reportPath: String?
  /// Replace an existing output and report.
  public var force = false
  /// Bytes of messages held in memory while sorting into time order; more spill to disk.
  public var memoryBudget = 32 << 20

  public init(mediaBaseURL: String, reportPath: String? = nil, force: Bool = false) {
    self.mediaBaseURL = mediaBaseURL
    self.reportPath = reportPath
    self.force = force
  }

  /// `x.ndjson` → `x.report.json`; any other name gets `.report.json` appended.
  public static func defaultReportPath(for output: String) -> String {
    (output.hasSuffix(".ndjson") ? String(output.dropLast(".ndjson".count)) : output) + ".report.json"
  }
}

public struct EasemobImportSummary: Sendable {
  public var output: String
  public var report: String
  public var bundleID: String
  public var messages: Int64
  /// Messages with a request line.
  public var imported: Int64
  /// Imported messages of which something is not carried (listed in the report).
  public var partial: Int64
  /// Messages without a request line (listed in the report).
  public var skipped: Int64
  /// Report entries by reason, sorted by reason.
  public var reasons: [(reason: String, count: Int64)]
  public var warnings: [String]
}

/// Writes a verified bundle as requests for Easemob's message-import API, one NDJSON line
/// per message in global time order, and a report of every message or piece of one that
/// the API cannot carry.
///
/// Bundles keep messages per conversation; the import must replay them in time order
/// across conversations. The one verifying pass feeds every line to an external sorter
/// keyed by (time, message id), which holds a bounded amount in memory and spills sorted
/// runs to scratch files; the merged runs are written out only once the bundle verified.
public final class EasemobImportExporter: BundleExporter {
  private let mediaBaseURL: String
  private let sorter: ExternalSorter
  private var counts: [String: Int64] = [:]
  private var conversation: ConversationEntry?
  private(set) var messages: Int64 = 0
  private(set) var imported: Int64 = 0
  private(set) var partial: Int64 = 0
  private(set) var skipped: Int64 = 0

  private static let requestTag: UInt8 = 0
  private static let reportTag: UInt8 = 1

  init(mediaBaseURL: String, scratch: String, memoryBudget: Int) {
    self.mediaBaseURL = mediaBaseURL
    sorter = ExternalSorter(directory: scratch, name: "easemob-import", memoryBudget: memoryBudget)
  }

  func handle(_ event: BundleEvent) throws {
    switch event {
    case .conversationStarted(let conversation): self.conversation = conversation
    case .message(let message, _): try add(message)
    default: break
    }
  }

  private func add(_ message: Message) throws {
    guard let conversation else { return }
    messages += 1
    switch EasemobImportMapping.map(message, in: conversation, mediaBaseURL: mediaBaseURL) {
    case .request(let endpoint, let body, let notCarried):
      imported += 1
      let line = EasemobImportMapping.envelope(endpoint: endpoint, messageID: message.id, body: body)
      try sorter.add(key: key(message, tag: Self.requestTag), payload: JSONWriter.serialize(line))
      if !notCarried.isEmpty {
        partial += 1
        try addReportItem(message, status: "partial", reasons: notCarried, detail: nil)
      }
    case .skipped(let reason, let detail):
      skipped += 1
      try addReportItem(message, status: "skipped", reasons: [reason], detail: detail)
    }
  }

  private func addReportItem(_ message: Message, status: String, reasons: [String], detail: String?) throws {
    for reason in reasons { counts[reason, default: 0] += 1 }
    var item = JSONObject()
    item.append("message_id", message.id.text)
    item.append("conversation", message.conversation.text)
    item.append("ts", message.timestamp)
    item.append("kind", message.kind.rawValue)
    item.append("status", status)
    item.append("reasons", JSONValue.array(reasons.map(JSONValue.string)))
    item.append("detail", detail)
    try sorter.add(key: key(message, tag: Self.reportTag), payload: JSONWriter.serialize(.object(item)))
  }

  /// Time (big-endian, so bytes compare as numbers), message id, conversation id and a tag:
  /// unique, since message ids are unique in a valid bundle, and a total order.
  private func key(_ message: Message, tag: UInt8) -> [UInt8] {
    var key: [UInt8] = []
    key.reserveCapacity(10 + message.id.text.utf8.count + message.conversation.text.utf8.count)
    let time = UInt64(bitPattern: message.timestamp) ^ (1 << 63)
    for shift in stride(from: 56, through: 0, by: -8) { key.append(UInt8(truncatingIfNeeded: time >> UInt64(shift))) }
    key.append(contentsOf: message.id.text.utf8)
    key.append(0)
    key.append(contentsOf: message.conversation.text.utf8)
    key.append(0)
    key.append(tag)
    return key
  }

  private var sortedReasons: [(reason: String, count: Int64)] {
    counts.map { ($0.key, $0.value) }.sorted { Array($0.0.utf8).lexicographicallyPrecedes(Array($1.0.utf8)) }
  }

  /// Drains the sorter: request lines to `output`, report items to `items`.
  private func writeSorted(output: String, items: String) throws {
    let lines = try BufferedWriter(creating: output)
    let entries = try BufferedWriter(creating: items)
    let records = try sorter.sorted()
    var firstItem = true
    while let record = try records.next() {
      if record.key.last == Self.requestTag {
        try lines.write(record.payload + [0x0A])
      } else {
        try entries.write((firstItem ? [] : Array(",\n".utf8)) + record.payload)
        firstItem = false
      }
    }
    try lines.close()
    try entries.close()
  }

  /// The report: counts first, then one item per line, all one JSON object.
  private func writeReport(to path: String, items: String, bundleID: String, outputName: String) throws {
    var header = JSONObject()
    header.append("bundle_id", bundleID)
    header.append("output", outputName)
    header.append("media_base_url", mediaBaseURL)
    header.append("messages", messages)
    header.append("imported", imported)
    header.append("partial", partial)
    header.append("skipped", skipped)
    header.append(
      "reasons", JSONValue.object(JSONObject(sortedReasons.map { .init($0.reason, .integer($0.count)) })))
    var opening = JSONWriter.serialize(.object(header))
    opening.removeLast()  // the closing brace; the items follow
    opening.append(contentsOf: Array(",\"items\":[\n".utf8))
    let writer = try BufferedWriter(creating: path)
    try writer.write(opening)
    let file: OpenFile
    do { file = try OpenFile(items, .readOnly) } catch {
      throw ExportError.output("cannot open \(items): \(error.message)")
    }
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let count: Int
      do { count = try file.read(into: &buffer) } catch {
        throw ExportError.output("cannot read \(items): \(error.message)")
      }
      if count == 0 { break }
      try buffer.withUnsafeBytes { try writer.write(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
    }
    try writer.write(Array("\n]}\n".utf8))
    try writer.close()
  }

  // MARK: - Running

  /// Verifies `bundle` and writes the import requests to `output` and the report beside it
  /// (or at `options.reportPath`). An invalid bundle is refused and nothing is written.
  @discardableResult
  public static func export(bundle: String, to output: String, options: EasemobImportOptions) throws
    -> EasemobImportSummary
  {
    let reportPath = options.reportPath ?? EasemobImportOptions.defaultReportPath(for: output)
    guard reportPath != output else { throw ExportError.output("the report and the output are the same file") }
    let existing: OutputPlacement.Existing =
      options.force ? .replaceRegularFile : .refuse(hint: "pass --force to replace it")
    let (placement, reportPlacement) = try placing {
      (try OutputPlacement(file: output, existing: existing), try OutputPlacement(file: reportPath, existing: existing))
    }
    defer {
      placement.discard()
      reportPlacement.discard()
    }
    let scratch = try makeTemporaryDirectory(in: parentDirectory(of: output), prefix: ".chatbundle-easemob")
    defer { ScratchRegistry.shared.remove(scratch) }
    let exporter = EasemobImportExporter(
      mediaBaseURL: options.mediaBaseURL, scratch: scratch, memoryBudget: options.memoryBudget)
    let (report, bundleID) = try verifiedExport(bundle, into: exporter)

    let items = scratch + "/items"
    try exporter.writeSorted(output: placement.scratch, items: items)
    try exporter.writeReport(
      to: reportPlacement.scratch, items: items, bundleID: bundleID, outputName: baseName(of: output))
    try? FileSystem.setPermissions(placement.scratch, 0o644)
    try? FileSystem.setPermissions(reportPlacement.scratch, 0o644)
    // The report first: an output without its report would look complete.
    try placing {
      try reportPlacement.commit(reportPlacement.scratch)
      try placement.commit(placement.scratch)
    }
    return EasemobImportSummary(
      output: output, report: reportPath, bundleID: bundleID, messages: exporter.messages,
      imported: exporter.imported, partial: exporter.partial, skipped: exporter.skipped,
      reasons: exporter.sortedReasons,
      warnings: report.issues.filter { $0.severity == .warning }.map(\.description))
  }
}
