import ArgumentParser
import ChatBundle

/// What every command that writes a bundle takes besides its input: who exports it, for
/// whom and why, the keys that sign it, where scratch files go, and whether to replace OUT.
struct BundleWritingOptions: ParsableArguments {
  @Option(
    name: .customLong("sign"),
    help: "Sign the bundle with this private key (NAME.key from 'chatbundle key new'). Repeatable.")
  var signingKeyPaths: [String] = []

  @Option(
    help: "Who exports the bundle (a name, a role); recorded in the manifest and shown by inspect, render and certify."
  )
  var exportedBy: String?

  @Option(help: "Who asked for the export.")
  var requestedBy: String?

  @Option(help: "Why: the purpose or legal basis of the export.")
  var purpose: String?

  @Option(help: "An approval, case or ticket reference.")
  var reference: String?

  @Option(help: "Directory for scratch files (default: beside the output).")
  var tempDir: String?

  @Flag(help: "Replace OUT if it exists.")
  var force = false

  func validate() throws {
    for (option, value) in [
      ("--exported-by", exportedBy), ("--requested-by", requestedBy), ("--purpose", purpose),
      ("--reference", reference),
    ] {
      if let value, let problem = Custody.problem(with: value) { throw ValidationError("\(option) \(problem)") }
    }
  }

  var custody: Custody {
    Custody(exportedBy: exportedBy, requestedBy: requestedBy, purpose: purpose, reference: reference)
  }

  /// Read before the work, so that a wrong key path fails first.
  func signingKeys() throws -> [SigningKey] { try signingKeyPaths.map(loadSigningKey) }

  var existing: OutputPlacement.Existing { force ? .replaceRegularFile : .refuse(hint: "pass --force to replace it") }
}
