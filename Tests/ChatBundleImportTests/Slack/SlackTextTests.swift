import ChatBundle
import Testing

@testable import ChatBundleImport

/// Slack's `ts`, mrkdwn and token parameters, each on the cases that could go wrong.
@Suite struct SlackTextTests {
  @Test func timestampsAreReadFromTheirDigits() {
    #expect(SlackTimestamp.milliseconds("1736478514.897649") == 1_736_478_514_897)
    #expect(SlackTimestamp.milliseconds("1458972985.000010") == 1_458_972_985_000)
    #expect(SlackTimestamp.milliseconds("1700000000") == 1_700_000_000_000)
    #expect(SlackTimestamp.milliseconds("1700000000.5") == 1_700_000_000_500)
    for bad in ["", ".1", "1.", "1e9", "-1.0", "１.0", "1.2.3", "9999999999999.0", "253402300800.000000"] {
      #expect(SlackTimestamp.milliseconds(bad) == nil, "\(bad)")
    }
  }

  @Test func markupBecomesTheTextAPersonReads() {
    let markup = SlackMarkup(
      userName: { ["U1": "Ann Lee"][$0] }, channelName: { ["C1": "general"][$0] })
    #expect(markup.render("<@U1> and <@U2|bob>").text == "@Ann Lee and @bob")
    #expect(markup.render("<@U1> and <@U2|bob>").mentions == ["U1", "U2"])
    #expect(markup.render("<#C1> <#C2|random> <#C3>").text == "#general #random #C3")
    #expect(markup.render("<https://a.test/x?y=1&amp;z=2|the doc>").text == "the doc (https://a.test/x?y=1&z=2)")
    #expect(
      markup.render("<https://a.test|https://a.test> <mailto:a@b.test|a@b.test>").text == "https://a.test a@b.test")
    let all = markup.render("<!here> <!channel|@channel> <!everyone>")
    #expect(all.text == "@here @channel @everyone" && all.mentionsAll)
    #expect(!markup.render("<!subteam^S1|@devs>").mentionsAll)
    #expect(markup.render("<!subteam^S1|@devs> <!date^1392734382^{date}|Feb 18>").text == "@devs Feb 18")
    #expect(markup.render("a &lt;b&gt; &amp;lt; *bold* _it_ `x` :tada:").text == "a <b> &lt; *bold* _it_ `x` :tada:")
    #expect(markup.render("unclosed <@U1").text == "unclosed <@U1")
  }

  @Test func tokenParametersAreRemovedWholeWhereverTheyAre() {
    var removed: [String] = []
    let cases: [(String, String)] = [
      ("https://f.test/a.txt?t=xoxe-1-2", "https://f.test/a.txt"),
      ("https://f.test/a?t=xoxe-1&dl=1", "https://f.test/a?dl=1"),
      ("https://f.test/a?dl=1&t=xoxe-1#x", "https://f.test/a?dl=1#x"),
      (
        "<https://f.test/a?t=xoxb-9|a> and <https://g.test/?x=1&amp;token=xoxp-2>",
        "<https://f.test/a|a> and <https://g.test/?x=1>"
      ),
      ("https://f.test/a?t=notatoken", "https://f.test/a?t=notatoken"),
      ("https://f.test/a?t=xox-1", "https://f.test/a?t=xox-1"),
      ("plain xoxe-123 text", "plain xoxe-123 text"),
    ]
    for (input, expected) in cases {
      #expect(SlackTokenScrubber.scrub(input, removed: &removed) == expected, "\(input)")
    }
    #expect(removed == ["t", "t", "t", "t", "token"])
    let record: JSONValue = .object(
      JSONObject(["a": .array([.string("https://x.test/?t=xoxe-1")]), "b": .number("1"), "c": .string("?t=xoxe-2")]))
    let (scrubbed, names) = SlackTokenScrubber.scrub(record)
    #expect(names == ["t", "t"])
    #expect(
      scrubbed == .object(JSONObject(["a": .array([.string("https://x.test/")]), "b": .number("1"), "c": .string("")])))
  }

  @Test func zipEntryNamesThatCouldEscapeAreRefused() throws {
    #expect(try SlackExport.relativePath("general/2020-01-02.json").get() == "general/2020-01-02.json")
    #expect(try SlackExport.relativePath("general/").get() == "general")
    for bad in ["/etc/passwd", "../x", "a/../../x", "a//b", "a\\b", "./a", "a/\u{0}b", ""] {
      #expect((try? SlackExport.relativePath(bad).get()) == nil, "\(bad.debugDescription)")
    }
    #expect(
      SlackMedia.candidates(.init(fileID: "F1", name: "../x", folder: "g", isExternal: false, hasPrivateURL: false))
        .isEmpty)
    #expect(
      SlackMedia.candidates(.init(fileID: "F1", name: "a.png", folder: "g", isExternal: false, hasPrivateURL: false))
        == ["g/attachments/F1-a.png", "__uploads/F1/a.png"])
  }

  @Test func reactionNamesMapToCharactersOrStayNames() {
    #expect(SlackEmoji.character(for: "+1") == "👍")
    #expect(SlackEmoji.character(for: "heart::skin-tone-2") == "❤\u{1F3FB}")
    #expect(SlackEmoji.character(for: "partyparrot") == nil)
    #expect(SlackEmoji.character(for: "+1::skin-tone-9") == nil)
  }
}
