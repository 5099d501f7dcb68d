import ArchiveIO
import ArgumentParser
import ChatBundle

extension BundleWritingOptions {
  /// A derivation writing `output`, refused before any work when OUT is taken or is one of
  /// the inputs.
  func derivation(output: String, inputs: [String]) throws -> BundleDerivation {
    try checkOutput(output, inputs: inputs, consequence: "it would be overwritten")
    var derivation = BundleDerivation(output: output)
    derivation.existing = existing
    derivation.temporaryDirectory = tempDir
    let custody = self.custody
    derivation.custody = custody.isEmpty ? nil : custody
    return derivation
  }
}

/// Runs a derivation, reporting its failure as pack does: a message and exit status 1.
func runDerivation(_ body: () throws -> BundleDerivation.Summary) throws -> BundleDerivation.Summary {
  do {
    return try body()
  } catch let error as ChatBundleError {
    FileStream.standardError.write("error: \(error)".terminalSafe + "\n")
    throw ExitCode.failure
  }
}

func printDerivation(_ summary: BundleDerivation.Summary, verb: String) {
  let pack = summary.pack
  var lines = ["\(verb) \(pack.output)", "  bundle id      \(pack.bundleID)"]
  for parent in summary.parents { lines.append("  parent         \(parent.bundleID)  \(parent.path)") }
  lines += [
    "  conversations  \(pack.conversations)",
    "  messages       \(pack.messages)  (\(pack.duplicates) copies held by several parents stored once, "
      + "\(pack.filtered) outside the scope)",
    "  media          \(pack.media) files, \(formatBytes(pack.mediaBytes))",
    "  missing media  \(pack.missing)",
    "  bundle size    \(formatBytes(pack.bundleBytes))",
    "  check it with  chatbundle verify \(pack.output) "
      + summary.parents.map { "--parent \($0.path)" }.joined(separator: " "),
  ]
  for line in lines { printSafe(line) }
}
