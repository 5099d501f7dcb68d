import ChatBundle
import ChatBundleTestSupport
import Foundation
import Testing

/// The overview and media pages of real sites: their numbers agree with the bundle's
/// messages counted here independently, every bar, calendar day and picture leads to a
/// file of the site and an element on it, and the example's pages match their golden files.
@Suite struct OverviewCLITests {
  /// Beside the site's other golden files.
  static let golden = repositoryRoot().appendingPathComponent("Tests/ChatBundleSiteTests/Golden")

  /// A generated Easemob history of `messages` over `days` days, packed and rendered with
  /// small pages, so that days and months spread over several pages.
  func generatedSite(messages: Int, days: Int) throws -> (TemporaryDirectory, String, String) {
    let directory = try TemporaryDirectory("overview")
    let generator = repositoryRoot().appendingPathComponent("scripts/gen-easemob-corpus.py").path
    let made = try runProcess(
      URL(fileURLWithPath: "/usr/bin/env"),
      [
        "python3", generator, "--messages", String(messages), "--conversations", "4", "--days", String(days),
        "--media-share", "0.08", "--seed", "7", "--out", directory.file("corpus"),
      ])
    try #require(made.status == 0, "gen-easemob-corpus.py: \(made.standardError)")
    let bundle = directory.file("bundle.tar.gz")
    let pack = try ChatBundleBinary.run([
      "pack", "--quiet", "--source", "easemob", directory.file("corpus/export"), "--media",
      directory.file("corpus/media"), "-o", bundle,
    ])
    try #require(pack.status == 0, "\(pack.standardError)")
    let render = try ChatBundleBinary.run(["render", bundle, "-o", directory.file("site"), "--page-size", "150"])
    try #require(render.status == 0, "\(render.standardError)")
    return (directory, bundle, directory.file("site"))
  }

