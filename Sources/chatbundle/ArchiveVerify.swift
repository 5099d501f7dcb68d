import ArgumentParser
import ChatBundle

struct ArchiveVerify: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "verify",
    abstract: "Prove that sealed bundles form one unbroken chain.",
    discussion: """
      Verifies every bundle, then checks that they name one archive, that their sequence \
      numbers run from 1 without a hole, that each after the first names the one before by \
      bundle id, and that their periods follow each other without a gap or an overlap. A \
      bundle left out, replaced or put out of order breaks the chain. Give the bundles in \
      any order. The gaps each bundle's coverage names (hours the service no longer had) \
      are listed, not failures.

      Exit status: 0 when the chain holds, 1 when it does not, 2 for usage errors.
      """)

  @Argument(help: "The sealed bundles (.tar.gz), all of the chain from the first.")
  var bundles: [String]

  func validate() throws {
    if bundles.isEmpty { throw ValidationError("give the sealed bundles of the chain") }
  }

  func run() throws {
    for bundle in bundles { try requireReadableFile(bundle) }
    let report = ChainVerifier(bundles: bundles).verify()
    for problem in report.problems { printSafe("error: \(problem)") }
    for link in report.links {
      let period = [link.since, link.until].map { $0.map { UTCTime.timestamp(milliseconds: $0) } ?? "…" }
      printSafe(
        "  \(link.sequence)  \(link.bundleID)  \(period[0]) to \(period[1])  \(link.messages) messages, "
          + "\(link.gaps) gaps  \(link.path)")
    }
    printSafe(
      "chain      \(report.archive ?? "unknown archive"): \(report.links.count) sealed bundles, "
        + (report.isValid ? "UNBROKEN" : "BROKEN"))
    if !report.isValid { throw ExitCode.failure }
  }
}
