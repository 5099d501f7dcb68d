import ArchiveIO
import ArgumentParser
import ChatBundle
import Foundation

@main
struct ChatBundleCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "chatbundle",
    abstract: "Turn chat history into an archive that outlives the chat service.",
    discussion: """
      pack reads a chat service's export into one verifiable tar.gz bundle with the original \
      media; verify proves a bundle complete and untouched, offline; inspect and extract \
      show and unpack it; render writes static HTML transcripts; export writes CSV or \
      Easemob import bodies; merge and slice derive provable bundles from others; pull \
      fetches Easemob history and media before the links expire; push replays import \
      bodies into an Easemob app.
      """,
    version: ChatBundleVersion.current,
    subcommands: [
      Pack.self, Verify.self, Inspect.self, Extract.self, Render.self, Export.self, Merge.self, Slice.self, Redact.self,
      Disclose.self,
      Archive.self, Pull.self, Push.self, Key.self, Sign.self, Timestamp.self, Certify.self,
    ])

  /// Exit codes shared by the subcommands: 0 success, 1 invalid input or bundle, 2 usage or I/O.
  static func main() async {
    let signals = installSignalCleanup()
    defer { signals.cancel() }
    do {
      var command = try parseAsRoot()
      if var asyncCommand = command as? any AsyncParsableCommand {
        try await asyncCommand.run()
      } else {
        try command.run()
      }
    } catch {
      let code = exitCode(for: error)
      if code == .validationFailure {
        // ArgumentParser's usage errors exit 64; chatbundle documents 2.
        FileStream.standardError.write(fullMessage(for: error) + "\n")
        FileStream.standardError.write("(see 'chatbundle help' for usage)\n")
        exit(withError: ExitCode(2))
      }
      exit(withError: error)
    }
  }
}

/// On SIGINT or SIGTERM, remove scratch files and partial output before exiting, from a
/// dispatch queue rather than inside the signal handler, where file calls are unsafe.
///
/// The command's own threads (render's page, search and read-ahead threads, the verifier)
/// are not stopped one by one: the registry renames each scratch path away and fences its
/// name before removing it, so a thread still running can create nothing there, and it
/// holds its lock until the exit, so a thread that reaches a commit or a cleanup of its own
/// waits there instead of exiting with another status.
private func installSignalCleanup() -> InterruptSignals {
  InterruptSignals { number in
    ScratchRegistry.shared.removeAll {
      // Commands that write one output commit it only at the end; pull and push keep what
      // they completed and resume from it.
      FileStream.standardError.write("\ninterrupted; partial files were removed\n")
      // Not exit(): atexit handlers would run while the other threads still do.
      CurrentProcess.exitImmediately(128 + number)
    }
  }
}
