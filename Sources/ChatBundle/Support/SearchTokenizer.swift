/// Splits text into search tokens: Chinese, Japanese and Korean runs into overlapping
/// character pairs (a single character stays itself), other runs into lowercase words of two
/// characters or more. The site's `assets/search.js` implements exactly the same rules for
/// queries, so a word typed in the search box finds the messages that contain it; the
/// SQLite export's full-text table holds the same tokens, so a two-character Chinese word
/// is a term there too.
public enum SearchTokenizer {
  /// Full-width ASCII to ASCII, then ASCII letters to lowercase.
  public static func fold(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
    var value = scalar.value
    if (0xFF01...0xFF5E).contains(value) { value -= 0xFEE0 }
    if (0x41...0x5A).contains(value) { value += 0x20 }
    return Unicode.Scalar(value) ?? scalar
  }

  public static func isCJK(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xAC00...0xD7AF, 0xF900...0xFAFF, 0x20000...0x2FA1F: true
    default: false
    }
  }

  public static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
    let value = scalar.value
    return (0x30...0x39).contains(value) || (0x61...0x7A).contains(value) || (0xC0...0x24F).contains(value)
  }

  /// The tokens of a text as UTF-8 bytes, sorted and without repeats.
  public static func tokenBytes(_ text: String) -> [[UInt8]] {
    var result: Set<[UInt8]> = []
    forEachToken(in: text) { result.insert(Array($0)) }
    return result.sorted { $0.lexicographicallyPrecedes($1) }
  }

  /// Calls `body` with the UTF-8 bytes of each token of `text`, in order, once per
  /// occurrence (the index writer drops repeats within a message itself). It is called for
  /// every message, so it reads the text's UTF-8 in place: a Chinese pair is handed over as
  /// the bytes of the text itself (the two characters are adjacent and never folded), and
  /// only words, which fold, are copied, into a buffer on the stack.
  public static func forEachToken(in text: String, _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
    var text = text
    try text.withUTF8 { utf8 in
      try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 2 * maximumWordCharacters) { word in
        var wordBytes = 0
        var wordCharacters = 0
        // The last CJK character of the current run: where it starts and how long it is.
        var cjkRun = 0
        var cjkStart = 0
        var cjkLength = 0
        func flushWord() throws {
          if wordCharacters >= 2 { try body(UnsafeBufferPointer(rebasing: word[0..<wordBytes])) }
          wordBytes = 0
          wordCharacters = 0
        }
        func flushCJK() throws {
          // A run of one character is a token by itself; longer runs gave their pairs.
          if cjkRun == 1 {
            try body(UnsafeBufferPointer(rebasing: utf8[cjkStart..<(cjkStart + cjkLength)]))
          }
          cjkRun = 0
        }
        var index = 0
        while index < utf8.count {
          let byte = utf8[index]
          if byte < 0x80 {
            // ASCII, most of most texts: no decoding, no folding table.
            let folded = byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
            if cjkRun > 0 { try flushCJK() }
            if (folded >= 0x61 && folded <= 0x7A) || (folded >= 0x30 && folded <= 0x39) {
              if wordCharacters < maximumWordCharacters {
                word[wordBytes] = folded
                wordBytes += 1
                wordCharacters += 1
              }
            } else if wordCharacters > 0 {
              try flushWord()
            }
            index += 1
            continue
          }
          let (decoded, length) = decode(utf8, at: index)
          let scalar = fold(decoded)
          if isCJK(scalar) {
            if wordCharacters > 0 { try flushWord() }
            if cjkRun > 0 {
              try body(UnsafeBufferPointer(rebasing: utf8[cjkStart..<(index + length)]))
            }
            cjkStart = index
            cjkLength = length
            cjkRun += 1
          } else if isWordCharacter(scalar) {
            if cjkRun > 0 { try flushCJK() }
            if wordCharacters < maximumWordCharacters {
              wordBytes += appendUTF8(scalar, to: UnsafeMutableBufferPointer(rebasing: word[wordBytes...]))
              wordCharacters += 1
            }
          } else {
            if cjkRun > 0 { try flushCJK() }
            if wordCharacters > 0 { try flushWord() }
          }
          index += length
        }
        try flushCJK()
        try flushWord()
      }
    }
  }

  /// Words are cut here; `search.js` cuts queries the same way.
  public static let maximumWordCharacters = 32

  /// The scalar at `index` of valid UTF-8 (Swift strings always are) and its length.
  private static func decode(_ utf8: UnsafeBufferPointer<UInt8>, at index: Int) -> (Unicode.Scalar, Int) {
    let lead = UInt32(utf8[index])
    let value: UInt32
    let length: Int
    if lead < 0x80 {
      return (Unicode.Scalar(UInt8(lead)), 1)
    } else if lead < 0xE0 {
      value = (lead & 0x1F) << 6 | UInt32(utf8[index + 1] & 0x3F)
      length = 2
    } else if lead < 0xF0 {
      value = (lead & 0x0F) << 12 | UInt32(utf8[index + 1] & 0x3F) << 6 | UInt32(utf8[index + 2] & 0x3F)
      length = 3
    } else {
      value =
        (lead & 0x07) << 18 | UInt32(utf8[index + 1] & 0x3F) << 12 | UInt32(utf8[index + 2] & 0x3F) << 6
        | UInt32(utf8[index + 3] & 0x3F)
      length = 4
    }
    return (Unicode.Scalar(value) ?? "\u{FFFD}", length)
  }

  /// A word character's UTF-8 (one or two bytes: ASCII and U+00C0...U+024F) into `out`;
  /// returns how many bytes it took.
  private static func appendUTF8(_ scalar: Unicode.Scalar, to out: UnsafeMutableBufferPointer<UInt8>) -> Int {
    let value = scalar.value
    if value < 0x80 {
      out[0] = UInt8(value)
      return 1
    }
    out[0] = UInt8(0xC0 | value >> 6)
    out[1] = UInt8(0x80 | value & 0x3F)
    return 2
  }
}
