import ChatBundle
import ChatBundleSite
import ChatBundleTestSupport
import Foundation
import Testing

@Suite struct SiteGeneratorTests {
  func renderSample(
    pageSize: Int = 1000, language: RenderOptions.Language = .en, force: Bool = false, bundle: String? = nil,
    withRedactionMarker: Bool = false, perspective: String? = nil
  )
    async throws -> (TemporaryDirectory, RenderSummary)
  {
    let directory = try TemporaryDirectory()
    let path = bundle ?? directory.file("sample.tar.gz")
    if bundle == nil { try SampleBundle.pack(to: path, withRedactionMarker: withRedactionMarker) }
    var options = RenderOptions()
    options.pageSize = pageSize
    options.language = language
    options.force = force
    options.perspective = perspective
    options.timeZone = "Asia/Shanghai"
    let summary = try await SiteGenerator.render(bundle: path, to: directory.file("site"), options: options)
    return (directory, summary)
  }

  func pages(_ directory: TemporaryDirectory) throws -> [String: String] {
    let root = directory.file("site")
    var result: [String: String] = [:]
    for case let relative as String in FileManager.default.enumerator(atPath: root)?.allObjects ?? []
    where relative.hasSuffix(".html") {
      result[relative] = try String(contentsOfFile: root + "/" + relative, encoding: .utf8)
    }
    return result
  }

  @Test func theIndexIsSplitIntoPagesOfRows() async throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("sample.tar.gz")
    try SampleBundle.pack(to: path)
    var options = RenderOptions()
    options.language = .en
    let whole = try await SiteGenerator.render(bundle: path, to: directory.file("whole"), options: options)
    let wholeIndex = try String(contentsOfFile: directory.file("whole") + "/index.html", encoding: .utf8)
    let missingRows = wholeIndex.components(separatedBy: "<li><code>").count - 1
    #expect(whole.conversations > 2 && missingRows > 0, "the sample must need more than one index page")
    options.indexRowsPerPage = 2
    let summary = try await SiteGenerator.render(bundle: path, to: directory.file("site"), options: options)
    let all = try pages(directory)
    let expectedPages = (max(summary.conversations, missingRows) + 1) / 2
    var linked: [String] = []
    var missingSeen = 0
    for page in 0..<expectedPages {
      let name = page == 0 ? "index.html" : "index-\(page + 1).html"
      let html = try #require(all[name], "\(name) is missing")
      let rows = html.components(separatedBy: "<tr><td><a href=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
      let missing = html.components(separatedBy: "<li><code>").count - 1
      #expect(rows.count <= 2 && missing <= 2, "\(name)")
      linked += rows
      missingSeen += missing
      #expect(html.contains("\(page + 1) / \(expectedPages)"))
      #expect(html.contains("rel=\"next\" href=\"index-\(page + 2).html\"") == (page + 1 < expectedPages))
      #expect(html.contains("rel=\"prev\"") == (page > 0))
    }
    #expect(all["index-\(expectedPages + 1).html"] == nil)
    #expect(linked.count == summary.conversations && Set(linked).count == summary.conversations)
    #expect(missingSeen == missingRows, "each missing file is listed once")
  }

  @Test func hostileTextIsEscapedEverywhere() async throws {
    let (directory, _) = try await renderSample()
    let all = try pages(directory).values.joined()
    #expect(all.contains("&lt;script&gt;window.pwned=1&lt;/script&gt;"))
    #expect(!all.contains("<script>window.pwned"))
    #expect(all.contains("&lt;b&gt;Carol&lt;/b&gt;"), "a hostile display name stays text")
    #expect(!all.contains("<@"), "every placeholder was resolved")
    #expect(!all.contains("http-equiv=\"refresh\""))
  }

