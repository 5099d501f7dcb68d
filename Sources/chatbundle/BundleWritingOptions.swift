import ArchiveIO
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

  /// Refuses OUT before any work, with the usage exit status: when it is taken (without
  /// --force), or is the same file as one of `inputs`.
  func checkOutput(_ output: String, inputs: [String] = [], consequence: String) throws {
    do { try OutputPlacement.checkFile(output, existing: existing) } catch { throw outputRefusal("\(error)") }
    if let input = input(among: inputs, sameAs: output) {
      throw outputRefusal("-o \(output) is the input \(input); \(consequence)")
    }
  }
}

/// The first of `inputs` that is the same file as `output` (links followed), if any.
func input(among inputs: [String], sameAs output: String) -> String? {
  guard let target = FileStatus.of(output, followingLinks: true) else { return nil }
  return inputs.first { input in
    guard let info = FileStatus.of(input, followingLinks: true) else { return false }
    return info.device == target.device && info.inode == target.inode
  }
}

/// Reports a refused output and gives the usage exit code, without the usage text.
func outputRefusal(_ message: String) -> ExitCode {
  FileStream.standardError.write("error: \(message)".terminalSafe + "\n")
  return ExitCode(2)
}