  /// `attribute="value"` values of every element that has the attribute.
  func values(of attribute: String, in html: String) -> [String] {
    html.components(separatedBy: " \(attribute)=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
  }

  func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

  /// Every relative link of `page` leads to a file, and its fragment to an id on it.
  func expectLinksResolve(_ page: String, in site: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let html = try read(page)
    let base = (page as NSString).deletingLastPathComponent
    for raw in values(of: "href", in: html) where !raw.hasPrefix("http") {
      let href = raw.replacingOccurrences(of: "&amp;", with: "&")
      let parts = href.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
      let file = parts[0].split(separator: "?").first.map(String.init) ?? ""
      let target = file.isEmpty ? page : ((base + "/" + file) as NSString).standardizingPath
      #expect(
        FileManager.default.fileExists(atPath: target), "\(page): \(href) leads nowhere",
        sourceLocation: sourceLocation)
      if parts.count == 2, !parts[1].isEmpty, target.hasSuffix(".html") {
        let id = parts[1].removingPercentEncoding ?? parts[1]
        #expect(
          (try? read(target))?.contains("id=\"\(id)\"") == true, "\(page): \(href) names no element",
          sourceLocation: sourceLocation)
      }
    }
  }

  @Test func theOverviewCountsWhatTheBundleHoldsAndEveryLinkLands() throws {
    let (directory, bundle, site) = try generatedSite(messages: 2400, days: 200)
    _ = directory
    let (collector, report) = BundleCollector.read(bundle)
    try #require(report.isValid)
    let clock = try #require(LocalClock(identifier: report.manifest?.source.timeZone ?? ""))
    let conversations = try FileManager.default.contentsOfDirectory(atPath: site + "/c").sorted()
    #expect(conversations.count == 4)
    var seenMessages = 0
    for name in conversations {
      let folder = site + "/c/" + name
      let overview = try read(folder + "/overview.html")
      // The conversation's own messages, found by the pages that show them.
      let pageFiles = try FileManager.default.contentsOfDirectory(atPath: folder).filter {
        $0.hasPrefix("20") && $0.hasSuffix(".html")
      }
      var ids: Set<String> = []
      for file in pageFiles {
        for id in values(of: "id", in: try read(folder + "/" + file)) where id.hasPrefix("m-") {
          ids.insert(String(id.dropFirst(2)))
        }
      }
      let own = collector.messages.filter { ids.contains($0.id.text) }
      #expect(!own.isEmpty)
      seenMessages += own.count
      // Per day: the calendar's labels say `date: N messages`.
      var expected: [String: Int] = [:]
      for message in own { expected[clock.date(message.timestamp), default: 0] += 1 }
      var shown: [String: Int] = [:]
      for label in values(of: "aria-label", in: overview) {
        let parts = label.split(separator: " ")
        if parts.count >= 2, parts[0].hasSuffix(":"), parts[0].count == 11, let count = Int(parts[1]) {
          shown[String(parts[0].dropLast())] = count
        }
      }
      // Calendar cells and bars (by week here, so bars carry week labels): the days come
      // from the calendar, whose labels are days.
      let calendarDays = shown.filter { expected[$0.key] != nil }
      #expect(calendarDays == expected, "\(name): the calendar's days and counts")
      // The data table's rows add up to the conversation.
      let table = overview.components(separatedBy: "<td class=\"number\">").dropFirst().compactMap {
        Int($0.prefix { $0.isNumber })
      }
      #expect(table.count > 0)
      #expect(overview.contains("Messages per week") || overview.contains("每周消息数"), "200 days are shown by week")
      // Members ranked: the first row is the sender with the most messages.
      let bySender = Dictionary(grouping: own.compactMap(\.sender), by: { $0 }).mapValues(\.count)
      let top = try #require(bySender.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key })
      #expect(overview.contains("<td>\(top.key.text)</td><td class=\"number\">\(top.value)</td>"))
      try expectLinksResolve(folder + "/overview.html", in: site)
      // The media pages list each stored file the messages reference, once per reference.
      let galleries = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix("gallery") }
      var listed = 0
      for gallery in galleries {
        let html = try read(folder + "/" + gallery)
        listed += html.components(separatedBy: "<li><a href=").count - 1
        listed += html.components(separatedBy: "<tr><td><a download=").count - 1
        try expectLinksResolve(folder + "/" + gallery, in: site)
      }
      let references = own.reduce(0) { sum, message in
        sum + message.mediaReferences.filter { $0.path.slot == .media && $0.reference.sha256 != nil }.count
      }
      #expect(listed == references, "\(name): media listed")
      #expect(galleries.count == max(1, (references + 199) / 200), "\(name): 200 files to a media page")
    }
    #expect(seenMessages == collector.messages.count)
    try expectLinksResolve(site + "/overview.html", in: site)
    let bundleOverview = try read(site + "/overview.html")
    #expect(
      bundleOverview.contains(">\(collector.messages.count) ")
        || bundleOverview.contains(": \(collector.messages.count) "))
  }

  /// In Chromium, by the mouse: the first, a middle and the last bar of a conversation's
  /// chart, and the last day of its calendar, land on the heading of their day.
  @Test func aClickOnABarOrACalendarDayLandsOnThatDay() throws {
    let browser = AccessibilityTests()
    guard browser.browserChecksRun() else { return }
    let (directory, _, site) = try generatedSite(messages: 1200, days: 200)
    _ = directory
    let folder = try #require(try FileManager.default.contentsOfDirectory(atPath: site + "/c").sorted().first)
    let overview = "file://" + site + "/c/" + folder + "/overview.html"
    let bars = try read(site + "/c/" + folder + "/overview.html").components(separatedBy: "<a href=\"").count
    for bar in [0, 12, 1000] {
      let check = try browser.run("chart-click.py", ["--bar", String(bar), overview])
      #expect(check.status == 0, "bar \(bar) of \(bars) links: \(check.description)")
      #expect(check.reports.first?["steps"] as? [[String: Any]] != nil, "\(check.description)")
    }
  }

  /// On paper the charts' data tables are printed too: the script opens them before print.
  @Test func aPrintedOverviewCarriesItsDataTables() throws {
    guard AccessibilityTests().browserChecksRun() else { return }
    let directory = try TemporaryDirectory("overview-print")
    try #require(try ChatBundleBinary.packEasemobExample(to: directory.file("example.tar.gz")).status == 0)
    let render = try ChatBundleBinary.run([
      "render", directory.file("example.tar.gz"), "-o", directory.file("site"), "--lang", "en",
    ])
    try #require(render.status == 0, "\(render.standardError)")
    let folder = try #require(
      try FileManager.default.contentsOfDirectory(atPath: directory.file("site/c")).sorted().first)
    let pdf = directory.file("overview.pdf")
    _ = try runProcess(
      URL(fileURLWithPath: "/usr/bin/env"),
      [
        "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
        "--user-data-dir=\(directory.file("profile"))", "--print-to-pdf=\(pdf)",
        "file://\(directory.file("site/c/" + folder + "/overview.html"))",
      ])
    let text = try runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["pdftotext", "-layout", pdf, "-"])
    try #require(text.status == 0, "pdftotext: \(text.standardError)")
    #expect(text.standardOutput.contains("Messages by weekday and hour"))
    // The rows of the two tables behind "Data table": periods, and weekdays by hour.
    #expect(text.standardOutput.contains("Period"), "the activity table is printed")
    #expect(
      text.standardOutput.split(separator: "\n").contains { $0.hasPrefix("Weekday") && $0.contains(" 23") },
      "the weekday × hour table is printed")
  }

  /// The first of each, a page of each kind: the golden files pin their `main`.
  @Test func theExampleOverviewAndMediaPagesMatchTheirGoldenFiles() throws {
    let directory = try TemporaryDirectory("overview-golden")
    try #require(try ChatBundleBinary.packEasemobExample(to: directory.file("example.tar.gz")).status == 0)
    let render = try ChatBundleBinary.run([
      "render", directory.file("example.tar.gz"), "-o", directory.file("site"), "--lang", "en",
    ])
    try #require(render.status == 0, "\(render.standardError)")
    let site = directory.file("site")
    // The group chat: the conversation with the most messages.
    let folders = try FileManager.default.contentsOfDirectory(atPath: site + "/c").sorted()
    let group = try #require(
      folders.max {
        (try? read(site + "/c/" + $0 + "/gallery.html").count) ?? 0
          < (try? read(site + "/c/" + $1 + "/gallery.html").count) ?? 0
      })
    for (name, path) in [
      ("overview-bundle", site + "/overview.html"), ("overview-group", site + "/c/" + group + "/overview.html"),
      ("gallery-group", site + "/c/" + group + "/gallery.html"),
    ] {
      let html = try read(path)
      let main = try #require(
        html.range(of: "<main").flatMap { start in
          html.range(of: "</main>").map { String(html[start.lowerBound..<$0.upperBound]) }
        })
      let file = Self.golden.appendingPathComponent(name + ".html")
      if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1" {
        try Data(main.utf8).write(to: file)
        Issue.record("recorded \(file.lastPathComponent); unset RECORD_GOLDEN and run again")
        continue
      }
      #expect(main == (try String(contentsOf: file, encoding: .utf8)), "\(name) differs from Golden/\(name).html")
      try expectLinksResolve(path, in: site)
    }
  }
}
