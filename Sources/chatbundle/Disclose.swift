import ArchiveIO
import ArgumentParser
import ChatBundle
import Foundation

extension ChatBundleCommand {
  struct Disclose: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Open the redactions of one message for someone entitled to see what was removed.",
      discussion: """
        For the party that redacted a bundle: reads the redacted bundle and its parent \
        (verifying both), takes the message's redaction records, and writes a disclosure: \
        for each record, what was removed and the one salt that opens its commitment. The \
        salts file's key is not in it, so the disclosure opens this message's redactions \
        and no other.

        The recipient checks it against the redacted bundle alone, offline:
          chatbundle verify R.tar.gz --disclosure D.json
        which proves that the bundle committed to exactly this text at these places when \
        it was redacted. It does not prove that the parent's message was genuine: that is \
        the parent's signature, checked with 'chatbundle verify PARENT --trust KEY.pub'.

        Example:
          chatbundle disclose term-redacted.tar.gz --parent term.tar.gz \\
            --salts term-redacted.salts --message 1107926416786737820 -o disclosure.json
        """)

    @Argument(help: "The redacted bundle (.tar.gz).")
    var bundle: String

    @Option(help: "The bundle it was redacted from.")
    var parent: String

    @Option(help: "The salts file the redaction wrote.")
    var salts: String

    @Option(help: "The id of the message whose redactions to open.")
    var message: String

    @Option(name: .shortAndLong, help: "The disclosure to write (JSON); it must not exist.")
    var output: String

    func run() throws {
      for path in [bundle, parent, salts] { try requireReadableFile(path) }
      if FileManager.default.fileExists(atPath: output) {
        throw ValidationError("\(output) exists; a disclosure is never overwritten")
      }
      do {
        let key = try RedactionSalts.read(salts)
        let disclosure = try RedactionDisclosure.make(
          bundle: bundle, parent: parent, salts: key, message: Identifier(message))
        try writeNewFileExclusively(output, disclosure.fileBytes, mode: 0o600)
        printSafe("disclosed  \(disclosure.entries.count) redactions of message \(message) in \(output)")
        for entry in disclosure.entries {
          let place = entry.record.place
          printSafe("           \(place): \(entry.record.reason)")
        }
        printSafe("check it   chatbundle verify \(bundle) --disclosure \(output)")
      } catch let error as ChatBundleError {
        FileStream.standardError.write("error: \(error)".terminalSafe + "\n")
        throw ExitCode.failure
      }
    }
  }
}
