import Testing

@testable import ChatBundleSite

/// The tokenizer's rules must match `templates/site/search.js` exactly; these pin them.
@Suite struct SearchTokenizerTests {
  func tokens(_ text: String) -> [String] {
    SearchTokenizer.tokenBytes(text).map { String(decoding: $0, as: UTF8.self) }
  }

  @Test func chineseRunsBecomeOverlappingPairsAndWordsLowercase() {
    #expect(tokens("明天春游 Lunch at NOON, ok?") == ["at", "lunch", "noon", "ok", "天春", "明天", "春游"])
  }

  @Test func aSingleCJKCharacterIsItsOwnTokenAndRepeatsCollapse() {
    #expect(tokens("好 the THE the 好") == ["the", "好"])
  }

  @Test func fullWidthFoldsAndOneLetterWordsAreDropped() {
    #expect(tokens("ＡＢＣ a 1 42 x") == ["42", "abc"])
  }

  @Test func wordsAreCutAtThirtyTwoCharacters() {
    let long = String(repeating: "a", count: 40)
    #expect(tokens(long) == [String(repeating: "a", count: 32)])
  }

  @Test func charactersOutsideTheBasicPlaneDecode() {
    // U+20000 is CJK Extension B (four UTF-8 bytes); é is a word character.
    #expect(tokens("\u{20000}\u{20001} café") == ["café", "\u{20000}\u{20001}"])
  }
}
