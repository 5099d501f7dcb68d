import ChatBundle
import PropertyBased
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

  /// The rules written the plain way, scalar by scalar, for the fast scanner to agree with.
  static func reference(_ text: String) -> [String] {
    var tokens: Set<String> = []
    var run: [Unicode.Scalar] = []
    var word: [Unicode.Scalar] = []
    func endRun() {
      if run.count == 1 { tokens.insert(String(String.UnicodeScalarView(run))) }
      run = []
    }
    func endWord() {
      if word.count >= 2 { tokens.insert(String(String.UnicodeScalarView(word.prefix(32)))) }
      word = []
    }
    for scalar in text.unicodeScalars.map(SearchTokenizer.fold) {
      if SearchTokenizer.isCJK(scalar) {
        endWord()
        if let last = run.last { tokens.insert(String(String.UnicodeScalarView([last, scalar]))) }
        run.append(scalar)
      } else if SearchTokenizer.isWordCharacter(scalar) {
        endRun()
        word.append(scalar)
      } else {
        endRun()
        endWord()
      }
    }
    endRun()
    endWord()
    return tokens.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
  }

  @Test func theScannerFollowsTheRulesOnAnyText() async {
    let pieces: [String] = [
      "好", "天", "ア", "한", "\u{20000}", "a", "Z", "7", "é", "É", "Ａ", "９", "！", " ", "\n", ",", "🙂", "ß", "ǿ", "-",
      "ab", "中文",
    ]
    await propertyCheck(count: 500, input: Gen.uint64(in: 0...UInt64.max)) { seed in
      var state = seed | 1
      var text = ""
      for _ in 0..<Int(seed % 80) {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        text += pieces[Int(state % UInt64(pieces.count))]
      }
      #expect(tokens(text) == Self.reference(text), "\(text.debugDescription)")
    }
  }
}
