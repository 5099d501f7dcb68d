import ArgumentParser
import ChatBundle
import ChatBundleConnect
import ChatBundleImport
import Foundation

extension ChatBundleCommand {
  struct Archive: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Keep a continuous archive of a service that keeps history for days, and seal it in periods.",
      discussion: """
        Easemob serves each hour's history for 3 days. An archive directory made by 'archive \
        init' is filled by 'archive sync', run every hour from cron or a systemd timer: it \
        pulls every hour not yet pulled, up to now minus a safety margin, keeps each hour's \
        state (complete, empty, expired, not_found, failed) and warns loudly about hours that \
        will leave the service's window unfetched. 'archive seal' packs a period into a \
        bundle whose lineage names the bundle sealed before it, so the sealed bundles form a \
        chain; 'archive verify' proves a chain whole.

        Example:
          export EASEMOB_TOKEN=…
          chatbundle archive init school-archive --host a1.easemob.com --org acme --app school
          chatbundle archive sync school-archive          # hourly, from cron
          chatbundle archive seal school-archive --until 2025-04-01 -o march.tar.gz --sign office.key
          chatbundle archive verify february.tar.gz march.tar.gz
        """,
      subcommands: [ArchiveInit.self, ArchiveSync.self, ArchiveSeal.self, ArchiveVerify.self])
  }
}

/// Reports a connector's refusal or failure as the other commands do.
func archiveStep<Result>(_ body: () throws(ConnectError) -> Result) throws -> Result {
  do {
    return try body()
  } catch {
    if case .usage(let message) = error {
      FileStream.standardError.write("error: \(message)".terminalSafe + "\n")
      throw ExitCode(2)
    }
    FileStream.standardError.write("error: \(error)".terminalSafe + "\n")
    throw ExitCode.failure
  }
}

/// `--now`: when a run takes place, for backfills and tests; the system clock otherwise.
func archiveNow(_ text: String?) throws -> Date {
  guard let text else { return Date() }
  return Date(timeIntervalSince1970: Double(try parseTime(text, option: "--now", zone: "UTC")) / 1000)
}

struct ArchiveInit: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "init",
    abstract: "Make an archive directory for one Easemob app.",
    discussion: """
      Records the app (host, org, app, cluster) and the first hour to keep in DIR/archive.json. \
      The token is not recorded: every sync reads it from EASEMOB_TOKEN (or --client-id with \
      EASEMOB_CLIENT_SECRET).
      """)

  @Argument(help: "The archive directory (created if absent).")
  var directory: String

  @Option(help: "The source service.")
  var source: String = "easemob"

  @OptionGroup var target: EasemobAppOptions

  @Option(help: "cn: hour keys in Beijing time (UTC+8); global: hour keys in UTC.")
  var cluster: EasemobCluster = .cn

  @Option(help: "The first hour to keep, yyyyMMddHH (default: the oldest the service still serves).")
  var from: String?

  @Option(help: "How many days the service keeps history.")
  var retentionDays = 3

  @Option(help: "Take this time as now (RFC 3339 or epoch milliseconds), for backfills and tests.")
  var now: String?

  func validate() throws {
    guard source == "easemob" else { throw ValidationError("--source: only easemob archives are supported") }
    guard (1...3650).contains(retentionDays) else { throw ValidationError("--retention-days must be 1 to 3650") }
  }

  func run() throws {
    let moment = try archiveNow(now)
    let first: HourKey
    if let from {
      guard let key = HourKey(from) else { throw ValidationError("--from '\(from)' is not an hour yyyyMMddHH") }
      first = key
    } else {
      // The oldest hour wholly inside the window.
      first = HourKey.containing(
        moment.addingTimeInterval(-Double(retentionDays) * 86_400 + 3600), in: cluster)
    }
    let archive = try archiveStep { () throws(ConnectError) in
      try ContinuousArchive.create(
        at: directory, host: target.host, org: target.org, app: target.app, cluster: cluster, firstHour: first,
        retentionHours: retentionDays * 24)
    }
    printSafe("archive \(archive.record.archiveID) in \(directory), keeping hours from \(first) on")
    printSafe("  next: chatbundle archive sync \(directory)   (every hour, from cron or a systemd timer)")
  }
}
