import ChatBundleTestSupport
import Foundation
import Testing

/// Reply links followed in the browser, the date filter in the site's zone, and printing.
extension BrowserTests {
  /// The example rendered with two messages per page, so replies cross pages.
  static let smallPages: (TemporaryDirectory, String)? = {
    guard let (directory, _) = site else { return nil }
    let render = try? ChatBundleBinary.run([
      "render", directory.file("example.tar.gz"), "-o", directory.file("small"), "--lang", "en", "--page-size", "2",
    ])
    return render?.status == 0 ? (directory, directory.file("small")) : nil
  }()

  @Test func aReplyLinkLandsOnThePageAndAnchorOfTheQuotedMessage() throws {
    guard Self.chromium != nil, let (directory, site) = Self.smallPages else { return }
    let quoted = "174157199981268797"
    let pages = (FileManager.default.enumerator(atPath: site)?.allObjects as? [String] ?? []).filter {
      $0.hasPrefix("c/") && $0.hasSuffix(".html")
    }
    var followed = 0
    for relative in pages.sorted() {
      let page = try open("file://\(site)/\(relative)", in: directory)
      // The reply's link, as the browser parsed it from the page.
      guard let range = page.dom.range(of: "<blockquote class=\"reply\"><a href=\""),
        let end = page.dom[range.upperBound...].firstIndex(of: "\""),
        page.dom[range.upperBound..<end].hasSuffix("#m-\(quoted)")
      else { continue }
      let href = String(page.dom[range.upperBound..<end])
      let base = URL(fileURLWithPath: site + "/" + relative)
      let target = try #require(URL(string: href, relativeTo: base)?.absoluteURL)
      #expect(target.path != base.path, "with two messages a page, the quoted message is on another page")
      let landed = try open(target.absoluteString, in: directory)
      #expect(landed.dom.contains("id=\"m-\(quoted)\""), "\(target) holds the quoted message")
      #expect(landed.dom.contains("老师，春游需要穿校服吗？"))
      followed += 1
      break
    }
    #expect(followed >= 1, "the example has a reply to \(quoted)")
  }

  @Test func theDateFilterUsesTheSitesZoneNotTheBrowsers() throws {
    guard Self.chromium != nil, let (directory, site) = Self.site else { return }
    // The example's lunch messages were sent on 2025-03-10 in Beijing, which is still
    // 2025-03-09 in Los Angeles, where this browser thinks it is.
    let url = "file://\(site)/search.html?q=lunch&from=2025-03-10&to=2025-03-10"
    let page = try open(url, in: directory, environment: ["TZ": "America/Los_Angeles"])
    let found = Set(page.dom.components(separatedBy: "#m-").dropFirst().map { String($0.prefix { $0.isNumber }) })
    let expected = try messages { $0.lowercased().contains("lunch") }
    #expect(!expected.isEmpty && found == expected, "found \(found.sorted()), expected \(expected.sorted())")
    let before = try open(
      "file://\(site)/search.html?q=lunch&to=2025-03-09", in: directory, environment: ["TZ": "Asia/Tokyo"])
    #expect(!before.dom.contains("#m-"), "nothing was sent before 2025-03-10 in the site's zone")
  }

  @Test func printingRepeatsTheHeaderOnEverySheetWithoutNavigation() throws {
    guard let chromium = Self.chromium, let (directory, site) = Self.site else { return }
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/pdftotext") else {
      print("skipped: pdftotext is not installed (make test installs poppler-utils)")
      return
    }
    let page = try #require(
      (FileManager.default.enumerator(atPath: site)?.allObjects as? [String] ?? []).sorted().first {
        // A month's page (`2025-03.html`), not the overview or the media page.
        $0.hasPrefix("c/") && $0.hasSuffix(".html") && ($0 as NSString).lastPathComponent.first?.isNumber == true
      })
    let pdf = directory.file("print-\(UUID().uuidString).pdf")
    _ = try runProcess(
      URL(fileURLWithPath: chromium),
      [
        "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-pdf-header-footer",
        "--user-data-dir=\(directory.file("profile-print"))", "--print-to-pdf=\(pdf)", "file://\(site)/\(page)",
      ])
    let text = try runProcess(URL(fileURLWithPath: "/usr/bin/pdftotext"), ["-layout", pdf, "-"]).standardOutput
    let sheets = text.components(separatedBy: "\u{0C}").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    let html = try String(contentsOfFile: site + "/" + page, encoding: .utf8)
    let bundleID = try #require(html.components(separatedBy: "<code>").dropFirst().first?.prefix(64))
    #expect(sheets.count >= 2, "the example's busiest month spans several sheets")
    for (number, sheet) in sheets.enumerated() {
      // pdftotext may break the 64-character id; its first 16 characters stay together.
      #expect(sheet.contains(bundleID.prefix(16)), "sheet \(number + 1) has the bundle id")
      #expect(sheet.contains("2025-03-10"), "sheet \(number + 1) states the period")
      #expect(!sheet.contains("Next →") && !sheet.contains("Previous"), "no navigation on sheet \(number + 1)")
    }
  }

  @Test func searchResultsComeTwentyToAPageWithALinkToTheNext() throws {
    guard Self.chromium != nil else { return }
    let directory = try TemporaryDirectory("paging")
    var lines = ""
    for index in 1...45 {
      let sender = index % 3 == 0 ? "u_b" : "u_a"
      lines +=
        "{\"msg_id\":\"\(1000 + index)\",\"timestamp\":\(1_741_568_400_000 + index * 60_000),\"chat_type\":\"groupchat\","
        + "\"payload\":{\"bodies\":[{\"type\":\"txt\",\"msg\":\"lunch number \(index)\"}],\"from\":\"\(sender)\",\"to\":\"g\"}}\n"
    }
    try directory.write("export/h.jsonl", lines)
    #expect(
      try ChatBundleBinary.run([
        "pack", "--source", "easemob", directory.file("export"), "-o", directory.file("p.tar.gz"),
      ]).status == 0)
    #expect(try ChatBundleBinary.run(["render", directory.file("p.tar.gz"), "-o", directory.file("site")]).status == 0)
    func ids(_ dom: String) -> [String] {
      dom.components(separatedBy: "#m-").dropFirst().map { String($0.prefix { $0.isNumber }) }
    }
    var seen: [String] = []
    for page in 0..<3 {
      let dom = try open("file://\(directory.file("site"))/search.html?q=lunch&page=\(page)", in: directory).dom
      let found = ids(dom)
      #expect(found.count == (page < 2 ? 20 : 5), "page \(page): \(found)")
      #expect(dom.contains("page=\(page + 1)") == (page < 2), "a link to the next page only while there is one")
      seen += found
    }
    #expect(Set(seen).count == 45 && seen.count == 45, "every message once across the pages")
    // With a member filter, paging counts the matching messages only.
    let filtered = try open(
      "file://\(directory.file("site"))/search.html?q=lunch&member=u_b&page=0", in: directory
    ).dom
    #expect(ids(filtered).count == 15 && !filtered.contains("page=1"), "\(ids(filtered))")
  }
}
