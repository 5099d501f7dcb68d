import ArchiveIO
import ChatBundle
import Foundation

public struct RSMFExportOptions: Sendable {
  /// The most events a file holds; Relativity recommends at most 10,000.
  public static let defaultMaximumEvents = 10_000
  /// Every file stays under 2 GB (10^9 bytes twice), with room to spare.
  public static let defaultMaximumFileBytes: Int64 = 1_900_000_000

  public var slice = RSMFSliceLength.day
  public var maximumEvents = defaultMaximumEvents
  /// The size a file must stay under; smaller values split slices further.
  public var maximumFileBytes = defaultMaximumFileBytes
  /// IANA zone the slices are cut in; nil means the bundle's source time zone.
  public var timeZone: String?
  /// Replace a directory that holds an earlier RSMF export (`.rsmf` files and its report).
  public var force = false

  public init(
    slice: RSMFSliceLength = .day, maximumEvents: Int = defaultMaximumEvents, timeZone: String? = nil,
    force: Bool = false
  ) {
    self.slice = slice
    self.maximumEvents = maximumEvents
    self.timeZone = timeZone
    self.force = force
  }
}

public struct RSMFExportSummary: Sendable {
  public var directory: String
  public var bundleID: String
  public var timeZone: String
  public var files: Int
  public var conversations: Int
  public var messages: Int64
  public var events: Int64
  /// Approximations by reason, as in the report.
  public var approximations: [(reason: String, count: Int64)]
  public var report: String
  public var warnings: [String]
}

/// `chatbundle export rsmf`: a verified bundle as RSMF 2.0 files for eDiscovery review.
public enum RSMFExport {
  public static let reportFileName = "rsmf-report.json"

  /// Verifies `bundle` and writes one `.rsmf` file per conversation slice, and the report,
  /// into `destination`, which must not exist or be empty (or, with `force`, hold an
  /// earlier RSMF export). An invalid bundle is refused and nothing is written.
  @discardableResult
  public static func export(
    bundle: String, to destination: String, options: RSMFExportOptions = RSMFExportOptions()
  ) throws -> RSMFExportSummary {
    if let zone = options.timeZone, LocalClock(identifier: zone) == nil {
      throw ExportError.output("unknown time zone '\(zone)'")
    }
    guard (1...1_000_000).contains(options.maximumEvents) else {
      throw ExportError.output("--max-events must be between 1 and 1000000")
    }
    guard options.maximumFileBytes >= 1 << 20, options.maximumFileBytes <= RSMFExportOptions.defaultMaximumFileBytes
    else { throw ExportError.output("the file size limit must be between 1 MiB and 1.9 GB") }
    if options.force { try checkEarlierExport(destination) }
    let placement = try exportDirectoryPlacement(
      destination, label: "rsmf", force: options.force, suffix: "", what: "a directory of an earlier RSMF export")
    defer { placement.discard() }
    let work = placement.scratch + "/work"
    let built = placement.scratch + "/rsmf"
    do {
      try FileSystem.makeDirectory(work)
      try FileSystem.makeDirectory(work + "/media")
      try FileSystem.makeDirectory(built)
    } catch {
      throw ExportError.output("cannot create \(built): \(error.message)")
    }
    // A recall comes after the message it recalls, which must be marked deleted where it
    // is; the quick scan finds the tombstones first (the verifying pass judges the bundle).
    let notices = (try? RecallScanner.scanNotices(path: bundle)) ?? ScannedNotices()
    let exporter = RSMFExporter(
      work: work, timeZone: options.timeZone, slicing: options.slice, maximumEvents: options.maximumEvents,
      maximumFileBytes: options.maximumFileBytes, notices: notices)
    let (verification, bundleID) = try verifiedExport(bundle, into: exporter)

    let assembler = RSMFFileAssembler(work: work, output: built)
    var report = exporter.report
    for record in exporter.records {
      let digest = try assembler.assemble(record)
      var file = JSONObject()
      file.append("file", record.fileName)
      file.append("conversation", record.conversation.text)
      file.append("begin", UTCTime.timestamp(milliseconds: record.begin))
      file.append("end", UTCTime.timestamp(milliseconds: record.end))
      file.append("events", record.events)
      file.append("attachments", record.attachments)
      file.append("zip_sha256", digest)
      report.files.append(.object(file))
    }
    let zone = exporter.clock?.identifier ?? "UTC"
    try writeNewFile(
      built + "/" + reportFileName,
      report.json(
        bundleID: bundleID, zone: zone, slice: options.slice, maximumEvents: options.maximumEvents,
        events: exporter.events))
    if options.force { try checkEarlierExport(destination) }
    try placing { try placement.commit(built) }
    return RSMFExportSummary(
      directory: placement.destination, bundleID: bundleID, timeZone: zone, files: exporter.records.count,
      conversations: Set(exporter.records.map(\.conversation)).count, messages: exporter.messages,
      events: exporter.events,
      approximations: report.counts.keys.sorted().map { ($0, report.counts[$0] ?? 0) },
      report: placement.destination + "/" + reportFileName,
      warnings: verification.issues.filter { $0.severity == .warning }.map(\.description))
  }

  /// `--force` replaces only what this export writes: `.rsmf` files and its report.
  /// (The placement then checks that only regular files are there when it replaces them.)
  static func checkEarlierExport(_ destination: String) throws {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: destination) else { return }
    for name in names where !(name.hasSuffix(".rsmf") || name == reportFileName) {
      throw ExportError.output(
        "\(destination) holds '\(name)'; --force replaces only a directory of an earlier RSMF export (.rsmf files and \(reportFileName))"
      )
    }
  }
}
