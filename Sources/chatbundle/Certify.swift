import ArgumentParser
import ChatBundle
import ChatBundleSite
import Foundation

extension ChatBundleCommand {
  struct Certify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Verify a bundle and write a printable handover certificate.",
      discussion: """
        Verifies the bundle (offline, in one pass) and writes CERT.html: an A4 page in Chinese \
        and English with the bundle id, file, signers and their fingerprints, timestamps, \
        custody, the scope asked for and delivered, coverage and every gap, counts by \
        conversation and kind, media not bundled and records skipped, the verification \
        result with its issue codes, the four properties archive practice checks \
        (真实性、完整性、可用性、安全性) and a statement with blanks for the certifying \
        person. Print it from any browser, or to PDF. --json writes the same facts as JSON.

        Exit status: 0 when the bundle is valid and meets what --trust asks, 1 otherwise (the \
        certificate is written either way and says so), 2 usage or I/O error.
        """)

    @Argument(help: "The bundle (.tar.gz).")
    var bundle: String

    @Option(name: .shortAndLong, help: "The certificate to write (.html).")
    var output: String

    @Option(help: "Also write the facts as JSON to this file.")
    var json: String?

    @OptionGroup var trust: TrustOptions

    @Option(help: "Time zone for the times on the certificate (default: the bundle's source time zone).")
    var tz: String?

    @Option(help: "A template to use instead of the built-in certificate.mustache.")
    var template: String?

    @Flag(help: "Replace CERT.html (and the --json file) if they exist.")
    var force = false

    func run() async throws {
      try requireReadableFile(bundle)
      let trusted = try trust.load()
      let templateText = try template.map { path -> String in
        guard let data = FileManager.default.contents(atPath: path) else {
          throw ValidationError("--template \(path) cannot be read")
        }
        return String(decoding: data, as: UTF8.self)
      }
      let existing: OutputPlacement.Existing = force ? .replaceRegularFile : .refuse(hint: "pass --force to replace it")
      let placements = try ([output] + [json].compactMap { $0 }).map { path in
        do { return try OutputPlacement(file: path, existing: existing) } catch {
          FileStream.standardError.write("error: \(error)".terminalSafe + "\n")
          throw ExitCode(2)
        }
      }
      let (inspector, report) = BundleInspector.inspect(path: bundle, readEverything: true)
      if let readError = report.readError {
        FileStream.standardError.write("error: cannot read \(bundle): \(readError)".terminalSafe + "\n")
        throw ExitCode(2)
      }
      guard let manifest = report.manifest ?? inspector.manifest else {
        FileStream.standardError.write("error: \(bundle) has no readable manifest; nothing to certify\n")
        throw ExitCode.failure
      }
      let zoneName = tz ?? manifest.source.timeZone
      guard let clock = LocalClock(identifier: zoneName) else {
        throw ValidationError("unknown time zone '\(zoneName)'; pass --tz with the zone to show times in")
      }
      let provenance = await trusted.provenance(of: report)
      let unmet = trusted.unmet(by: provenance)
      let certificate = HandoverCertificate(
        fileName: (bundle as NSString).lastPathComponent, report: report, manifest: manifest,
        people: inspector.people, conversationIndex: inspector.conversationIndex, provenance: provenance,
        unmet: unmet, clock: clock)
      do {
        let outputs =
          [Array(try certificate.html(template: templateText).utf8)]
          + (json == nil ? [] : [JSONWriter.serialize(certificate.jsonValue()) + [0x0A]])
        for (placement, bytes) in zip(placements, outputs) {
          try Data(bytes).write(to: URL(fileURLWithPath: placement.scratch))
          try placement.commit(placement.scratch)
        }
      } catch {
        placements.forEach { $0.discard() }
        FileStream.standardError.write("error: \(error)".terminalSafe + "\n")
        throw ExitCode(2)
      }
      printSafe("certificate \(output)")
      if let json { printSafe("json        \(json)") }
      printSafe(
        "result      \(certificate.isValid ? "VALID" : "INVALID") · \(certificate.coverage.gaps.count) gaps")
      if !certificate.isValid { throw ExitCode.failure }
    }
  }
}
