import ArchiveIO
import ArgumentParser
import ChatBundle
import Foundation

extension ChatBundleCommand {
  struct Key: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Make signing keys.", subcommands: [New.self])

    struct New: ParsableCommand {
      static let configuration = CommandConfiguration(
        abstract: "Make an Ed25519 key pair: NAME.key (private) and NAME.pub (public).",
        discussion: """
          NAME.key is written readable by you only (mode 0600) and is never printed; keep \
          it where only the person who signs can reach it. NAME.pub is a few lines of text \
          with the key's fingerprint: give it to recipients by a channel they trust (in \
          person, on paper, from your website), so that they can check your signature with \
          'chatbundle verify --trust NAME.pub'. Neither file is overwritten.

          Example:
            chatbundle key new -o school-office --name "Class 3-2 office"
          """)

      @Option(name: .shortAndLong, help: "The files to write: NAME.key and NAME.pub.")
      var output: String

      @Option(help: "A name for the key, shown with its fingerprint (a person or an office).")
      var name: String?

      func run() throws {
        let key = SigningKey(name: name)
        let privatePath = output + ".key"
        let publicPath = output + ".pub"
        for path in [privatePath, publicPath] where FileManager.default.fileExists(atPath: path) {
          throw ValidationError("\(path) exists; keys are never overwritten")
        }
        do {
          try writeNewFileExclusively(privatePath, Array(key.privateFileText.utf8), mode: 0o600)
          try writeNewFileExclusively(publicPath, Array(key.publicKey.fileText.utf8), mode: 0o644)
        } catch {
          FileStream.standardError.write("error: \(error)".terminalSafe + "\n")
          throw ExitCode(2)
        }
        printSafe("private key  \(privatePath) (keep it secret)", "public key   \(publicPath) (give it out)")
        printSafe("fingerprint  \(key.publicKey.groupedFingerprint)")
      }
    }
  }

  struct Sign: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Sign a bundle, keeping its bundle id.",
      discussion: """
        Verifies the bundle, then adds an Ed25519 signature over its bundle id (the SHA-256 \
        of the manifest, which lists the size and SHA-256 of every file), in place or into \
        -o OUT. The manifest and every file stay as they are, so the bundle id does not \
        change and several people can sign one bundle, the exporter and then an approver. \
        An invalid bundle is not signed (exit 1).

        A signature proves that whoever holds the private key vouched for exactly this \
        bundle. It does not prove that the chat service sent these messages, nor when the \
        bundle was made: add a trusted timestamp for that ('chatbundle timestamp').
        """)

    @Argument(help: "The bundle (.tar.gz).")
    var bundle: String

    @Option(help: "The private key (NAME.key from 'chatbundle key new').")
    var key: String

    @Option(name: .shortAndLong, help: "Write the signed bundle here instead of replacing BUNDLE.")
    var output: String?

    func run() throws {
      try requireReadableFile(bundle)
      let signingKey = try loadSigningKey(key)
      try attachSignature(of: signingKey, to: bundle, output: output)
    }
  }
}

func loadSigningKey(_ path: String) throws -> SigningKey {
  do {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    return try SigningKey(fileText: text, path: path)
  } catch let error as ProvenanceError {
    throw ValidationError(error.description)
  } catch {
    throw ValidationError("\(path): cannot read the key (\(error.localizedDescription))")
  }
}

func loadPublicKey(_ path: String) throws -> PublicSigningKey {
  do {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    return try PublicSigningKey(fileText: text, path: path)
  } catch let error as ProvenanceError {
    throw ValidationError(error.description)
  } catch {
    throw ValidationError("\(path): cannot read the key (\(error.localizedDescription))")
  }
}

/// Signs `bundle` (in place, or into `output`) and says so; an invalid bundle is exit 1.
func attachSignature(of key: SigningKey, to bundle: String, output: String?) throws {
  let outcome: BundleAttacher.Outcome
  do {
    outcome = try BundleAttacher.attach(to: bundle, output: output) { _, bundleID in
      .signature(try BundleSignature(signing: bundleID, with: key))
    }
  } catch {
    FileStream.standardError.write("error: \(error)".terminalSafe + "\n")
    throw ExitCode(2)
  }
  switch outcome {
  case .attached(let report):
    printSafe(
      "signed     \(output ?? bundle)", "bundle id  \(report.bundleID ?? "")",
      "key        \(key.publicKey.groupedFingerprint)\(key.name.map { " (\($0))" } ?? "")")
  case .refused(let report):
    for issue in report.issues where issue.severity == .error { printSafe(issue.description) }
    let reason = report.readError.map { "cannot read it: \($0)" } ?? "it is INVALID (\(report.errorCount) errors)"
    FileStream.standardError.write("error: \(bundle) was not signed: \(reason)".terminalSafe + "\n")
    throw ExitCode.failure
  }
}
