import ChatBundle
import ChatBundleTestSupport
import Foundation
import Testing

/// Long posting lists are stored in pieces (`search/p/`): a query loads the pieces its page
/// of hits is in, and the counts, pages, orders and conversation scope stay exact.
extension BrowserTests {
  /// 40,000 messages in three groups: "lunch" in every one (three pieces of its list),
  /// "soup" in every second, "late" in every thousandth, every third from `u_b`.
  static let longLists: (directory: TemporaryDirectory, site: String, messages: [Message])? = {
    guard chromium != nil,
      let (directory, site) = groupChatSite(
        "long-lists", count: 40_000, firstID: 100_000,
        { index in
          let text = "lunch number \(index)" + (index % 2 == 0 ? " soup" : "") + (index % 1000 == 0 ? " late" : "")
          return (text, index % 3 == 0 ? "u_b" : "u_a", index <= 15_000 ? "g1" : index <= 30_000 ? "g2" : "g3")
        })
    else { return nil }
    // The bundle's order is the order search numbers its documents in.
    let (collector, _) = BundleCollector.read(directory.file("p.tar.gz"))
    return (directory, site, collector.messages)
  }()

  /// The ids a page of results should show: the matching messages in the bundle's order
  /// (newest first: from its end), 20 from `page * 20`.
  func expectedPage(_ words: [String], page: Int, newest: Bool, in messages: [Message]) -> [String] {
    let matching = messages.filter { message in
      let tokens = Set((message.contentMembers.text ?? "").split(separator: " ").map(String.init))
      return words.allSatisfy(tokens.contains)
    }.map(\.id.text)
    let ordered = newest ? matching.reversed() : matching
    return Array(ordered.dropFirst(page * 20).prefix(20))
  }

  /// The posting-list pieces a page loaded, from the script elements search.js added.
  func piecesLoaded(_ dom: String) -> [String] {
    dom.components(separatedBy: "<script src=\"search/p/").dropFirst().map { String($0.prefix { $0 != "\"" }) }
  }

