/// Splits text into search tokens: Chinese, Japanese and Korean runs into overlapping
/// character pairs (a single character stays itself), other runs into lowercase words of two
/// characters or more. `assets/search.js` implements exactly the same rules for queries, so
/// a word typed in the search box finds the messages that contain it.
enum SearchTokenizer {
  /// Full-width ASCII to ASCII, then ASCII letters to lowercase.
  static func fold(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
    var value = scalar.value
    if (0xFF01...0xFF5E).contains(value) { value -= 0xFEE0 }
    if (0x41...0x5A).contains(value) { value += 0x20 }
    return Unicode.Scalar(value) ?? scalar
  }

  static func isCJK(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xAC00...0xD7AF, 0xF900...0xFAFF, 0x20000...0x2FA1F: true
    default: false
    }
  }

  static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
    let value = scalar.value
    return (0x30...0x39).contains(value) || (0x61...0x7A).contains(value) || (0xC0...0x24F).contains(value)
  }

  /// The tokens of a text as UTF-8 bytes, sorted and without repeats; the index writer
  /// calls this for every message, so it builds no strings.
  static func tokenBytes(_ text: String) -> [[UInt8]] {
    var result: [[UInt8]] = []
    var cjk: [Unicode.Scalar] = []
    var word: [UInt8] = []
    var wordLength = 0
    func flushCJK() {
      if cjk.count == 1 {
        var bytes: [UInt8] = []
        appendScalar(cjk[0], to: &bytes)
        result.append(bytes)
      } else if cjk.count > 1 {
        for index in 0..<(cjk.count - 1) {
          var bytes: [UInt8] = []
          appendScalar(cjk[index], to: &bytes)
          appendScalar(cjk[index + 1], to: &bytes)
          result.append(bytes)
        }
      }
      cjk.removeAll(keepingCapacity: true)
    }
    func flushWord() {
      if wordLength >= 2 { result.append(word) }
      word = []
      wordLength = 0
    }
    for scalar in text.unicodeScalars {
      let folded = fold(scalar)
      if isCJK(folded) {
        flushWord()
        cjk.append(folded)
      } else if isWordCharacter(folded) {
        flushCJK()
        if wordLength < 32 {
          appendScalar(folded, to: &word)
          wordLength += 1
        }
      } else {
        flushCJK()
        flushWord()
      }
    }
    flushCJK()
    flushWord()
    result.sort { $0.lexicographicallyPrecedes($1) }
    var unique: [[UInt8]] = []
    for token in result where token != unique.last { unique.append(token) }
    return unique
  }

  private static func appendScalar(_ scalar: Unicode.Scalar, to bytes: inout [UInt8]) {
    bytes.append(contentsOf: UTF8.encode(scalar).map { Array($0) } ?? [])
  }

  /// The token's shard: the low 12 bits of its FNV-1a hash over UTF-8.
  static func shardNumber<Bytes: Sequence<UInt8>>(_ token: Bytes) -> Int {
    var hash: UInt32 = 0x811C_9DC5
    for byte in token {
      hash ^= UInt32(byte)
      hash = hash &* 0x0100_0193
    }
    return Int(hash & 0xFFF)
  }

  static func shardName(_ number: Int) -> String {
    let digits = String(number, radix: 16)
    return String(repeating: "0", count: 3 - digits.count) + digits
  }
}
