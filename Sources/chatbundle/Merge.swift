import ArgumentParser
import ChatBundle

extension ChatBundleCommand {
  struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Merge bundles into one: the union of their messages, each stored once.",
      discussion: """
        Verifies every input as it reads it and writes the union: a message id held by \
        several inputs with identical lines is stored once; copies that differ are refused, \
        naming both bundles, unless --prefer says whose copies win (the others are then \
        listed in the manifest's skipped records). Media are stored once. The scope is the \
        smallest holding every input's; coverage periods the inputs share keep their best \
        state, so an hour one input missed and another has is no longer a gap. The manifest's \
        lineage names every input by bundle id; 'chatbundle verify OUT --parent A --parent B' \
        proves the merge against them.

        The same inputs in any order (or one named twice) give the same bytes. Messages are \
        carried byte for byte; nothing is re-read from the source.

        Example:
          chatbundle merge week-10.tar.gz week-11.tar.gz week-12.tar.gz -o march.tar.gz
        """)

    @Argument(help: "The bundles to merge (.tar.gz).")
    var inputs: [String]

    @Option(help: "Where copies of one message differ, keep this bundle's (a path among the inputs or a bundle id).")
    var prefer: String?

    @OptionGroup var writing: BundleWritingOptions

    @Flag(name: .shortAndLong, help: "No summary.")
    var quiet = false

    @Option(name: .shortAndLong, help: "The bundle to write (.tar.gz).")
    var output: String

    func validate() throws {
      if inputs.isEmpty { throw ValidationError("give at least one bundle to merge") }
    }

    func run() throws {
      for input in inputs { try requireReadableFile(input) }
      var derivation = try writing.derivation(output: output, inputs: inputs)
      derivation.signingKeys = try writing.signingKeys()
      let summary = try runDerivation { try derivation.merge(inputs, preferred: prefer) }
      if !quiet { printDerivation(summary, verb: "merged") }
    }
  }
}
