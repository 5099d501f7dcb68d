import ArgumentParser
import ChatBundle
import ChatBundleExport
import ChatBundlePrint
import ChatBundleSite
import Foundation

extension ChatBundleCommand {
  struct ExportPDF: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "pdf",
      abstract: "Print one PDF per conversation (per month when long) with headless Chromium.",
      discussion: """
        Each PDF opens with a title page (conversation, kind, members, period, bundle id, \
        verification, signatures and timestamps) and prints the messages as the site's \
        transcripts do, images inline; every page is headed with the conversation, the \
        period and the bundle id and footed with its page number. Files are named by the \
        conversation's bundle file (a hash of its id), plus -YYYY-MM (and -pN) when a \
        conversation is split, never by its data. Needs Chromium (found on PATH or named \
        with --chromium) and a CJK font such as fonts-noto-cjk; nothing else in chatbundle does.

        Example:
          chatbundle export pdf class.tar.gz -o class-pdf --lang en
        """)

    @Argument(help: "The bundle (.tar.gz).")
    var bundle: String

    @Option(name: .shortAndLong, help: "Directory to write the PDF files to (must not exist, or be empty).")
    var output: String

    @Option(help: "Time zone for times (default: the bundle's source time zone).")
    var tz: String?

    @Option(help: "Language of the title page and captions: zh-CN (or zh) or en.")
    var lang: String = "zh-CN"

    @Option(help: "The Chromium program to print with (default: chromium, chromium-browser or google-chrome on PATH).")
    var chromium: String?

    @Option(help: "Split a conversation estimated past this many pages by month, and a month into parts.")
    var pagesPerFile = 300

    @Option(help: "A directory with document.mustache, print.css and style.css to use instead of the built-in ones.")
    var templates: String?

    @OptionGroup var trust: TrustOptions

    @Flag(help: "Replace a directory that holds an earlier PDF export (.pdf files only).")
    var force = false

    func run() async throws {
      try requireReadableFile(bundle)
      var options = PDFExportOptions()
      if let tz {
        guard TimeZone(identifier: tz) != nil else { throw ValidationError("unknown time zone '\(tz)'") }
        options.timeZone = tz
      }
      switch lang.lowercased() {
      case "zh", "zh-cn": options.language = .zhCN
      case "en": options.language = .en
      default: throw ValidationError("--lang must be zh-CN (zh) or en")
      }
      guard (1...PDFExportOptions.maximumPagesPerFile).contains(pagesPerFile) else {
        throw ValidationError("--pages-per-file must be between 1 and \(PDFExportOptions.maximumPagesPerFile)")
      }
      options.pagesPerFile = pagesPerFile
      options.chromium = chromium
      options.templatesDirectory = templates
      options.force = force
      let trusted = try trust.load()
      options.provenance = { report in await trusted.provenance(of: report) }
      let status = StatusLine(enabled: true)
      options.progress = { done, total in status.show("printing PDF \(done + 1 > total ? total : done + 1) of \(total)")
      }
      try await runExport {
        defer { status.clear() }
        let summary = try await PDFExport.export(bundle: bundle, to: output, options: options)
        status.clear()
        for warning in summary.warnings { printSafe(warning) }
        printSafe(
          "exported \(summary.messages) messages in \(summary.conversations) conversations to \(summary.files.count) PDF files in \(summary.directory)",
          "  times in \(summary.timeZone)"
            + (summary.datesNormalized ? "; PDF dates set to the bundle's creation time" : ""),
          "bundle id \(summary.bundleID) (verified)")
      }
    }
  }
}
