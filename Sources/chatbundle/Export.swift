import ArgumentParser
import ChatBundle
import ChatBundleConnect
import ChatBundleExport
import Foundation

extension ChatBundleCommand {
  struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write a verified bundle in another format: CSV, SQL, SQLite, RSMF, PDF, or Easemob import requests.",
      discussion: """
        Every export verifies the bundle in the same pass and refuses an invalid one \
        (exit 1), writing nothing.
        """,
      subcommands: [
        ExportCSV.self, ExportSQL.self, ExportSQLite.self, ExportRSMF.self, ExportPDF.self, ExportEasemobImport.self,
      ])
  }

  struct ExportSQL: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "sql",
      abstract: "Write one SQL script that loads the bundle into PostgreSQL or SQLite.",
      discussion: """
        The same tables as 'export sqlite' (bundle, conversations, people, members, \
        messages, media, media_files, missing_media, skipped_records, reactions, mentions): \
        CREATE TABLE, then INSERTs of up to 500 rows, in one transaction, so an error leaves \
        nothing behind; for PostgreSQL the keys and indexes come after the rows. Message \
        columns are named as the bundle's message members, objects and arrays as JSON \
        (jsonb in PostgreSQL), source holds the raw record. Times are the millisecond \
        integer (ts) and a UTC timestamp (ts_utc). PostgreSQL cannot hold U+0000 in text: \
        it is written as U+FFFD there; SQLite keeps it. The script never carries file bytes \
        (media_files.data is null; the path is where 'chatbundle extract' puts the file).

        Examples:
          chatbundle export sql class.tar.gz -o class.sql
          createdb archive && psql -v ON_ERROR_STOP=1 -d archive -f class.sql
          chatbundle export sql class.tar.gz --dialect sqlite -o class-sqlite.sql
          sqlite3 -bail class.sqlite < class-sqlite.sql
        """)

    @Argument(help: "The bundle (.tar.gz).")
    var bundle: String

    @Option(name: .shortAndLong, help: "The SQL file to write.")
    var output: String

    @Option(help: "The SQL dialect: postgresql or sqlite.")
    var dialect: SQLDialect = .postgresql

    @Flag(help: "Replace OUT if it is a regular file.")
    var force = false

    func run() throws {
      let load =
        dialect == .postgresql ? "psql -v ON_ERROR_STOP=1 -d DATABASE -f " : "sqlite3 -bail DATABASE.sqlite < "
      try runDatabaseExport(bundle: bundle, note: { "  load with: " + load + $0.path }) { progress in
        try SQLExport.export(bundle: bundle, to: output, dialect: dialect, force: force, progress: progress)
      }
    }
  }

  struct ExportSQLite: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "sqlite",
      abstract: "Write a SQLite database of the bundle, with a full-text index, to query at once.",
      discussion: """
        Tables: bundle (the manifest's facts), conversations, people, members, messages \
        (columns named as the bundle's message members; source holds the raw record as \
        JSON), media (every reference), media_files (path as 'chatbundle extract' lays it \
        out, and with --media blob the bytes), missing_media, skipped_records, reactions, \
        mentions; foreign keys and indexes on time, sender and conversation. messages_fts \
        is a full-text index of each message's text in the site's search tokens: Chinese as \
        character pairs, so a two-character word is one term, other words lowercased.

        Examples:
          chatbundle export sqlite class.tar.gz -o class.sqlite
          sqlite3 class.sqlite "SELECT m.ts_utc, p.name, m.summary FROM messages_fts f \\
            JOIN messages m ON m.seq = f.rowid LEFT JOIN people p ON p.id = m.sender \\
            WHERE messages_fts MATCH '开会' ORDER BY m.ts"
        A longer Chinese word is the phrase of its pairs: MATCH '"今天 天开 开会"'.
        """)

    @Argument(help: "The bundle (.tar.gz).")
    var bundle: String

    @Option(name: .shortAndLong, help: "The SQLite file to write.")
    var output: String

    @Option(help: "media_files.data: path (null, the path column says where the file is) or blob (the bytes).")
    var media: SQLiteExport.Media = .path

    @Flag(help: "Replace OUT if it is a regular file.")
    var force = false

    func run() throws {
      try runDatabaseExport(bundle: bundle, note: { _ in "  written with SQLite \(SQLiteExport.libraryVersion)" }) {
        progress in
        try SQLiteExport.export(bundle: bundle, to: output, media: media, force: force, progress: progress)
      }
    }
  }

  struct ExportCSV: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "csv",
      abstract: "Write one CSV per conversation and an index.csv, for spreadsheets.",
      discussion: """
        Files are UTF-8 with a byte order mark and CRLF line ends (RFC 4180), named by the \
        conversation's bundle file (a hash of its id), never by its data. A cell that starts \
        with =, +, -, @, a tab or a CR gets a leading ' so that a spreadsheet does not run it \
        as a formula. Media cells hold the bundle path (media/aa/<sha256>, as 'chatbundle \
        extract' lays it out) or 'missing: <reason>'.
        """)

    @Argument(help: "The bundle (.tar.gz).")
    var bundle: String

    @Option(name: .shortAndLong, help: "Directory to write the CSV files to (must not exist, or be empty).")
    var output: String

    @Option(help: "Time zone for the local time column (default: the bundle's source time zone).")
    var tz: String?

    @Flag(help: "Replace a directory that holds an earlier CSV export (.csv files only).")
    var force = false

    func run() throws {
      try requireReadableFile(bundle)
      if let tz, TimeZone(identifier: tz) == nil { throw ValidationError("unknown time zone '\(tz)'") }
      try runExport {
        let summary = try CSVExporter.export(
          bundle: bundle, to: output, options: CSVExportOptions(timeZone: tz, force: force))
        for warning in summary.warnings { printSafe(warning) }
        printSafe(
          "exported \(summary.messages) messages in \(summary.conversations) conversations to \(summary.directory)",
          "  times in \(summary.timeZone); index: \(summary.directory)/\(CSVExporter.indexFileName)",
          "bundle id \(summary.bundleID) (verified)")
      }
    }
  }

  struct ExportEasemobImport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "easemob-import",
      abstract: "Write requests for Easemob's message-import API, one per line, in time order.",
      discussion: """
        Each line is {"endpoint":"users"|"chatgroups","message_id":ID,"body":BODY}: POST BODY \
        to /{org}/{app}/messages/<endpoint>/import. Media urls are --media-base-url, '/', and \
        the file's path in the extracted bundle (media/aa/<sha256>), so serve the output of \
        'chatbundle extract' there. Messages the API cannot carry (chat rooms, merged \
        records, recalls, member and system notices, unknown kinds, missing media) are \
        listed in the report with the reason, as are replies, mentions and extra bodies that \
        an imported message loses.
        """)

    @Argument(help: "The bundle (.tar.gz).")
    var bundle: String

    @Option(name: .shortAndLong, help: "The NDJSON file to write.")
    var output: String

    @Option(help: "Base URL where the extracted bundle's files are served (http or https).")
    var mediaBaseUrl: String

    @Option(help: "Where to write the report (default: beside the output, NAME.report.json).")
    var report: String?

    @Flag(help: "Replace the output and the report if they exist.")
    var force = false

    @Flag(
      help: """
        Then send the file to Easemob, one message per request, as 'chatbundle push \
        easemob-import' does (resumable through OUTPUT.checkpoint; the output is the same \
        bytes every time, so rerun with --force to resume).
        """)
    var replay = false

    @Option(help: "With --replay: the REST API host (a1.easemob.com, https://…, or http://127.0.0.1:PORT).")
    var host: String?

    @Option(help: "With --replay: the org name.")
    var org: String?

    @Option(help: "With --replay: the app name.")
    var app: String?

    @Option(help: "With --replay: an app token (better: set EASEMOB_TOKEN).")
    var token: String?

    @Option(name: .customLong("client-id"), help: "With --replay: client ID, to fetch an app token.")
    var clientID: String?

    @Option(name: .customLong("client-secret"), help: "With --replay: client secret (better: EASEMOB_CLIENT_SECRET).")
    var clientSecret: String?

    @Option(help: "With --replay: requests per second.")
    var rate: Double = 2

    @Option(help: "With --replay: for a line sent but never answered, resend or skip.")
    var unconfirmed: UnconfirmedPolicy?

    func validate() throws {
      guard let url = URL(string: mediaBaseUrl), let scheme = url.scheme?.lowercased(),
        scheme == "http" || scheme == "https", url.host?.isEmpty == false, url.query == nil, url.fragment == nil
      else { throw ValidationError("--media-base-url must be an http or https URL without a query or fragment") }
      let connection = [host, org, app, token, clientID, clientSecret, unconfirmed?.rawValue]
      if replay {
        guard host != nil, org != nil, app != nil else {
          throw ValidationError("--replay needs --host, --org and --app")
        }
      } else if connection.contains(where: { $0 != nil }) {
        throw ValidationError("--host, --org, --app and the credentials go with --replay")
      }
    }

    func run() async throws {
      try requireReadableFile(bundle)
      try runExport {
        let options = EasemobImportOptions(mediaBaseURL: mediaBaseUrl, reportPath: report, force: force)
        let summary = try EasemobImportExporter.export(bundle: bundle, to: output, options: options)
        for warning in summary.warnings { printSafe(warning) }
        var lines = [
          "wrote \(summary.imported) import requests to \(summary.output)",
          "  messages  \(summary.messages)",
          "  imported  \(summary.imported)  (\(summary.partial) with something not carried)",
          "  skipped   \(summary.skipped)",
        ]
        if !summary.reasons.isEmpty { lines.append("  in the report, by reason:") }
        for (reason, count) in summary.reasons { lines.append("    \(reason)  \(count)") }
        lines.append("report: \(summary.report)")
        lines.append("bundle id \(summary.bundleID) (verified)")
        for line in lines { printSafe(line) }
      }
      if replay, let host, let org, let app {
        let connection = EasemobConnection(
          host: host, org: org, app: app, token: token, clientID: clientID, clientSecret: clientSecret, rate: rate)
        try await replayEasemobImport(file: output, connection: connection, unconfirmed: unconfirmed, quiet: false)
      }
    }
  }
}

