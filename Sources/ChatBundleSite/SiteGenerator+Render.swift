import ArchiveIO
import ChatBundle
import ChatBundleTemplates
import Foundation
import Mustache

/// Why a site was not written.
public enum RenderError: Error, CustomStringConvertible {
  case invalidBundle(VerificationReport)
  case templates(String)
  case output(String)
  case unknownTimeZone(String)

  public var description: String {
    switch self {
    case .invalidBundle(let report):
      "the bundle is invalid (\(report.errorCount) errors); pass --force to render it anyway, marked as unverified"
    case .templates(let message): "templates: \(message)"
    case .output(let message): message
    case .unknownTimeZone(let zone):
      "the bundle's time zone \"\(zone)\" is not a zone this system knows; pass --tz with the zone to show times in (for example --tz Asia/Shanghai)"
    }
  }
}

extension SiteGenerator {
  /// The names every template directory must provide.
  public static let templateNames = [
    "layout", "index", "conversation", "search", "style.css", "search.js", "overview", "gallery",
  ]

  /// Names added after directories of templates were already in use: a directory without
  /// them takes the built-in ones, so that it keeps working.
  static let optionalTemplateNames: Set = ["overview", "gallery"]

  /// Verifies `bundle` and writes its site to `output`, which must not exist or be empty;
  /// the site appears there whole or not at all.
  public static func render(bundle: String, to output: String, options: RenderOptions) async throws -> RenderSummary {
    let (library, stylesheet, script) = try loadTemplates(options.templatesDirectory)
    let placement: OutputPlacement
    do {
      placement = try OutputPlacement(directory: output, label: "site", existing: .refuse(hint: nil))
    } catch let error as ChatBundleError {
      throw RenderError.output(error.description)
    }
    defer { placement.discard() }
    let scratch = placement.scratch
    let trimmed = placement.destination
    let building = try SiteGenerator(
      options: options, scratch: scratch, library: library, stylesheet: stylesheet, script: script)
    // An unreadable archive yields no notices here; the verifying pass reports why.
    let notices = (try? RecallScanner.scanNotices(path: bundle)) ?? ScannedNotices()
    building.recalls = notices.recalls
    building.revisions = notices.revisions
    let started = Date()
    let (report, returned) = RenderPipeline.run(bundle, into: building, threads: options.threads)
    let streamed = Date()
    guard let generator = returned else { throw RenderError.output("the rendering thread did not hand back the site") }
    // Whatever happens, the indexing thread ends before the scratch directory goes.
    defer { _ = try? generator.searchQueue.finish() }
    if let failure = generator.failure { throw failure }
    if let readError = report.readError { throw RenderError.output("cannot read \(bundle): \(readError)") }
    guard report.isValid || (options.force && report.manifest != nil) else { throw RenderError.invalidBundle(report) }
    generator.verificationValid = report.isValid
    if let provenance = options.provenance {
      generator.provenance = await provenance(report)
    } else {
      generator.provenance = ProvenanceSummary(signaturesOf: report, trusting: nil)
    }
    try generator.finish()
    if ProcessInfo.processInfo.environment["CHATBUNDLE_TIMING"] != nil {
      let stream = streamed.timeIntervalSince(started)
      let closing = Date().timeIntervalSince(streamed)
      try? OpenFile.standardError.writeAll("timing: stream \(stream) s, finish \(closing) s\n".utf8)
    }
    do {
      try placement.commit(scratch + "/site")
    } catch let error as ChatBundleError {
      throw RenderError.output(error.description)
    }
    return RenderSummary(
      output: trimmed, indexPage: trimmed + "/index.html",
      report: VerificationReportSummary(
        bundleID: report.bundleID, isValid: report.isValid, issues: report.issues.map(\.description)),
      conversations: generator.pagination.finished.count,
      pages: generator.pagination.finished.reduce(0) { $0 + $1.pages.count },
      messages: generator.messages, media: report.manifest?.files.filter { $0.role == .media }.count ?? 0,
      mediaLinked: generator.media.linked, perspectiveMessages: generator.perspectiveMessages)
  }

  /// The built-in templates, or those in `directory` (which must have every name).
  static func loadTemplates(_ directory: String?) throws -> (MustacheLibrary, String, String) {
    var library = MustacheLibrary()
    var stylesheet = ""
    var script = ""
    for name in templateNames {
      let text: String
      if let directory {
        let file = name.contains(".") ? name : name + ".mustache"
        if let data = FileManager.default.contents(atPath: directory + "/" + file) {
          text = String(decoding: data, as: UTF8.self)
        } else if optionalTemplateNames.contains(name), let builtIn = SiteTemplates.all[name] {
          text = builtIn
        } else {
          throw RenderError.templates("\(directory)/\(file) is missing")
        }
      } else {
        guard let builtIn = SiteTemplates.all[name] else { throw RenderError.templates("no built-in \(name)") }
        text = builtIn
      }
      if name.hasSuffix(".css") {
        stylesheet = text
        continue
      }
      if name.hasSuffix(".js") {
        script = text
        continue
      }
      do {
        try library.register(text, named: name)
      } catch {
        throw RenderError.templates("\(name): \(error)")
      }
    }
    return (library, stylesheet, script)
  }
}
