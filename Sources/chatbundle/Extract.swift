import ArgumentParser
import ChatBundle

extension ChatBundleCommand {
  struct Extract: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Verify a bundle and write its files under a directory.",
      discussion: """
        The bundle is verified while it is read, into a new scratch directory beside DIR; \
        only a valid bundle is moved into place, so DIR never holds a partial or unverified \
        extraction. DIR must not exist or must be empty. Only the files the manifest lists are \
        written, at paths the format's grammar allows, never outside DIR.
        """)

    @Argument(help: "The bundle (.tar.gz).")
    var bundle: String

    @Argument(help: "Where to write the files (must not exist, or be empty).")
    var directory: String

    func run() throws {
      try requireReadableFile(bundle)
      do {
        switch try BundleExtractor.extract(bundle: bundle, into: directory) {
        case .extracted(let report):
          print("extracted \(report.entries) files (\(formatBytes(report.bytes))) to \(directory)")
          print("bundle id \(report.bundleID ?? "")")
        case .invalid(let report):
          for issue in report.issues { printSafe(issue.description) }
          print(
            "not extracted: the bundle is INVALID (\(report.errorCount) errors); nothing was written to \(directory)")
          throw ExitCode.failure
        }
      } catch let error as ChatBundleError {
        FileStream.standardError.write("error: \(error)".terminalSafe + "\n")
        throw ExitCode(2)
      }
    }
  }
}
