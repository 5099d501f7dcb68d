import ArgumentParser
import ChatBundleExport
import Foundation

extension RSMFSliceLength: ExpressibleByArgument {}

extension ChatBundleCommand {
  struct ExportRSMF: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "rsmf",
      abstract: "Write RSMF 2.0 files (Relativity Short Message Format) for eDiscovery review.",
      discussion: """
        One .rsmf file per conversation slice: a local day by default (--slice 12h or 8h \
        for dense chats), at most --max-events events and always under 2 GB a file, split \
        further when needed. Each file is an RFC 5322 message with the X-RSMF-* headers, a \
        plain-text body listing the slice's events in time order, and rsmf.zip holding \
        rsmf_manifest.json and the slice's files. Slices of one conversation share \
        X-RSMF-EventCollectionID; X-RSMF-BundleId and X-RSMF-ZipSHA256 tie each file to the \
        bundle. Files are named by the conversation's bundle file (a hash of its id) and \
        the slice's local start, never by data. rsmf-report.json lists what RSMF could only \
        approximate, by reason and count.

        Example:
          chatbundle export rsmf class.tar.gz -o class-rsmf --slice 12h
        """)

    @Argument(help: "The bundle (.tar.gz).")
    var bundle: String

    @Option(name: .shortAndLong, help: "Directory to write the .rsmf files to (must not exist, or be empty).")
    var output: String

    @Option(help: "How much time one file covers: day, 12h or 8h.")
    var slice: RSMFSliceLength = .day

    @Option(help: "The most events in one file.")
    var maxEvents: Int = RSMFExportOptions.defaultMaximumEvents

    @Option(help: "Time zone the slices are cut in (default: the bundle's source time zone).")
    var tz: String?

    @Flag(help: "Replace a directory that holds an earlier RSMF export (.rsmf files and its report only).")
    var force = false

    func validate() throws {
      guard (1...1_000_000).contains(maxEvents) else { throw ValidationError("--max-events must be 1 to 1000000") }
      if let tz, TimeZone(identifier: tz) == nil { throw ValidationError("unknown time zone '\(tz)'") }
    }

    func run() throws {
      try requireReadableFile(bundle)
      try runExport {
        let options = RSMFExportOptions(slice: slice, maximumEvents: maxEvents, timeZone: tz, force: force)
        let summary = try RSMFExport.export(bundle: bundle, to: output, options: options)
        for warning in summary.warnings { printSafe(warning) }
        var lines = [
          "wrote \(summary.files) RSMF files for \(summary.conversations) conversations to \(summary.directory)",
          "  messages \(summary.messages), events \(summary.events); slices of one \(slice.rawValue) in \(summary.timeZone)",
        ]
        if !summary.approximations.isEmpty { lines.append("  approximated, by reason:") }
        for (reason, count) in summary.approximations { lines.append("    \(reason)  \(count)") }
        lines.append("report: \(summary.report)")
        lines.append("bundle id \(summary.bundleID) (verified)")
        for line in lines { printSafe(line) }
      }
    }
  }
}