  @Test func everyKindLeavesItsMark() async throws {
    let (directory, summary) = try await renderSample(withRedactionMarker: true)
    let all = try pages(directory).values.joined()
    #expect(summary.messages == Int64(SampleBundle.messages(withRedactionMarker: true).count))
    for kind in MessageKind.allCases { #expect(all.contains("kind-\(kind.rawValue)"), "\(kind)") }
    #expect(all.contains("<img loading=\"lazy\""))
    #expect(all.contains("<audio controls preload=\"none\""))
    #expect(all.contains("<video controls preload=\"none\"") && all.contains("poster=\""))
    #expect(all.contains("<details class=\"command\">"))
    #expect(all.contains("<dt>name</dt><dd>flower</dd>"))
    #expect(all.contains("116.36302"))
    #expect(all.contains("not in the bundle") && all.contains("not_found"), "missing media is shown with its reason")
    #expect(all.contains("rel=\"noopener noreferrer nofollow\" href=\"https://example.com/a?b=1&amp;c=2\""))
  }

  @Test func runsOfOneSenderShareAnAvatarAndThePerspectiveStandsRight() async throws {
    let (directory, summary) = try await renderSample()
    let all = try pages(directory).values.joined()
    // m-video and m-location are alice's, two minutes apart, in the direct chat: one run.
    #expect(all.contains("<article class=\"msg kind-location cont\" id=\"m-m-location\">"))
    #expect(all.contains("<span class=\"sender repeated\">"))
    #expect(all.contains("<span class=\"avatar a") && !all.contains(" mine\""))
    #expect(summary.perspectiveMessages == 0)
    // A bundle packed from a source has no lineage, and no page says it has one.
    #expect(!all.contains("class=\"lineage\""))
    #expect(!all.contains("<small></small>"), "a group without a member list has no empty line for it")
    let (mine, perspective) = try await renderSample(perspective: "alice")
    let right = try pages(mine).values.joined()
    #expect(right.contains("<article class=\"msg kind-location cont mine\" id=\"m-m-location\">"))
    #expect(right.contains("<article class=\"msg kind-audio\" id=\"m-m-audio\">"), "bob's stay on the left")
    #expect(
      perspective.perspectiveMessages
        == Int64(SampleBundle.messages().filter { $0.0.sender == "alice" && !$0.0.body.isSystemEvent }.count))
    // One page a message: no run crosses a page.
    let (single, _) = try await renderSample(pageSize: 1)
    #expect(!(try pages(single).values.joined().contains(" cont\"")))
  }

  @Test func repliesLinkAcrossPages() async throws {
    let (directory, summary) = try await renderSample(pageSize: 1)
    #expect(summary.pages == summary.messages.asInt, "one message per page")
    let all = try pages(directory)
    let replyPage = try #require(all.first { $0.value.contains("id=\"m-966475220900644861\"") })
    #expect(
      replyPage.value.contains("href=\"2025-03-2.html#m-966475220900644860\"")
        || replyPage.value.contains("href=\"2025-03.html#m-966475220900644860\""))
    let targetName = try #require(all.first { $0.value.contains("id=\"m-966475220900644860\"") }?.key)
    #expect(replyPage.value.contains((targetName as NSString).lastPathComponent + "#m-966475220900644860"))
    #expect(replyPage.value.contains("rel=\"prev\"") || replyPage.value.contains("rel=\"next\""))
  }

  @Test func renderingIsDeterministic() async throws {
    let directory = try TemporaryDirectory()
    try SampleBundle.pack(to: directory.file("s.tar.gz"))
    let first = try await renderSample(bundle: directory.file("s.tar.gz"))
    let second = try await renderSample(bundle: directory.file("s.tar.gz"))
    #expect(try pages(first.0) == pages(second.0))
  }

  @Test func everyPageStatesCountsScopeZoneAndOnlyOnRequestWhenItWasVerified() async throws {
    let (plain, _) = try await renderSample()
    let page = try #require(try pages(plain).first { $0.key.hasPrefix("c/") }?.value)
    #expect(page.contains("<p class=\"counts\">"), "counts")
    #expect(page.contains("Scope of the export: everything in the exported files"))
    #expect(page.contains("Asia/Shanghai (UTC+08:00)"), "the zone and its offset")
    #expect(page.contains("<div class=\"print-header\""), "the header printed on every sheet")
    #expect(!page.contains("Verified · chatbundle \(ChatBundleVersion.current) · on"), "no clock time by default")
    let directory = try TemporaryDirectory()
    try SampleBundle.pack(to: directory.file("s.tar.gz"))
    var options = RenderOptions()
    options.language = .en
    options.verificationTime = 1_767_225_600_000  // 2026-01-01T00:00:00Z
    _ = try await SiteGenerator.render(bundle: directory.file("s.tar.gz"), to: directory.file("site"), options: options)
    let stamped = try String(contentsOfFile: directory.file("site/index.html"), encoding: .utf8)
    #expect(stamped.contains("Verified · chatbundle \(ChatBundleVersion.current) · on 2026-01-01 08:00:00 +08:00"))
  }

  @Test func anInvalidBundleIsRefusedUnlessForced() async throws {
    let directory = try TemporaryDirectory()
    var bundle = try FixtureBundle.sample()
    let media = bundle.mediaPaths[0]
    var bytes = bundle.bytes(of: media) ?? []
    bytes[0] ^= 1
    bundle.replace(media, with: bytes)
    let path = try directory.write("bad.tar.gz", bundle.gzipped())
    await #expect(throws: RenderError.self) { try await renderSample(bundle: path) }
    let (site, summary) = try await renderSample(force: true, bundle: path)
    #expect(!summary.report.isValid)
    for page in try pages(site).values { #expect(page.contains("class=\"unverified\"")) }
  }
}

extension Int64 {
  fileprivate var asInt: Int { Int(self) }
}
