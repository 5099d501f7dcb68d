import ArgumentParser
import ChatBundle

extension ChatBundleCommand {
  struct Slice: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write the part of a bundle one recipient may see: a period, conversations, members.",
      discussion: """
        Verifies the bundle as it reads it and writes a new one with only the messages \
        inside the limits, each carried byte for byte, and only their media and people. \
        The limits work as pack's: --since and --until by the message's time (a date is \
        midnight in the bundle's source time zone), --conversation by a group, chat room, \
        bundle conversation id or a party of a one-to-one chat, --member by sender (and the \
        one-to-one chats the member is in). The slice's scope states them; its coverage keeps \
        the periods that overlap its time range; its lineage names the parent, and \
        'chatbundle verify OUT --parent IN' proves that it holds exactly the parent's \
        messages inside the scope.

        A slice does not carry the parent's skipped records or sequence coverage: they \
        describe the whole export, which stays in the parent.

        Example:
          chatbundle slice term.tar.gz --conversation 1402541206787 --since 2025-03-01 -o class-3-2.tar.gz
        """)

    @Argument(help: "The bundle to slice (.tar.gz).")
    var input: String

    @OptionGroup var limits: ScopeOptions

    @OptionGroup var writing: BundleWritingOptions

    @Flag(name: .shortAndLong, help: "No summary.")
    var quiet = false

    @Option(name: .shortAndLong, help: "The bundle to write (.tar.gz).")
    var output: String

    func run() throws {
      try requireReadableFile(input)
      var derivation = try writing.derivation(output: output, inputs: [input])
      derivation.signingKeys = try writing.signingKeys()
      let zone = BundleInspector.inspect(path: input, readEverything: false).0.manifest?.source.timeZone ?? "UTC"
      let scope = try limits.scope(zone: zone)
      let summary = try runDerivation { try derivation.slice(input, scope: scope) }
      if !quiet { printDerivation(summary, verb: "sliced") }
    }
  }
}
