/// Splits text into search tokens: Chinese, Japanese and Korean runs into overlapping
/// character pairs (a single character stays itself), other runs into lowercase words of two
/// characters or more. `assets/search.js` implements exactly the same rules for queries, so
/// a word typed in the search box finds the messages that contain it.
enum SearchTokenizer {
  static func tokens(_ text: String) -> Set<String> {
    var result: Set<String> = []
    var cjk: [Unicode.Scalar] = []
    var word = ""
    func flushCJK() {
      if cjk.count == 1 {
        result.insert(String(cjk[0]))
      } else if cjk.count > 1 {
        for index in 0..<(cjk.count - 1) {
          var pair = ""
          pair.unicodeScalars.append(cjk[index])
          pair.unicodeScalars.append(cjk[index + 1])
          result.insert(pair)
        }
      }
      cjk.removeAll(keepingCapacity: true)
    }
    func flushWord() {
      if word.unicodeScalars.count >= 2 { result.insert(String(word.unicodeScalars.prefix(32))) }
      word = ""
    }
    for scalar in text.unicodeScalars {
      let folded = fold(scalar)
      if isCJK(folded) {
        flushWord()
        cjk.append(folded)
      } else if isWordCharacter(folded) {
        flushCJK()
        word.unicodeScalars.append(folded)
      } else {
        flushCJK()
        flushWord()
      }
    }
    flushCJK()
    flushWord()
    return result
  }

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

  /// The token's shard: the low 12 bits of its FNV-1a hash over UTF-8, as three hex digits.
  static func shard(_ token: String) -> String {
    var hash: UInt32 = 0x811C_9DC5
    for byte in token.utf8 {
      hash ^= UInt32(byte)
      hash = hash &* 0x0100_0193
    }
    let value = Int(hash & 0xFFF)
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 3 - digits.count) + digits
  }
}
