import ArgumentParser
import ChatBundle
import ChatBundleConnect
import ChatBundleImport
import Foundation

extension ChatBundleCommand {
  struct Pull: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Download a chat service's history through its API.",
      subcommands: [Easemob.self])
  }
}

extension ChatBundleCommand.Pull {
  struct Easemob: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Download Easemob history files and their attachments, resumably.",
      discussion: """
        For each hour from --from to --to (yyyyMMddHH, both included), asks \
        GET /{org}/{app}/chatmessages/{hour} for the hour's download link, downloads the file \
        to OUT/history/<hour>.gz at once (the link expires; an expired link is asked for \
        again), then downloads every attachment its messages name (url, and thumb for videos) \
        to OUT/media/<last segment of the url>, sending the body's secret as share-secret. \
        The result packs with no further step:
          chatbundle pack --source easemob OUT/history --media OUT/media -o out.tar.gz

        Hour keys are Beijing time (UTC+8) on Chinese clusters (--cluster cn, the default) and \
        UTC on overseas ones (--cluster global). Easemob keeps 3 days of history by default.

        OUT/pull-state.json records each hour (complete, empty, expired, not_found, failed) and \
        each attachment. Run the same command again to finish an interrupted or partly failed \
        pull: complete hours are not asked for again and files already in place are not \
        downloaded again. The token is never written anywhere.

        Exit status: 0 when every hour and attachment is done (expired and not-found hours \
        are reported, not failures), 1 when something failed or the token was refused, 2 for \
        usage errors.
        """)

    @OptionGroup var connection: EasemobConnectionOptions

    @Option(help: "The first hour, yyyyMMddHH.")
    var from: String

    @Option(help: "The last hour, yyyyMMddHH (default: --from).")
    var to: String?

    @Option(help: "cn: hour keys in Beijing time (UTC+8); global: hour keys in UTC.")
    var cluster: EasemobCluster = .cn

    @Option(help: "The directory to pull into (created if absent).")
    var out: String

    @Flag(name: .shortAndLong, help: "Only the final report.")
    var quiet = false

    func run() async throws {
      guard let first = HourKey(from) else { throw ValidationError("--from '\(from)' is not an hour yyyyMMddHH") }
      var last = first
      if let to {
        guard let key = HourKey(to) else { throw ValidationError("--to '\(to)' is not an hour yyyyMMddHH") }
        last = key
      }
      guard first <= last else { throw ValidationError("--to is before --from") }
      let hours = HourKey.range(from: first, to: last).count
      guard hours <= 24 * 366 else { throw ValidationError("at most a year of hours (\(24 * 366)) per run") }
      let status = StatusLine(enabled: !quiet)
      let quiet = quiet
      let client = try connection.connection.client { text in if !quiet { status.note("note: " + text) } }
      let puller = try makePuller(client: client, cluster: cluster)
      let current = HourKey.containing(Date(), in: cluster)
      if !quiet {
        printSafe(
          "pulling \(hours) hour\(hours == 1 ? "" : "s") \(first)–\(last) of \(connection.org)/\(connection.app); "
            + "hour keys are \(cluster.zoneDescription) (cluster \(cluster.rawValue))")
        if last > current {
          status.note("note: hours after \(current) (now, \(cluster.zoneDescription)) have no history yet")
        }
      }
      puller.onEvent = { event in
        switch event {
        case .hourStarted(let key, let position, let total):
          status.show("hour \(key)  \(position)/\(total)")
        case .hourFinished(let result, let fetched, let present, let failed):
          guard !quiet else { return }
          status.clear()
          printSafe(hourLine(result, fetched: fetched, present: present, failed: failed))
        }
      }
      let report = try await pullHours(puller, from: first, to: last, client: client, status: status)
      status.clear()
      printReport(report, out: puller.outDirectory)
      if let stoppedBy = report.stoppedBy {
        FileStream.standardError.write(
          "error: stopped: \(stoppedBy)\n(the hours done so far are kept; run again with a valid token to go on)\n"
            .terminalSafe)
        throw ExitCode.failure
      }
      if !report.succeeded { throw ExitCode.failure }
    }

    private func makePuller(client: EasemobClient, cluster: EasemobCluster) throws -> HistoryPuller {
      do {
        return try HistoryPuller(client: client, outDirectory: out, cluster: cluster)
      } catch {
        if case .usage(let message) = error { throw ValidationError(message) }
        FileStream.standardError.write("error: \(error)".terminalSafe + "\n")
        throw ExitCode.failure
      }
    }

    private func pullHours(
      _ puller: HistoryPuller, from first: HourKey, to last: HourKey, client: EasemobClient, status: StatusLine
    ) async throws -> PullReport {
      do {
        return try await puller.pull(from: first, to: last)
      } catch {
        status.clear()
        FileStream.standardError.write("error: \(client.redact(error.description))".terminalSafe + "\n")
        throw ExitCode.failure
      }
    }

    private func printReport(_ report: PullReport, out: String) {
      let hours = report.hours
      let complete = report.count(.complete)
      let skipped = hours.filter { $0.skipped && $0.record.status == .complete }.count
      var lines = [
        "pulled into \(out) (hour keys \(report.cluster.zoneDescription))",
        "  hours        \(hours.count): \(complete) complete"
          + (skipped > 0 ? " (\(skipped) from an earlier run)" : "")
          + ", \(report.count(.empty)) empty, \(report.count(.expired)) expired, "
          + "\(report.count(.notFound)) not found, \(report.count(.failed)) failed",
        "  attachments  \(report.attachmentsFetched) fetched, \(report.attachmentsPresent) already present, "
          + "\(report.attachmentsFailed.count) failed"
          + (report.attachmentsNotFetchable.isEmpty ? "" : ", \(report.attachmentsNotFetchable.count) not fetchable"),
      ]
      let problems = hours.filter { $0.record.status != .complete && $0.record.status != .empty }
      if !problems.isEmpty {
        lines.append("  hours not pulled:")
        for hour in problems {
          lines.append("    \(hour.key)  \(hour.record.status.rawValue)  \(hour.record.reason ?? "")")
        }
      }
      if !report.attachmentsFailed.isEmpty {
        lines.append("  attachments that failed (run again to retry):")
        for problem in report.attachmentsFailed.prefix(50) {
          lines.append("    \(problem.name) (hour \(problem.hour)): \(problem.reason)")
        }
        if report.attachmentsFailed.count > 50 {
          lines.append("    … and \(report.attachmentsFailed.count - 50) more (see pull-state.json)")
        }
      }
      if !report.attachmentsNotFetchable.isEmpty {
        lines.append("  attachments not fetchable (pack lists them as missing):")
        for problem in report.attachmentsNotFetchable.prefix(20) {
          lines.append("    \(problem.name) (hour \(problem.hour)): \(problem.reason)")
        }
      }
      if complete > 0 {
        lines.append("  next: chatbundle pack --source easemob \(out)/history --media \(out)/media -o OUT.tar.gz")
      }
      for line in lines { printSafe(line) }
    }
  }
}

private func hourLine(_ result: PullReport.HourResult, fetched: Int, present: Int, failed: Int) -> String {
  let record = result.record
  let status = record.status.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
  var line = "\(result.key)  \(status)"
  switch record.status {
  case .complete:
    let files = record.files?.count ?? 0
    line += "\(files) file\(files == 1 ? "" : "s"), \(record.records ?? 0) records"
    line += "; attachments \(fetched) fetched, \(present) present, \(failed) failed"
    if result.skipped { line += " (history from an earlier run)" }
  case .empty:
    line += result.skipped ? "(from an earlier run)" : "no messages"
  default:
    line += record.reason ?? ""
  }
  return line
}

extension EasemobCluster: ExpressibleByArgument {}
