import ArchiveIO
import ArgumentParser
import ChatBundle
import ChatBundleConnect
import ChatBundleImport
import Foundation

struct ArchiveSeal: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "seal",
    abstract: "Pack a period of the archive into a bundle, chained to the one sealed before.",
    discussion: """
      The period runs from --since (default: where the last sealed bundle ends, or the \
      archive's first hour) to --until (exclusive); the periods of one archive follow each \
      other without a gap or an overlap, so every message is in exactly one sealed bundle. \
      Hour keys (yyyyMMddHH) are read in the cluster's zone; dates and RFC 3339 times as pack \
      reads them. The bundle's coverage lists every hour of the period with its state (an \
      expired hour is a named gap); its lineage names the archive, its place in the chain \
      and the bundle id of the one before.

      Hours the sync has not reached are refused; hours that failed are refused unless \
      --accept-gaps, since a sync may still fetch them while the service holds them.
      """)

  @Argument(help: "The archive directory.")
  var directory: String

  @Option(help: "Where the period begins (default: where the chain ends).")
  var since: String?

  @Option(help: "Where the period ends (exclusive): an hour key, a date or an RFC 3339 time.")
  var until: String

  @Flag(help: "Seal although hours of the period failed (they stay named gaps).")
  var acceptGaps = false

  @OptionGroup var writing: BundleWritingOptions

  @Flag(name: .shortAndLong, help: "No summary.")
  var quiet = false

  @Option(name: .shortAndLong, help: "The bundle to write (.tar.gz).")
  var output: String

  func run() throws {
    let signingKeys = try writing.signingKeys()
    let archive = try archiveStep { () throws(ConnectError) in try ContinuousArchive.open(directory) }
    let lock = try archiveStep { () throws(ConnectError) in try archive.lock() }
    defer { withExtendedLifetime(lock) {} }
    let record = archive.record
    let zone = record.cluster == .cn ? "Asia/Shanghai" : "UTC"
    let chainEnd = record.sealed.last.flatMap { HourKey($0.until) } ?? archive.firstHour
    let start = try since.map { try hourBoundary($0, option: "--since", cluster: record.cluster) } ?? chainEnd
    let end = try hourBoundary(until, option: "--until", cluster: record.cluster)
    guard start == chainEnd else {
      throw ValidationError(
        "--since \(start) is not where the chain ends (\(chainEnd)); sealed periods follow each other without a gap "
          + "or an overlap")
    }
    guard start < end else { throw ValidationError("--until \(end) is not after the period's start \(start)") }
    guard let pulled = try? PulledDirectory.open(archive.pullDirectory) else {
      throw ValidationError("\(directory) holds no synced hours yet; run 'chatbundle archive sync \(directory)'")
    }
    let hours = HourKey.range(from: start, to: end.advanced(byHours: -1))
    let unsettled = hours.filter { key in
      guard let state = pulled.state.hours[key.description] else { return true }
      return state.status == .failed && !acceptGaps
    }
    if let firstUnsettled = unsettled.first {
      let failed = pulled.state.hours[firstUnsettled.description] != nil
      throw ValidationError(
        "\(unsettled.count) hour\(unsettled.count == 1 ? "" : "s") of the period "
          + (failed
            ? "failed (first \(firstUnsettled)); run 'chatbundle archive sync' again, or pass --accept-gaps"
            : "the sync has not reached (first \(firstUnsettled)); run 'chatbundle archive sync' first"))
    }
    try writing.checkOutput(output, consequence: "sealing would overwrite it")
    let existing = writing.existing
    var options = PackOptions(platform: "easemob", timeZone: zone)
    options.scope = ExportScope(
      since: Int64(start.start(in: record.cluster).timeIntervalSince1970) * 1000,
      until: Int64(end.start(in: record.cluster).timeIntervalSince1970) * 1000)
    options.signingKeys = signingKeys
    options.temporaryDirectory = writing.tempDir
    let custody = writing.custody
    options.custody = custody.isEmpty ? nil : custody
    do {
      let builder = try BundleBuilder(options: options, outputPath: output, existing: existing)
      builder.missingDetail = { pulled.missingDetail(forSourceReference: $0.sourceReference) }
      // Only the hours of the period, and the one before it (a record of an hour's file may
      // be stamped a moment before the hour); the scope keeps exactly the period.
      let files = HourKey.range(from: start.advanced(byHours: -1), to: end.advanced(byHours: -1)).flatMap { key in
        (pulled.state.hours[key.description]?.files ?? []).map { pulled.historyDirectory + "/" + $0 }
      }
      let importer = EasemobImporter(builder: builder, mediaDirectory: pulled.mediaDirectory)
      try importer.importFiles(files)
      builder.coverage = pulled.coverage(scope: options.scope)
      let sequence = Int64(record.sealed.count) + 1
      builder.lineage = Lineage(
        operation: .seal, archive: record.archiveID, sequence: sequence, previous: record.sealed.last?.bundleID)
      let summary = try builder.finish(outputPath: output)
      try archiveStep { () throws(ConnectError) in
        try archive.append(
          ContinuousArchive.Sealed(
            sequence: sequence, bundleID: summary.bundleID, since: start.description, until: end.description,
            file: output))
      }
      if !quiet {
        let gaps = builder.coverage?.gapCount ?? 0
        for line in [
          "sealed \(output)  (bundle \(sequence) of archive \(record.archiveID))",
          "  bundle id      \(summary.bundleID)",
          "  period         \(start) to \(end) (hour keys, \(record.cluster == .cn ? "UTC+8" : "UTC"))",
          "  previous       \(record.sealed.last?.bundleID ?? "none: the first of the chain")",
          "  messages       \(summary.messages) in \(summary.conversations) conversations",
          "  media          \(summary.media) files, \(formatBytes(summary.mediaBytes)); \(summary.missing) missing",
          "  gaps           \(gaps)" + (gaps > 0 ? "  (see 'chatbundle inspect \(output)')" : ""),
        ] {
          printSafe(line)
        }
      }
    } catch let error as ChatBundleError {
      FileStream.standardError.write("error: \(error)".terminalSafe + "\n")
      throw ExitCode.failure
    }
  }

  /// An hour key, or a time that falls on an hour's start.
  private func hourBoundary(_ text: String, option: String, cluster: EasemobCluster) throws -> HourKey {
    if let key = HourKey(text) { return key }
    let milliseconds = try parseTime(text, option: option, zone: cluster == .cn ? "Asia/Shanghai" : "UTC")
    let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    let key = HourKey.containing(date, in: cluster)
    guard Int64(key.start(in: cluster).timeIntervalSince1970) * 1000 == milliseconds else {
      throw ValidationError("\(option) \(text) is not the start of an hour")
    }
    return key
  }
}
