import ArgumentParser
import ChatBundle
import ChatBundleConnect
import Foundation

extension ChatBundleCommand {
  struct Push: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Send messages to a chat service through its API.",
      subcommands: [EasemobImport.self])
  }
}

extension ChatBundleCommand.Push {
  struct EasemobImport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "easemob-import",
      abstract: "Replay Easemob import bodies, one message per request, resumably.",
      discussion: """
        FILE holds one JSON object per line: {"endpoint":"users"|"chatgroups","body":{...}}, \
        where body is the request body of POST /{org}/{app}/messages/users/import or \
        /messages/chatgroups/import. Every line is checked before anything is sent; then the \
        lines are posted in file order at --rate requests per second, retrying 429 and 503 \
        with backoff (honouring Retry-After).

        FILE.checkpoint (synced to disk before and after each request) records how far the \
        replay got and the SHA-256 of FILE: run the same command again to resume an \
        interrupted replay; a changed FILE is refused. A line that was sent but never \
        answered (a broken connection, a killed run) may or may not have been imported, and \
        Easemob cannot be asked: the replay then stops, and you choose with --unconfirmed \
        resend (send it again) or --unconfirmed skip (take it as imported). A refused message \
        (4xx, 500) is listed with its status and error body, and the replay goes on.

        Exit status: 0 when every line is imported, 1 when a line failed, the replay stopped \
        early or the token was refused, 2 for usage errors.
        """)

    @Argument(help: "The import bodies (NDJSON).")
    var file: String

    @OptionGroup var connection: EasemobConnectionOptions

    @Option(help: "For a line sent but never answered: resend or skip.")
    var unconfirmed: UnconfirmedPolicy?

    @Flag(name: .shortAndLong, help: "Only the final report.")
    var quiet = false

    func run() async throws {
      try await replayEasemobImport(
        file: file, connection: connection.connection, unconfirmed: unconfirmed, quiet: quiet)
    }
  }
}

/// Replays import bodies from `file`, as `push easemob-import` and `export easemob-import
/// --replay` do: the report on standard output, exit 1 when anything was not imported.
func replayEasemobImport(
  file: String, connection: EasemobConnection, unconfirmed policy: UnconfirmedPolicy?, quiet: Bool
) async throws {
  guard FileManager.default.fileExists(atPath: file) else { throw ValidationError("\(file) does not exist") }
  let status = StatusLine(enabled: !quiet)
  let client = try connection.client { text in if !quiet { status.note("note: " + text) } }
  let replayer = ImportReplayer(client: client, inputPath: file)
  replayer.onProgress = { done, total in status.show("imported \(done)/\(total)") }
  let report: ReplayReport
  do {
    report = try await replayer.run(unconfirmed: policy)
  } catch {
    status.clear()
    FileStream.standardError.write("error: \(client.redact("\(error)"))".terminalSafe + "\n")
    throw ExitCode.failure
  }
  status.clear()
  var lines = [
    "replayed \(file)",
    "  messages  \(report.messages): \(report.importedNow) imported now, \(report.importedBefore) before, "
      + "\(report.failures.count) failed",
  ]
  if !report.failures.isEmpty {
    lines.append("  failures:")
    for failure in report.failures {
      lines.append("    line \(failure.line): HTTP \(failure.status.map(String.init) ?? "-"): \(failure.body)")
    }
  }
  for line in lines { printSafe(line) }
  if let stoppedBy = report.stoppedBy {
    var message = "error: stopped at \(stoppedBy)\n"
    if let line = report.unconfirmedLine {
      message +=
        "line \(line) was sent but not answered: it may or may not have been imported; "
        + "run again with --unconfirmed resend or --unconfirmed skip\n"
    } else {
      message += "run the same command again to resume\n"
    }
    FileStream.standardError.write(message.terminalSafe)
    throw ExitCode.failure
  }
  if !report.succeeded { throw ExitCode.failure }
}

extension UnconfirmedPolicy: ExpressibleByArgument {}
