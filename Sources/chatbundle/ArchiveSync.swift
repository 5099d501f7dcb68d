import ArchiveIO
import ArgumentParser
import ChatBundle
import ChatBundleConnect
import ChatBundleImport
import Foundation

struct ArchiveSync: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sync",
    abstract: "Pull every hour the archive does not hold yet, up to now minus a safety margin.",
    discussion: """
      Safe to run from cron every hour: a lock makes a second run refuse while one is \
      running, a killed run resumes where it stopped (files in place are not fetched again), \
      and hours already complete or empty are not asked for again. Hours that will leave the \
      service's window within --warn-hours and are not archived are named on stderr with a \
      WARNING line; hours that left it unfetched are reported as lost (they become named \
      gaps in the sealed bundles).

      Exit status: 0 when every hour asked for is settled (complete, empty, expired or not \
      found) and every attachment fetched, 1 when something failed (run again), 2 for usage \
      errors or when another run holds the lock.
      """)

  @Argument(help: "The archive directory.")
  var directory: String

  @Option(help: "The newest hour to pull, yyyyMMddHH (default: the last hour that ended --margin-minutes ago).")
  var until: String?

  @Option(help: "Minutes after an hour's end before it is asked for.")
  var marginMinutes = 30

  @Option(help: "Warn about unarchived hours that leave the service's window within this many hours.")
  var warnHours = 24

  @OptionGroup var credentials: EasemobCredentialOptions

  @Option(help: "Take this time as now (RFC 3339 or epoch milliseconds), for backfills and tests.")
  var now: String?

  @Flag(name: .shortAndLong, help: "Only warnings and the final line.")
  var quiet = false

  func run() async throws {
    let moment = try archiveNow(now)
    let archive = try archiveStep { () throws(ConnectError) in try ContinuousArchive.open(directory) }
    let lock = try archiveStep { () throws(ConnectError) in try archive.lock() }
    defer { withExtendedLifetime(lock) {} }
    let record = archive.record
    var last = archive.newestSyncableHour(now: moment, margin: Double(marginMinutes) * 60)
    if let until {
      guard let key = HourKey(until) else { throw ValidationError("--until '\(until)' is not an hour yyyyMMddHH") }
      last = min(key, last)
    }
    let first = archive.firstHour
    guard first <= last else {
      if !quiet { printSafe("nothing to sync yet: the first hour \(first) is not over (\(moment))") }
      return
    }
    let connection = credentials.connection(host: record.host, org: record.org, app: record.app)
    let quiet = quiet
    let client = try connection.client { text in if !quiet { FileStream.standardError.write("note: \(text)\n") } }
    let puller = try archiveStep { () throws(ConnectError) in
      try HistoryPuller(client: client, outDirectory: archive.pullDirectory, cluster: record.cluster)
    }
    let report: PullReport
    do {
      report = try await puller.pull(from: first, to: last)
    } catch {
      FileStream.standardError.write("error: \(client.redact(error.description))".terminalSafe + "\n")
      throw ExitCode.failure
    }
    let fetched = report.hours.filter { !$0.skipped && $0.record.status == .complete }.count
    let lost = report.hours.filter { $0.record.status == .expired }
    let failed = report.hours.filter { $0.record.status == .failed }
    for hour in failed {
      guard let key = HourKey(hour.key) else { continue }
      let leaves = archive.leavesWindow(key)
      let left = leaves.timeIntervalSince(moment)
      if left > Double(warnHours) * 3600 {
        FileStream.standardError.write(
          ("error: hour \(hour.key) failed (\(hour.record.reason ?? "no reason given")); the next sync tries again "
            + "(it leaves the service's window in \(Int(left / 3600)) h)\n").terminalSafe)
      } else {
        FileStream.standardError.write(
          ("WARNING: hour \(hour.key) is not archived (\(hour.record.reason ?? "failed")) and leaves the service's "
            + "window at \(UTCTime.timestamp(milliseconds: Int64(leaves.timeIntervalSince1970) * 1000)), in "
            + "\(max(0, Int(left / 3600))) h; fix the cause and run sync again before then\n").terminalSafe)
      }
    }
    if !lost.isEmpty {
      FileStream.standardError.write(
        ("WARNING: \(lost.count) hour\(lost.count == 1 ? "" : "s") expired before it was fetched: "
          + lost.prefix(10).map(\.key).joined(separator: ", ") + (lost.count > 10 ? ", …" : "")
          + " (named gaps in the sealed bundles)\n").terminalSafe)
    }
    if let stoppedBy = report.stoppedBy {
      FileStream.standardError.write("error: stopped: \(stoppedBy)\n".terminalSafe)
      throw ExitCode.failure
    }
    printSafe(
      "synced \(directory) to \(last): \(fetched) hour\(fetched == 1 ? "" : "s") fetched, "
        + "\(report.count(.complete)) complete, \(report.count(.empty)) empty, \(lost.count) expired, "
        + "\(report.count(.notFound)) not found, \(failed.count) failed; attachments \(report.attachmentsFetched) "
        + "fetched, \(report.attachmentsFailed.count) failed")
    if !report.succeeded { throw ExitCode.failure }
  }
}
