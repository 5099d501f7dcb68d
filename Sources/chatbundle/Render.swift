import ArchiveIO
import ArgumentParser
import ChatBundle
import ChatBundleSite
import Foundation

extension ChatBundleCommand {
  struct Render: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Turn a bundle into static HTML transcripts that open offline in any browser.",
      discussion: """
        Verifies the bundle in the same pass and refuses an invalid one (--force renders it \
        anyway, marked as unverified on every page). The site loads nothing from the \
        network; open SITE_DIR/index.html from a USB stick or a shared folder.
        """)

    @Argument(help: "The bundle (.tar.gz).")
    var bundle: String

    @Option(name: .shortAndLong, help: "Directory to write the site to (must not exist, or be empty).")
    var output: String

    @Option(help: "Time zone for times (default: the bundle's source time zone).")
    var tz: String?

    @Option(help: "Interface language: zh-CN or en.")
    var lang: RenderOptions.Language = .zhCN

    @OptionGroup var trust: TrustOptions

    @OptionGroup var threading: ThreadOptions

    @Option(
      help: """
        An extract of this bundle ('chatbundle extract'): each media file whose bytes there have the manifest's \
        size and SHA-256 is hard-linked into the site instead of written again (the site's file is then the \
        extract's); any other is written from the bundle.
        """)
    var mediaFrom: String?

    func validate() throws {
      if let mediaFrom, FileStatus.of(mediaFrom, followingLinks: true)?.isDirectory != true {
        throw ValidationError("--media-from \(mediaFrom) is not a directory: give an extract of this bundle")
      }
    }

    @Option(help: "A directory of templates to use instead of the built-in ones.")
    var templates: String?

    @Option(help: "Messages per page at most (pages also end with each month).")
    var pageSize = 1000

    @Flag(help: "Render even if the bundle fails verification, marking every page as unverified.")
    var force = false

    @Flag(
      help:
        "Show recalled messages as a tombstone only, leaving their text, media and search entries out of the site."
    )
    var hideRecalled = false

    @Option(
      help: """
        A user id (as inspect lists people) whose messages stand on the right, as on that user's phone. \
        Default: the neutral layout, every sender on the left.
        """)
    var perspective: String?

    @Flag(
      help: """
        State on every page when the bundle was verified: now, or SOURCE_DATE_EPOCH when set. \
        Without it the same bundle always gives a byte-identical site.
        """)
    var stamp = false

    func run() async throws {
      try requireReadableFile(bundle)
      var options = RenderOptions()
      if let tz {
        guard TimeZone(identifier: tz) != nil else { throw ValidationError("unknown time zone '\(tz)'") }
        options.timeZone = tz
      }
      guard pageSize > 0 else { throw ValidationError("--page-size must be positive") }
      options.language = lang
      let trusted = try trust.load()
      options.provenance = { report in await trusted.provenance(of: report) }
      options.pageSize = pageSize
      options.threads = threading.count
      options.mediaSource = mediaFrom
      options.templatesDirectory = templates
      options.force = force
      options.hideRecalled = hideRecalled
      options.perspective = perspective
      if stamp {
        if let epoch = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"] {
          guard let seconds = Int64(epoch), (0...BundleLimits.maximumTimestamp / 1000).contains(seconds) else {
            throw ValidationError("SOURCE_DATE_EPOCH must be whole seconds since 1970, before the year 10000")
          }
          options.verificationTime = seconds * 1000
        } else {
          options.verificationTime = Int64(Date().timeIntervalSince1970 * 1000)
        }
      }
      do {
        let summary = try await SiteGenerator.render(bundle: bundle, to: output, options: options)
        for issue in summary.report.issues { printSafe(issue) }
        printSafe(
          "rendered \(summary.messages) messages in \(summary.conversations) conversations, \(summary.pages) pages, \(summary.media) media files"
            + (mediaFrom == nil ? "" : " (\(summary.mediaLinked) linked from the extract)"),
          "bundle id \(summary.report.bundleID ?? "?") (\(summary.report.isValid ? "verified" : "NOT VERIFIED"))",
          "open \(URL(fileURLWithPath: summary.indexPage).standardizedFileURL.path)")
        if let perspective, summary.perspectiveMessages == 0 {
          printSafe("WARNING: no message is from \(perspective), so none stands on the right; inspect lists the people")
        }
      } catch let error as RenderError {
        if case .invalidBundle(let report) = error {
          for issue in report.issues { printSafe(issue.description) }
        }
        FileStream.standardError.write("error: \(error)".terminalSafe + "\n")
        throw ExitCode.failure
      }
    }
  }
}

extension RenderOptions.Language: ExpressibleByArgument {}