  @Test func aCommonWordLoadsOnlyThePiecesOfItsPageAndCountsExactly() throws {
    guard Self.chromium != nil, let (directory, site, messages) = Self.longLists else { return }
    let pieces = try FileManager.default.contentsOfDirectory(atPath: site + "/search/p")
    #expect(pieces.count >= 6, "lunch and number in three pieces each, soup in two: \(pieces.sorted())")
    for (page, newest) in [(0, false), (900, false), (1_999, false), (0, true), (1_234, true)] {
      let order = newest ? "&order=newest" : ""
      let opened = try open("file://\(site)/search.html?q=lunch&page=\(page)\(order)", in: directory)
      let dom = opened.dom
      #expect(
        resultLinks(dom).map(\.id) == expectedPage(["lunch"], page: page, newest: newest, in: messages),
        "page \(page) newest \(newest)")
      let status = plainText(paragraph("status", in: dom))
      #expect(status.hasPrefix("40000 messages match · results \(page * 20 + 1)–\(page * 20 + 20) · "), "\(status)")
      #expect(dom.contains("page=\(page + 1)") == (page < 1_999), "the last page has no next: \(status)")
      let loaded = piecesLoaded(dom)
      #expect(loaded.count >= 1 && loaded.count <= 2, "a page's hits are in one or two pieces: \(loaded)")
      #expect(!opened.log.contains("Uncaught"), "\(opened.log)")
    }
  }

  @Test func oneConversationIsCountedExactlyAcrossThePiecesItSpans() throws {
    guard Self.chromium != nil, let (directory, site, messages) = Self.longLists else { return }
    let middle = try #require(messages.dropFirst(20_000).first?.conversation)
    let conversation = Self.pagesDirectory(of: middle)
    let own = messages.filter { $0.conversation == middle }
    #expect(own.count == 15_000)
    for (page, newest) in [(0, false), (401, true), (749, false)] {
      let order = newest ? "&order=newest" : ""
      let dom = try open(
        "file://\(site)/search.html?q=lunch&c=\(conversation)&page=\(page)\(order)", in: directory
      ).dom
      #expect(resultLinks(dom).map(\.id) == expectedPage(["lunch"], page: page, newest: newest, in: own), "\(page)")
      let status = plainText(paragraph("status", in: dom))
      #expect(status.hasPrefix("15000 messages match · results \(page * 20 + 1)–\(page * 20 + 20)"), "\(status)")
      #expect(piecesLoaded(dom).count <= 4, "the two pieces at the ends and those of the page")
    }
  }

  @Test func twoWordsAndAMemberFilterWalkThePiecesInOrder() throws {
    guard Self.chromium != nil, let (directory, site, messages) = Self.longLists else { return }
    // Both common: the rarer word's pieces lead, the other's are loaded where its hits are.
    let both = try open("file://\(site)/search.html?q=soup%20lunch&page=500", in: directory).dom
    #expect(resultLinks(both).map(\.id) == expectedPage(["soup", "lunch"], page: 500, newest: false, in: messages))
    #expect(plainText(paragraph("status", in: both)).hasPrefix("20000 messages match · results 10001–10020"))
    let rare = try open("file://\(site)/search.html?q=late%20soup&order=newest&page=1", in: directory).dom
    #expect(resultLinks(rare).map(\.id) == expectedPage(["late", "soup"], page: 1, newest: true, in: messages))
    #expect(plainText(paragraph("status", in: rare)).hasPrefix("40 messages match · results 21–40"))
    // With a member filter the count is a lower bound until the hits are all checked.
    let member = try open("file://\(site)/search.html?q=lunch&member=u_b&page=3", in: directory).dom
    let fromB = messages.filter { $0.sender?.text == "u_b" }
    #expect(resultLinks(member).map(\.id) == expectedPage(["lunch"], page: 3, newest: false, in: fromB))
    let status = plainText(paragraph("status", in: member))
    #expect(status.hasPrefix("at least ") && status.contains("messages match · results 61–80"), "\(status)")
  }

  /// A query that would need more pieces than the site allows (`piecesPerQuery` in
  /// `meta.js`, 32 as rendered; 2 in a copy here) stops, says so, and counts "at least".
  @Test func aQueryPastItsPiecesStopsAndSaysSo() throws {
    guard Self.chromium != nil, let (directory, site, messages) = Self.longLists else { return }
    let copy = directory.file("site-few-pieces")
    if !FileManager.default.fileExists(atPath: copy) { try FileManager.default.copyItem(atPath: site, toPath: copy) }
    let meta = try String(contentsOfFile: copy + "/search/meta.js", encoding: .utf8)
    #expect(meta.contains("\"piecesPerQuery\":32"), "\(meta)")
    try meta.replacingOccurrences(of: "\"piecesPerQuery\":32", with: "\"piecesPerQuery\":2")
      .write(toFile: copy + "/search/meta.js", atomically: true, encoding: .utf8)
    // Page 1,000 of "soup lunch" is past the first piece of each word: the walk stops.
    let far = try open("file://\(copy)/search.html?q=soup%20lunch&page=1000", in: directory).dom
    let farStatus = plainText(paragraph("status", in: far))
    #expect(resultLinks(far).isEmpty, "\(farStatus)")
    #expect(farStatus.contains("add words to narrow the search") && !farStatus.contains("More results"), "\(farStatus)")
    // The first page fits in two pieces; its count is a lower bound, and it says so.
    let first = try open("file://\(copy)/search.html?q=soup%20lunch", in: directory).dom
    #expect(resultLinks(first).map(\.id) == expectedPage(["soup", "lunch"], page: 0, newest: false, in: messages))
    let status = plainText(paragraph("status", in: first))
    #expect(status.hasPrefix("at least ") && status.contains("messages match · results 1–20"), "\(status)")
    #expect(!status.hasPrefix("at least 20000"), "\(status)")
    #expect(piecesLoaded(first).count == 2)
    // One word is counted from the pieces' counts, whatever the limit.
    let one = try open("file://\(copy)/search.html?q=lunch&page=1500", in: directory).dom
    #expect(plainText(paragraph("status", in: one)).hasPrefix("40000 messages match · results 30001–30020"))
  }
}
