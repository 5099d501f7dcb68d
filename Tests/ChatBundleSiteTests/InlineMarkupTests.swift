import Testing

@testable import ChatBundleSite

/// Slack's mrkdwn and Discord's Markdown as people saw them, and never as markup the
/// text could inject.
@Suite struct InlineMarkupTests {
  func html(_ text: String, _ dialect: InlineMarkup.Dialect) -> String {
    var html = HTML()
    InlineMarkup(dialect).render(text, into: &html) { run, html in html.text(run) }
    return html.string
  }

  @Test func slack() {
    #expect(html("*bold* and _it_ and ~gone~", .slack) == "<strong>bold</strong> and <em>it</em> and <del>gone</del>")
    #expect(html("run `make *all*` now", .slack) == "run <code>make *all*</code> now")
    #expect(html("```\nlet x = 1\n```", .slack) == "<code class=\"block\">let x = 1\n</code>")
    #expect(html("*bold _and it_*", .slack) == "<strong>bold <em>and it</em></strong>")
  }

  @Test func discord() {
    #expect(html("**b** *i* __u__ ~~s~~", .discord) == "<strong>b</strong> <em>i</em> <u>u</u> <del>s</del>")
    #expect(html("a_b_c snake_case_name", .discord) == "a_b_c snake_case_name")
  }

  @Test func whatDoesNotCloseIsShownAsTyped() {
    #expect(html("2 * 3 * 4", .slack) == "2 * 3 * 4")
    #expect(html("*open\nclosed*", .slack) == "*open\nclosed*")
    #expect(html("`never closed", .slack) == "`never closed")
    #expect(html("**", .discord) == "**")
  }

  @Test func markupInTheTextIsEscapedEverywhere() {
    #expect(html("*<script>*", .slack) == "<strong>&lt;script&gt;</strong>")
    #expect(html("`<img src=x>`", .discord) == "<code>&lt;img src=x&gt;</code>")
    #expect(html("```</code><b>```", .slack) == "<code class=\"block\">&lt;/code&gt;&lt;b&gt;</code>")
  }

  @Test func aTextFullOfLoneMarkersIsShownAsTyped() {
    // Each lone marker once searched to the line's end; the search is now remembered.
    let hostile = String(repeating: "*a ", count: 10_000)
    #expect(html(hostile, .slack) == hostile)
    let beyond = String(repeating: "*b* ", count: InlineMarkup.maximumCharacters / 4 + 1)
    #expect(html(beyond, .slack) == beyond, "past the limit a text is shown as typed")
  }
}
