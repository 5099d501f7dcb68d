import ChatBundle
import ChatBundleTestSupport
import Foundation
import Testing

@testable import ChatBundleSite

/// Format 1.3's annotations as a reader of the transcript sees them.
@Suite struct AnnotationRenderingTests {
  func render() async throws -> String {
    let directory = try TemporaryDirectory()
    try AnnotatedBundle.pack(to: directory.file("a.tar.gz"))
    var options = RenderOptions()
    options.language = .en
    _ = try await SiteGenerator.render(bundle: directory.file("a.tar.gz"), to: directory.file("site"), options: options)
    var pages = ""
    for case let relative as String in FileManager.default.enumerator(atPath: directory.file("site"))?.allObjects ?? []
    where relative.hasPrefix("c/") && relative.hasSuffix(".html") {
      pages += try String(contentsOfFile: directory.file("site") + "/" + relative, encoding: .utf8)
    }
    return pages
  }

  @Test func theBundleRoundTripsEveryAnnotation() throws {
    let directory = try TemporaryDirectory()
    try AnnotatedBundle.pack(to: directory.file("a.tar.gz"))
    let (collector, report) = BundleCollector.read(directory.file("a.tar.gz"))
    #expect(report.isValid, "\(report.issues)")
    #expect(report.manifest?.formatVersion == FormatVersion.withAnnotations)
    #expect(report.manifest?.requiredFeatures == [Manifest.messageRevisionsFeature])
    let expected = Dictionary(uniqueKeysWithValues: AnnotatedBundle.messages().map { ($0.id, $0.annotations) })
    for message in collector.messages { #expect(message.annotations == expected[message.id] ?? nil) }
    #expect(collector.messages.count == expected.count)
  }

  @Test func editsReactionsThreadsPinsBotsAndForwardsAreShown() async throws {
    let pages = try await render()
    #expect(pages.contains("<p class=\"edited\">edited 2025-03-10 09:01:30</p>"))
    #expect(pages.contains("<summary>earlier versions (1)</summary>"))
    #expect(pages.contains("Field trip on Thursday?"))
    #expect(
      pages.contains("<li title=\"Bob, Carol\"><span class=\"emoji\">👍</span> <span class=\"count\">3</span></li>"))
    #expect(pages.contains("<span class=\"emoji\">partyparrot</span>"))
    #expect(pages.contains("#m-root\">Reply in the thread of a message</a></p>"))
    #expect(pages.contains("Reply in the thread of a message</a> · also sent to the conversation</p>"))
    #expect(pages.contains("<span class=\"sender\">Homework Bot</span> <span class=\"bot\">bot</span>"))
    #expect(pages.contains("Forwarded from School office · 2025-03-10 08:00:00"))
    #expect(pages.contains("<span class=\"notice\">alice pinned a message</span> <a href=\""))
    #expect(pages.contains("#m-root\">the pinned message</a>"))
    #expect(pages.contains("<span class=\"pinned\">pinned</span>"))
    #expect(pages.contains("#m-broadcast\">New version of a message</a></p>"))
    // The original, met before its revision, already says that it was edited.
    #expect(pages.contains("<p class=\"edited\">edited 2025-03-10 09:06:00 · <a href=\""))
    #expect(pages.contains("#m-rev\">the new version</a></p>"))
  }

  @Test func searchFindsTheCurrentTextAndWordsEditedAway() throws {
    let root = try #require(AnnotatedBundle.messages().first { $0.id == "root" })
    let searchable = SearchIndexWriter.searchableText(root)
    #expect(searchable.contains("Friday") && searchable.contains("Thursday"))
    let reply = try #require(AnnotatedBundle.messages().first { $0.id == "reply" })
    #expect(SearchIndexWriter.searchableText(reply) == "Friday works")
  }
}
