import ChatBundle
import ChatBundleTestSupport
import Foundation
import Testing

/// Search within one conversation (`c=`), newest first (`order=newest`), and the status line
/// that says how many messages match and which are shown.
extension BrowserTests {
  /// 150 lunch messages, 75 in each of two groups, every third from `u_b`: enough for several
  /// pages of results and more than one document shard.
  static let lunches: (TemporaryDirectory, String)? = {
    guard chromium != nil else { return nil }
    return groupChatSite("scope", count: 150, firstID: 1000) { index in
      ("lunch number \(index)", index % 3 == 0 ? "u_b" : "u_a", index <= 75 ? "g1" : "g2")
    }
  }()

  /// An Easemob export of `count` group messages a minute apart (text, sender and group of
  /// each from `message`), packed as `p.tar.gz` and rendered in English as `site`.
  static func groupChatSite(
    _ name: String, count: Int, firstID: Int, _ message: (Int) -> (text: String, sender: String, group: String)
  ) -> (TemporaryDirectory, String)? {
    guard let directory = try? TemporaryDirectory(name) else { return nil }
    var lines = ""
    for index in 1...count {
      let (text, sender, group) = message(index)
      lines +=
        "{\"msg_id\":\"\(firstID + index)\",\"timestamp\":\(1_741_568_400_000 + index * 60_000),\"chat_type\":\"groupchat\","
        + "\"payload\":{\"bodies\":[{\"type\":\"txt\",\"msg\":\"\(text)\"}],\"from\":\"\(sender)\","
        + "\"to\":\"\(group)\"}}\n"
    }
    guard (try? directory.write("export/h.jsonl", lines)) != nil,
      let pack = try? ChatBundleBinary.run([
        "pack", "--source", "easemob", directory.file("export"), "-o", directory.file("p.tar.gz"),
      ]),
      let render = try? ChatBundleBinary.run([
        "render", directory.file("p.tar.gz"), "-o", directory.file("site"), "--lang", "en",
      ]), pack.status == 0, render.status == 0
    else { return nil }
    return (directory, directory.file("site"))
  }

  /// The directory of a conversation's pages (`c/<hex>`), as the site names it.
  static func pagesDirectory(of conversation: Identifier) -> String {
    let path = BundleLayout.conversationPath(id: conversation)
    return "c/" + path.dropFirst(BundleLayout.conversationsDirectory.count).dropLast(".ndjson".count)
  }

  /// A search page's results in order: the page each links to, the message id and the
  /// link's text (conversation · sender · time).
  func resultLinks(_ dom: String) -> [(page: String, id: String, text: String)] {
    dom.components(separatedBy: "<li><a href=\"").dropFirst().map { part in
      let href = String(part.prefix { $0 != "\"" })
      let text = part.drop { $0 != ">" }.dropFirst().prefix { $0 != "<" }
      return (String(href.prefix { $0 != "?" }), href.components(separatedBy: "#m-").last ?? "", String(text))
    }
  }

  /// The markup inside the element with this id (a `<p>`), or "" when there is none.
  func paragraph(_ id: String, in dom: String) -> String {
    guard let start = dom.range(of: "<p id=\"\(id)\"") else { return "" }
    let rest = dom[start.upperBound...].drop { $0 != ">" }.dropFirst()
    return String(rest.prefix(while: { $0 != "\n" }).components(separatedBy: "</p>").first ?? "")
  }

  func plainText(_ markup: String) -> String {
    markup.replacingOccurrences(of: "<[^>]*>", with: "", options: .regularExpression)
  }

  func encoded(_ query: String) -> String {
    query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? query
  }

