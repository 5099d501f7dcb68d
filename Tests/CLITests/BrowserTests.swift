import ChatBundle
import ChatBundleTestSupport
import Foundation
import Testing

/// The rendered site in headless Chromium, opened from file:// with every network request
/// refused: search finds exactly the right messages in Chinese and English, reply links
/// land on their message, hostile text executes nothing, and no request leaves the site.
@Suite(.serialized) struct BrowserTests {
  static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
    FileManager.default.isExecutableFile(atPath: $0)
  }

  struct Page {
    var dom: String
    var log: String
    var netLog: String
  }

  func open(_ url: String, in directory: TemporaryDirectory, environment: [String: String] = [:]) throws -> Page {
    guard let chromium = Self.chromium else { throw SkipBrowser() }
    let netLog = directory.file("net-\(UUID().uuidString).json")
    let result = try runProcess(
      URL(fileURLWithPath: chromium),
      [
        "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--virtual-time-budget=8000",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-default-apps",
        "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9", "--enable-logging=stderr", "--v=0",
        "--log-net-log=\(netLog)", "--user-data-dir=\(directory.file("profile"))", "--dump-dom", url,
      ], environment: environment)
    let net = (try? String(contentsOfFile: netLog, encoding: .utf8)) ?? ""
    return Page(dom: result.standardOutput, log: result.standardError, netLog: net)
  }

  /// A people file that names sender `u<i>` with payload i and the group `g` with the first.
  static func hostilePeople(_ payloads: [String]) -> String {
    func quoted(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
    var people = "id,name\n"
    for (index, payload) in payloads.enumerated() { people += "u\(index),\(quoted(payload))\n" }
    return people + "g,\(quoted(payloads.first ?? ""))\n"
  }

  struct SkipBrowser: Error {}

  /// The example bundle rendered once, with a hostile message added by the sample.
  static let site: (TemporaryDirectory, String)? = {
    guard chromium != nil, let directory = try? TemporaryDirectory("browser") else { return nil }
    let pack = try? ChatBundleBinary.packEasemobExample(to: directory.file("example.tar.gz"))
    let render = try? ChatBundleBinary.run([
      "render", directory.file("example.tar.gz"), "-o", directory.file("site"), "--lang", "en",
    ])
    guard pack?.status == 0, render?.status == 0 else { return nil }
    return (directory, directory.file("site"))
  }()

  func searchResults(_ query: String) throws -> (Set<String>, Page) {
    guard let (directory, site) = Self.site else { throw SkipBrowser() }
    let encoded = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? query
    let page = try open("file://\(site)/search.html?q=\(encoded)", in: directory)
    var ids: Set<String> = []
    for part in page.dom.components(separatedBy: "#m-").dropFirst() {
      ids.insert(String(part.prefix { $0.isNumber }))
    }
    return (ids, page)
  }

  /// URLs of the requests a page started, from Chromium's net log.
  func pageRequests(_ netLog: String) -> [String] {
    guard let data = netLog.data(using: .utf8),
      let log = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
      let events = log["events"] as? [[String: Any]]
    else { return [] }
    return events.compactMap { event in
      guard let params = event["params"] as? [String: Any], let url = params["url"] as? String,
        let initiator = params["initiator"] as? String, initiator != "not an origin"
      else { return nil }
      return url
    }
  }

  /// The ids of example messages whose searchable text satisfies `needle`, from the bundle.
  func messages(containing needle: (String) -> Bool) throws -> Set<String> {
    guard let (directory, _) = Self.site else { throw SkipBrowser() }
    let (delegate, _) = BundleCollector.read(directory.file("example.tar.gz"))
    return Set(
      delegate.messages.filter { message in
        let members = message.contentMembers
        var parts = [members.text, members.media?.name, members.merged?.title, members.merged?.summary]
        parts += (members.merged?.items ?? []).map(\.contentMembers.text)
        parts += message.parts.flatMap { [$0.contentMembers.text, $0.contentMembers.media?.name] }
        parts += (members.custom?.fields ?? []).map(\.value) + [members.custom?.event, members.location?.address]
        return needle(parts.compactMap { $0 }.joined(separator: "\n"))
      }.map(\.id.text))
  }

  @Test func searchFindsExactlyTheMessagesWithAChineseWord() throws {
    guard Self.chromium != nil else {
      print("skipped: chromium is not installed (make test installs it)")
      return
    }
    let (found, page) = try searchResults("春游")
    let expected = try messages { $0.contains("春游") }
    #expect(!expected.isEmpty)
    #expect(found == expected, "found \(found.sorted()), expected \(expected.sorted())")
    #expect(!page.log.contains("Uncaught"), "\(page.log)")
  }

  @Test func searchFindsExactlyTheMessagesWithAnEnglishWord() throws {
    guard Self.chromium != nil else { return }
    let (found, _) = try searchResults("lunch")
    let expected = try messages { text in
      text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).contains("lunch")
    }
    #expect(!expected.isEmpty)
    #expect(found == expected, "found \(found.sorted()), expected \(expected.sorted())")
  }

  @Test func noRequestLeavesTheSiteAndHostileTextDoesNothing() throws {
    guard Self.chromium != nil, let (directory, site) = Self.site else { return }
    let pages = (FileManager.default.enumerator(atPath: site)?.allObjects as? [String] ?? []).filter {
      $0.hasSuffix(".html")
    }
    #expect(pages.count >= 5)
    for relative in pages.sorted() {
      let page = try open("file://\(site)/\(relative)", in: directory)
      #expect(!page.dom.isEmpty, "\(relative) did not load")
      #expect(!page.log.contains("Uncaught") && !page.log.contains("Refused to"), "\(relative): \(page.log)")
      // No request the page made went anywhere but the site's own files. (Chromium's own
      // background requests carry the initiator "not an origin"; the network is refused anyway.)
      for request in pageRequests(page.netLog) {
        #expect(request.hasPrefix("file://\(site)") || request.hasPrefix("data:"), "\(relative) requested \(request)")
      }
      #expect(!page.dom.contains("<script>alert"), "\(relative)")
      #expect(!page.dom.contains("data-pwned=\"1\""), "\(relative)")
    }
  }

  @Test func hostilePayloadsInTextNamesAndFileNamesExecuteNothing() throws {
    guard Self.chromium != nil else { return }
    let directory = try TemporaryDirectory("hostile")
    let mark = "document.body.setAttribute('data-pwned','1')"
    let payloads = [
      "<img src=x onerror=\"\(mark)\">", "<script>\(mark)</script>", "</script><script>\(mark)</script>",
      "<svg onload=\"\(mark)\">", "javascript:\(mark)", "\u{2028}<iframe src=javascript:\(mark)>",
    ]
    var lines = ""
    for (index, payload) in payloads.enumerated() {
      let text = String(decoding: JSONWriter.serialize(.string(payload)), as: UTF8.self)
      lines +=
        "{\"msg_id\":\"\(index + 1)\",\"timestamp\":\(1_741_568_400_000 + index * 1000),\"chat_type\":\"groupchat\","
        + "\"payload\":{\"bodies\":[{\"type\":\"txt\",\"msg\":\(text)}],\"from\":\"u\(index)\",\"to\":\"g\","
        + "\"ext\":{\"msgQuote\":{\"msgID\":\"1\",\"msgPreview\":\(text),\"msgSender\":\"u0\"}}}}\n"
      lines +=
        "{\"msg_id\":\"f\(index)\",\"timestamp\":\(1_741_568_500_000 + index * 1000),\"chat_type\":\"groupchat\","
        + "\"payload\":{\"bodies\":[{\"type\":\"file\",\"filename\":\(text),\"url\":\"https://h/chatfiles/f\",\"file_length\":3}],"
        + "\"from\":\"u\(index)\",\"to\":\"g\"}}\n"
    }
    try directory.write("export/h.jsonl", lines)
    try directory.write("media/f", "abc")
    try directory.write("people.csv", Self.hostilePeople(payloads))
    let pack = try ChatBundleBinary.run([
      "pack", "--source", "easemob", directory.file("export"), "--media", directory.file("media"), "--people",
      directory.file("people.csv"), "-o", directory.file("h.tar.gz"),
    ])
    #expect(pack.status == 0, "\(pack.standardError)")
    let render = try ChatBundleBinary.run(["render", directory.file("h.tar.gz"), "-o", directory.file("site")])
    #expect(render.status == 0, "\(render.standardError)")
    let site = directory.file("site")
    let pages = (FileManager.default.enumerator(atPath: site)?.allObjects as? [String] ?? []).filter {
      $0.hasSuffix(".html")
    }
    for relative in pages.sorted() + ["search.html?q=script", "search.html?q=onerror"] {
      let page = try open("file://\(site)/\(relative)", in: directory)
      #expect(!page.dom.isEmpty)
      #expect(!page.dom.contains("data-pwned=\"1\""), "a payload ran on \(relative)")
    }
    let conversation = try #require(
      pages.sorted().first { $0.hasPrefix("c/") && ($0 as NSString).lastPathComponent.first?.isNumber == true })
    let dom = try open("file://\(site)/\(conversation)", in: directory).dom
    #expect(dom.contains("<p class=\"text\">&lt;img src=x onerror="), "the message text shows the payload as text")
    #expect(dom.contains("<span class=\"sender\">&lt;img src=x onerror="), "the sender name shows the payload as text")
    let search = try open("file://\(site)/search.html?q=onerror", in: directory).dom
    #expect(
      search.contains("data-search-done=\"") && !search.contains("data-search-done=\"0\""),
      "search finds the payload text")
  }
}
