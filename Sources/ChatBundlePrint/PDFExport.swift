import ArchiveIO
import ChatBundle
import ChatBundleExport
import ChatBundleSite
import ChatBundleTemplates
import Foundation
import Mustache

public struct PDFExportOptions: Sendable {
  /// IANA zone for times; nil means the bundle's source time zone.
  public var timeZone: String?
  public var language: RenderOptions.Language = .zhCN
  /// The Chromium program (a path or a name on PATH); nil looks for one on PATH.
  public var chromium: String?
  /// A conversation estimated to print to more pages than this is split by month, and a
  /// month by parts of this many pages (estimated from the message count).
  public var pagesPerFile = 300
  /// A directory with `document.mustache`, `print.css` and `style.css` instead of the built-in ones.
  public var templatesDirectory: String?
  /// Replace a directory that holds an earlier PDF export (`.pdf` files only).
  public var force = false
  /// Seconds Chromium may take for one document.
  public var timeoutSeconds = 600
  /// Who signed and timestamped the bundle, for the title pages; by default the signatures'
  /// validity with trust not checked.
  public var provenance: (@Sendable (VerificationReport) async -> ProvenanceSummary)?
  /// Called before each document is printed: (documents done, documents in all).
  public var progress: (@Sendable (Int, Int) -> Void)?

  public init() {}

  /// The estimate behind `pagesPerFile`: messages of a chat fit about this many to an A4 page.
  public static let messagesPerPage: Int64 = 12
  /// The largest `pagesPerFile` accepted.
  public static let maximumPagesPerFile = 100_000
}

public struct PDFExportSummary: Sendable {
  public var directory: String
  public var bundleID: String
  public var timeZone: String
  public var conversations: Int
  /// The PDF files written, by name, in the order of the bundle's conversations.
  public var files: [String]
  public var messages: Int64
  /// Whether every file's dates were set to the bundle's creation time (byte-identical reruns).
  public var datesNormalized: Bool
  public var warnings: [String]
}

/// `chatbundle export pdf`: one PDF per conversation (per month, and per part of a month,
/// past a page budget), printed by headless Chromium from the site's own message rendering.
///
/// The bundle is read once, verifying as it goes. Each document's messages are rendered by
/// `MessageRenderer` (in its print mode) and written to a body file in the scratch
/// directory as they stream past; image bytes go from the bundle's media entries, which
/// come after the conversations, straight to files beside them. Only when the bundle is
/// valid is each document framed (title page, header and footer, which state the
/// verification) and printed, one at a time; the PDFs are built in a scratch directory
/// beside the destination and put in place with one rename. Memory holds one message and
/// one document's facts at a time, never a document's text.
public enum PDFExport {
  /// The names every `--templates` directory must provide.
  public static let templateNames = ["document", "print.css", "style.css"]

  @discardableResult
  public static func export(bundle: String, to destination: String, options: PDFExportOptions = PDFExportOptions())
    async throws -> PDFExportSummary
  {
    if let zone = options.timeZone, LocalClock(identifier: zone) == nil {
      throw ExportError.output("unknown time zone '\(zone)'")
    }
    guard (1...PDFExportOptions.maximumPagesPerFile).contains(options.pagesPerFile) else {
      throw ExportError.output("--pages-per-file must be between 1 and \(PDFExportOptions.maximumPagesPerFile)")
    }
    // Before any work: a missing printer is said at once.
    let chromium = try ChromiumPrinter.locate(options.chromium)
    let templates = try PrintTemplates(directory: options.templatesDirectory)
    let placement = try exportDirectoryPlacement(
      destination, label: "pdf", force: options.force, suffix: ".pdf",
      what: "a directory of an earlier PDF export (.pdf files only)")
    defer { placement.discard() }
    let built = placement.scratch + "/pdf"
    let work = placement.scratch + "/work"
    do {
      for directory in [built, work, work + "/media", placement.scratch + "/profile"] {
        try FileSystem.makeDirectory(directory)
      }
    } catch {
      throw ExportError.output("cannot create the scratch directory: \(error.message)")
    }
    let notices = (try? RecallScanner.scanNotices(path: bundle)) ?? ScannedNotices()
    let writer = TranscriptWriter(
      work: work, options: options, recalls: notices.recalls, revisions: notices.revisions)
    let (report, bundleID) = try verifiedExport(bundle, options: TranscriptWriter.readingOptions) {
      try writer.handle($0)
    }
    try writer.finishPass()
    let provenance: ProvenanceSummary
    if let check = options.provenance {
      provenance = await check(report)
    } else {
      provenance = ProvenanceSummary(signaturesOf: report, trusting: nil)
    }
    let framer = try DocumentFramer(
      templates: templates, writer: writer, bundleID: bundleID, report: report, provenance: provenance,
      language: options.language)
    try framer.writeStylesheets(into: work)
    let printer = ChromiumPrinter(
      executable: chromium, profile: placement.scratch + "/profile", timeoutSeconds: options.timeoutSeconds)
    var normalized = true
    let created = writer.manifest?.created ?? 0
    for (number, document) in writer.documents.enumerated() {
      options.progress?(number, writer.documents.count)
      let html = work + "/" + document.name + ".html"
      try framer.compose(document, body: work + "/" + document.name + ".body", into: html, work: work)
      let pdf = built + "/" + document.name + ".pdf"
      try printer.print(html: html, to: pdf, log: work + "/" + document.name + ".log")
      do {
        if try PDFDates.normalize(pdf, toSeconds: created) != 2 { normalized = false }
        try FileSystem.setPermissions(pdf, 0o644)
      } catch let error as SystemCallError {
        throw ExportError.output("cannot finish \(pdf): \(error.message)")
      }
      try? FileSystem.removeFile(html)
    }
    options.progress?(writer.documents.count, writer.documents.count)
    try placing { try placement.commit(built) }
    return PDFExportSummary(
      directory: placement.destination, bundleID: bundleID, timeZone: writer.clock?.identifier ?? "UTC",
      conversations: writer.conversations, files: writer.documents.map { $0.name + ".pdf" },
      messages: writer.messages, datesNormalized: normalized,
      warnings: report.issues.filter { $0.severity == .warning }.map(\.description))
  }
}

/// The document template and the two stylesheets, built in or from `--templates DIR`.
struct PrintTemplates {
  let library: MustacheLibrary
  let stylesheet: String
  let printStylesheet: String

  init(directory: String?) throws {
    var texts: [String: String] = [:]
    for name in PDFExport.templateNames {
      if let directory {
        let file = name.contains(".") ? name : name + ".mustache"
        guard let data = FileManager.default.contents(atPath: directory + "/" + file) else {
          throw ExportError.output("templates: \(directory)/\(file) is missing")
        }
        texts[name] = String(decoding: data, as: UTF8.self)
      } else {
        texts[name] = name == "style.css" ? SiteTemplates.all[name] : PDFTemplates.all[name]
      }
    }
    var library = MustacheLibrary()
    do {
      try library.register(texts["document"] ?? "", named: "document")
    } catch {
      throw ExportError.output("templates: document: \(error)")
    }
    self.library = library
    stylesheet = texts["style.css"] ?? ""
    printStylesheet = texts["print.css"] ?? ""
  }
}