  @Test func searchWithinAConversationFindsOnlyItsMessagesAndCountsThem() throws {
    guard Self.chromium != nil, let (directory, site) = Self.site else { return }
    let word = "老师"
    let expected = try messages { $0.contains(word) }
    let (collector, _) = BundleCollector.read(directory.file("example.tar.gz"))
    var byConversation: [String: Set<String>] = [:]
    for message in collector.messages where expected.contains(message.id.text) {
      byConversation[Self.pagesDirectory(of: message.conversation), default: []].insert(message.id.text)
    }
    #expect(byConversation.count >= 2, "the word is in more than one conversation: \(byConversation)")
    var union: Set<String> = []
    for (conversation, ids) in byConversation.sorted(by: { $0.key < $1.key }) {
      let page = try open("file://\(site)/search.html?q=\(encoded(word))&c=\(conversation)", in: directory)
      let links = resultLinks(page.dom)
      #expect(Set(links.map(\.id)) == ids, "\(conversation): \(links.map(\.id)) against \(ids.sorted())")
      #expect(links.allSatisfy { $0.page.hasPrefix(conversation + "/") }, "\(links.map(\.page))")
      let status = plainText(paragraph("status", in: page.dom))
      let count = ids.count == 1 ? "1 message matches" : "\(ids.count) messages match"
      #expect(status == count + " · " + (ids.count == 1 ? "result 1" : "results 1–\(ids.count)"), "\(status)")
      // The page says which conversation it searches, with a link to search them all.
      let title = try #require(links.first?.text.components(separatedBy: " · ").first)
      let scope = paragraph("scope", in: page.dom)
      #expect(scope.hasPrefix("Searching one conversation: <strong>\(title)</strong>"), "\(scope)")
      #expect(scope.contains("<a href=\"search.html?q=\(encoded(word))\">search all conversations</a>"), "\(scope)")
      #expect(!page.log.contains("Uncaught"), "\(page.log)")
      union.formUnion(ids)
    }
    #expect(union == expected)
    let (found, everywhere) = try searchResults(word)
    #expect(found == expected)
    let status = plainText(paragraph("status", in: everywhere.dom))
    #expect(status.hasPrefix("\(expected.count) messages match · results 1–\(expected.count) · "), "\(status)")
    #expect(paragraph("scope", in: everywhere.dom).isEmpty, "no conversation named when searching all")
  }