/// Runs a database export with its progress on a terminal, then prints what it wrote.
private func runDatabaseExport(
  bundle: String, note: (SQLExportSummary) -> String, _ export: (@escaping ExportProgress) throws -> SQLExportSummary
) throws {
  try requireReadableFile(bundle)
  try runExport {
    let status = ExportStatus()
    defer { status.clear() }
    let summary = try export(status.show)
    status.clear()
    for warning in summary.warnings { printSafe(warning) }
    printSafe(
      "exported \(summary.messages) messages in \(summary.conversations) conversations to \(summary.path)",
      note(summary), "bundle id \(summary.bundleID) (verified)")
  }
}

/// Runs an export, mapping its failures to the documented exit codes: 1 for an invalid
/// bundle, 2 for usage and I/O.
func runExport(_ body: () throws -> Void) throws {
  do {
    try body()
  } catch {
    try exitForExportFailure(error)
  }
}

/// The same for an export that awaits (export pdf checks timestamps before framing).
func runExport(_ body: () async throws -> Void) async throws {
  do {
    try await body()
  } catch {
    try exitForExportFailure(error)
  }
}

private func exitForExportFailure(_ error: Error) throws -> Never {
  if let error = error as? ExportError {
    if case .invalidBundle(let report) = error {
      for issue in report.issues { printSafe(issue.description) }
      FileStream.standardError.write("error: \(error)".terminalSafe + "\n")
      throw ExitCode.failure
    }
    FileStream.standardError.write("error: \(error)".terminalSafe + "\n")
    throw ExitCode(2)
  }
  if let error = error as? ChatBundleError {
    FileStream.standardError.write("error: \(error)".terminalSafe + "\n")
    throw ExitCode(2)
  }
  throw error
}
