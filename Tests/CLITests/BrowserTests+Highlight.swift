import ChatBundle
import ChatBundleTestSupport
import Foundation
import Testing

/// Search shows what matched: the words marked in every result, and in the message a
/// result leads to.
extension BrowserTests {
  /// The `<mark>` elements of a dumped DOM, by their text.
  func marks(_ dom: String) -> [String] {
    dom.components(separatedBy: "<mark>").dropFirst().map { String($0.prefix { $0 != "<" }) }
  }

  @Test func everyResultMarksTheWordsThatMatched() throws {
    guard Self.chromium != nil else { return }
    let (chinese, page) = try searchResults("春游")
    #expect(!chinese.isEmpty)
    let results = page.dom.components(separatedBy: "<li>").dropFirst()
    #expect(results.count == chinese.count)
    for result in results {
      #expect(result.contains("<mark>春游</mark>"), "a result without its word marked: \(result.prefix(300))")
      #expect(result.contains("?hl=%E6%98%A5%E6%B8%B8#m-"), "the link carries the words to mark")
    }
    // English matches without case, as the index folds it, and keeps the text's case.
    let (_, english) = try searchResults("LUNCH")
    let marked = marks(english.dom)
    #expect(!marked.isEmpty && marked.allSatisfy { $0.lowercased() == "lunch" }, "\(marked)")
    #expect(marked.contains("lunch"), "the text's own case is shown: \(marked)")
  }

  @Test func theMessageAResultLeadsToHasItsWordsMarked() throws {
    guard Self.chromium != nil, let (directory, site) = Self.site else { return }
    let (found, page) = try searchResults("春游")
    let link = try #require(
      page.dom.components(separatedBy: "href=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
        .first { $0.contains("?hl=") })
    let target = try open("file://\(site)/\(link.replacingOccurrences(of: "&amp;", with: "&"))", in: directory)
    let id = try #require(link.components(separatedBy: "#m-").last)
    #expect(found.contains(id))
    let article = try #require(target.dom.components(separatedBy: "id=\"m-\(id)\"").dropFirst().first)
    let body = String(article.prefix { $0 != "\n" })
    #expect(body.contains("data-marked=\"1\"") || target.dom.contains("data-marked=\"1\" id=\"m-\(id)\""))
    #expect(body.contains("<mark>春游</mark>"), "\(body.prefix(400))")
    // Only the target is marked: no other message of the page has a mark.
    let otherMarks = target.dom.components(separatedBy: "\n").filter {
      $0.contains("<mark>") && !$0.contains("m-\(id)")
    }
    #expect(otherMarks.isEmpty, "\(otherMarks)")
    #expect(!target.log.contains("Uncaught"), "\(target.log)")
  }
}