  @Test func newestFirstIsTheReverseOfOldestFirst() throws {
    guard Self.chromium != nil, let (directory, site) = Self.site else { return }
    let word = encoded("老师")
    let oldest = try open("file://\(site)/search.html?q=\(word)", in: directory)
    let newest = try open("file://\(site)/search.html?q=\(word)&order=newest", in: directory)
    let forward = resultLinks(oldest.dom).map(\.id)
    #expect(forward.count >= 2)
    #expect(resultLinks(newest.dom).map(\.id) == forward.reversed())
    // Across conversations the order is by conversation, and the status says so.
    #expect(
      plainText(paragraph("status", in: oldest.dom)).hasSuffix("conversation by conversation, oldest first within each")
    )
    #expect(
      plainText(paragraph("status", in: newest.dom)).hasSuffix(
        "conversation by conversation from the last, newest first within each"))
    // Within one conversation it is time order, newest first.
    let conversation = try #require(resultLinks(oldest.dom).first?.page.components(separatedBy: "/").prefix(2))
      .joined(separator: "/")
    let within = try open("file://\(site)/search.html?q=\(word)&c=\(conversation)&order=newest", in: directory)
    let times = resultLinks(within.dom).map { $0.text.components(separatedBy: " · ").last ?? "" }
    #expect(times.count >= 2 && times == times.sorted().reversed(), "\(times)")
  }

  @Test func pagesOfResultsCountHonestlyAndKeepTheConversationAndTheOrder() throws {
    guard Self.chromium != nil, let (directory, site) = Self.lunches else { return }
    let conversations = try FileManager.default.contentsOfDirectory(atPath: site + "/c").sorted().map { "c/" + $0 }
    #expect(conversations.count == 2)
    // Every page of one conversation in both orders (the other's first page shows only its own).
    for conversation in conversations.prefix(1) {
      var forward: [String] = []
      var backward: [String] = []
      for page in 0..<4 {
        for newest in [false, true] {
          let order = newest ? "&order=newest" : ""
          let dom = try open(
            "file://\(site)/search.html?q=lunch&c=\(conversation)\(order)&page=\(page)", in: directory
          ).dom
          let links = resultLinks(dom)
          #expect(links.count == (page < 3 ? 20 : 15), "page \(page): \(links.map(\.id))")
          #expect(links.allSatisfy { $0.page.hasPrefix(conversation + "/") })
          let status = plainText(paragraph("status", in: dom))
          let last = page * 20 + links.count
          #expect(status.hasPrefix("75 messages match · results \(page * 20 + 1)–\(last)"), "\(status)")
          // The link to the next page keeps the conversation and the order.
          let more =
            "c=\(conversation.replacingOccurrences(of: "/", with: "%2F"))\(newest ? "&amp;order=newest" : "")&amp;page=\(page + 1)"
          #expect(dom.contains(more) == (page < 3), "\(paragraph("status", in: dom))")
          if newest { backward += links.map(\.id) } else { forward += links.map(\.id) }
        }
      }
      #expect(forward.count == 75 && Set(forward).count == 75)
      #expect(backward == forward.reversed())
    }
    let other = try open("file://\(site)/search.html?q=lunch&c=\(conversations[1])", in: directory).dom
    #expect(
      resultLinks(other).count == 20 && resultLinks(other).allSatisfy { $0.page.hasPrefix(conversations[1] + "/") })
    // With a member filter the hits past the shards loaded are not checked: the count is
    // a lower bound until the last page, which has checked them all.
    let first = try open("file://\(site)/search.html?q=lunch&member=u_b", in: directory).dom
    let firstStatus = plainText(paragraph("status", in: first))
    #expect(
      firstStatus.hasPrefix("at least ") && firstStatus.contains("messages match · results 1–20"), "\(firstStatus)")
    let last = try open("file://\(site)/search.html?q=lunch&member=u_b&page=2", in: directory).dom
    let lastStatus = plainText(paragraph("status", in: last))
    #expect(lastStatus.hasPrefix("50 messages match · results 41–50"), "\(lastStatus)")
    #expect(resultLinks(last).count == 10 && !last.contains("page=3"))
  }

  @Test func aConversationPageSearchesItsOwnConversation() throws {
    guard Self.chromium != nil, let (directory, site) = Self.site else { return }
    let conversations = try FileManager.default.contentsOfDirectory(atPath: site + "/c").sorted()
    #expect(conversations.count >= 2)
    for name in conversations {
      let conversation = "c/" + name
      let page = try #require(
        try FileManager.default.contentsOfDirectory(atPath: site + "/" + conversation).sorted().first {
          $0.range(of: #"^\d{4}-\d{2}(-\d+)?\.html$"#, options: .regularExpression) != nil
        })
      let dom = try open("file://\(site)/\(conversation)/\(page)", in: directory).dom
      #expect(
        dom.contains(
          "<form id=\"search-in\" class=\"search-in\" role=\"search\" data-conversation=\"\(conversation)\">"))
      #expect(dom.contains("<label for=\"search-in-q\">Find in this conversation</label> <input id=\"search-in-q\""))
      #expect(dom.contains("<a href=\"../../search.html?c=\(conversation)\">Search this conversation</a>"))
      // The plain link, without a query, opens a search page that names the conversation.
      let title = try #require(
        dom.components(separatedBy: "<h1>").dropFirst().first?.components(separatedBy: " <small>").first)
      let linked = try open("file://\(site)/search.html?c=\(conversation)", in: directory)
      #expect(paragraph("scope", in: linked.dom).hasPrefix("Searching one conversation: <strong>\(title)</strong>"))
    }
    // Sending the form (the script does, since the site allows no form submission) opens
    // the search within the conversation: a copy of a page that fills it in and sends it.
    guard let (lunchDirectory, lunchSite) = Self.lunches else { return }
    let conversation = try #require(
      try FileManager.default.contentsOfDirectory(atPath: lunchSite + "/c").sorted().first)
    let folder = lunchSite + "/c/" + conversation
    let page = try #require(
      try FileManager.default.contentsOfDirectory(atPath: folder).sorted().first { $0.hasPrefix("2025-03") })
    let html = try String(contentsOfFile: folder + "/" + page, encoding: .utf8)
    try html.replacingOccurrences(of: "</body>", with: "<script src=\"send.js\"></script></body>")
      .write(toFile: folder + "/send.html", atomically: true, encoding: .utf8)
    try """
    document.addEventListener('DOMContentLoaded', function () {
      setTimeout(function () {
        document.getElementById('search-in-q').value = 'lunch';
        document.getElementById('search-in').requestSubmit();
      }, 0);
    });
    """.write(toFile: folder + "/send.js", atomically: true, encoding: .utf8)
    defer {
      try? FileManager.default.removeItem(atPath: folder + "/send.html")
      try? FileManager.default.removeItem(atPath: folder + "/send.js")
    }
    let sent = try open("file://\(folder)/send.html", in: lunchDirectory)
    let links = resultLinks(sent.dom)
    #expect(links.count == 20 && links.allSatisfy { $0.page.hasPrefix("c/\(conversation)/") }, "\(links.map(\.page))")
    #expect(plainText(paragraph("status", in: sent.dom)).hasPrefix("75 messages match · results 1–20"))
    #expect(!sent.log.contains("Refused to") && !sent.log.contains("Uncaught"), "\(sent.log)")
  }

  @Test func hostileTextInASearchWithinAConversationExecutesNothing() throws {
    guard Self.chromium != nil else { return }
    let directory = try TemporaryDirectory("hostile-scope")
    let mark = "document.body.setAttribute('data-pwned','1')"
    let payloads = ["<img src=x onerror=\"\(mark)\">", "</script><script>\(mark)</script>", "<svg onload=\"\(mark)\">"]
    var lines = ""
    for (index, payload) in payloads.enumerated() {
      let text = String(decoding: JSONWriter.serialize(.string(payload + " lunch")), as: UTF8.self)
      lines +=
        "{\"msg_id\":\"\(index + 1)\",\"timestamp\":\(1_741_568_400_000 + index * 1000),\"chat_type\":\"groupchat\","
        + "\"payload\":{\"bodies\":[{\"type\":\"txt\",\"msg\":\(text)}],\"from\":\"u\(index)\",\"to\":\"g\"}}\n"
    }
    try directory.write("export/h.jsonl", lines)
    // The conversation's title and the senders' names are payloads too.
    try directory.write("people.csv", Self.hostilePeople(payloads))
    let pack = try ChatBundleBinary.run([
      "pack", "--source", "easemob", directory.file("export"), "--people", directory.file("people.csv"), "-o",
      directory.file("h.tar.gz"),
    ])
    #expect(pack.status == 0, "\(pack.standardError)")
    let render = try ChatBundleBinary.run([
      "render", directory.file("h.tar.gz"), "-o", directory.file("site"), "--lang", "en",
    ])
    #expect(render.status == 0, "\(render.standardError)")
    let site = directory.file("site")
    let conversation = try #require(try FileManager.default.contentsOfDirectory(atPath: site + "/c").first)
    let hostileScope = encoded("\"><img src=x onerror=\"\(mark)\">")
    for query in [
      "q=onerror&c=c/\(conversation)", "q=lunch&c=c/\(conversation)&order=newest", "c=c/\(conversation)",
      "q=script&c=\(hostileScope)", "q=lunch&c=c/\(conversation)&member=u0",
    ] {
      let page = try open("file://\(site)/search.html?\(query)", in: directory)
      #expect(!page.dom.isEmpty)
      #expect(!page.dom.contains("data-pwned=\"1\""), "a payload ran on search.html?\(query)")
      #expect(!page.log.contains("Uncaught"), "\(query): \(page.log)")
    }
    let scoped = try open("file://\(site)/search.html?q=lunch&c=c/\(conversation)", in: directory).dom
    #expect(paragraph("scope", in: scoped).hasPrefix("Searching one conversation: <strong>&lt;img src=x onerror="))
    #expect(resultLinks(scoped).count == payloads.count)
    // A `c` that is not a conversation's directory is ignored: nothing is loaded from it.
    let ignored = try open("file://\(site)/search.html?q=lunch&c=\(hostileScope)", in: directory)
    #expect(paragraph("scope", in: ignored.dom).isEmpty && resultLinks(ignored.dom).count == payloads.count)
  }
}
