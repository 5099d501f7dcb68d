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

  /// The tokens of a text as UTF-8 bytes, sorted and without repeats.
  static func tokenBytes(_ text: String) -> [[UInt8]] {
    var result: [[UInt8]] = []
    var scanner = TokenScanner()
    forEachToken(in: text, scanner: &scanner) { result.append(Array($0)) }
    return result.sorted { $0.lexicographicallyPrecedes($1) }
  }

  /// Calls `body` with the UTF-8 bytes of each token of `text` in order: once per distinct
  /// token when `scanner` was made `distinct`, else once per occurrence. The index writer
  /// calls this for every message, so it works on the text's UTF-8 in place, reuses
  /// `scanner`'s buffers from one text to the next, and allocates nothing per token.
  static func forEachToken(
    in text: String, scanner: inout TokenScanner, _ body: (UnsafeBufferPointer<UInt8>) throws -> Void
  ) rethrows {
    scanner.reset()
    var text = text
    try text.withUTF8 { utf8 in
      var index = 0
      while index < utf8.count {
        let byte = utf8[index]
        if byte < 0x80 {
          // ASCII, most of most texts: no decoding, no folding table.
          try scanner.takeASCII(byte, body)
          index += 1
          continue
        }
        let (scalar, length) = decode(utf8, at: index)
        index += length
        try scanner.take(fold(scalar), body)
      }
      try scanner.flush(body)
    }
  }

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

  /// The running state of one text's tokenization: the CJK run's last character, the
  /// current word, and the tokens already given out (by hash, bytes compared on a match).
  struct TokenScanner {
    /// Give each token of a text once; the index writer drops repeats itself.
    let distinct: Bool
    var previousCJK: [UInt8] = []
    var cjkRun = 0
    var word: [UInt8] = []
    var wordLength = 0
    var token: [UInt8] = []
    /// Open addressing over `seen` (index + 1; 0 is empty), cleared slot by slot: a set
    /// of hashes cost more than the rest of the tokenizer.
    var slots = [Int32](repeating: 0, count: 256)
    var usedSlots: [Int] = []
    var seen: [(hash: UInt64, start: Int, count: Int)] = []
    var seenBytes: [UInt8] = []

    init(distinct: Bool = true) { self.distinct = distinct }

    mutating func reset() {
      for slot in usedSlots { slots[slot] = 0 }
      usedSlots.removeAll(keepingCapacity: true)
      seen.removeAll(keepingCapacity: true)
      seenBytes.removeAll(keepingCapacity: true)
      previousCJK.removeAll(keepingCapacity: true)
      word.removeAll(keepingCapacity: true)
      cjkRun = 0
      wordLength = 0
    }

    mutating func take(_ scalar: Unicode.Scalar, _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
      if SearchTokenizer.isCJK(scalar) {
        try flushWord(body)
        token.removeAll(keepingCapacity: true)
        if cjkRun > 0 {
          token += previousCJK
          appendUTF8(scalar, to: &token)
          try emit(body)
        }
        previousCJK.removeAll(keepingCapacity: true)
        appendUTF8(scalar, to: &previousCJK)
        cjkRun += 1
      } else if SearchTokenizer.isWordCharacter(scalar) {
        try flushCJK(body)
        if wordLength < 32 {
          appendUTF8(scalar, to: &word)
          wordLength += 1
        }
      } else {
        try flushCJK(body)
        try flushWord(body)
      }
    }

    /// `take` for an ASCII byte: letters lowercased, digits and letters join the word,
    /// anything else ends it.
    mutating func takeASCII(_ byte: UInt8, _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
      let folded = byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
      if (folded >= 0x61 && folded <= 0x7A) || (folded >= 0x30 && folded <= 0x39) {
        if cjkRun > 0 { try flushCJK(body) }
        if wordLength < 32 {
          word.append(folded)
          wordLength += 1
        }
      } else {
        if cjkRun > 0 { try flushCJK(body) }
        if wordLength > 0 { try flushWord(body) }
      }
    }

    mutating func flush(_ body: (UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
      try flushCJK(body)
      try flushWord(body)
    }

    /// A CJK run of one character is a token by itself; longer runs gave their pairs.
    private mutating func flushCJK(_ body: (UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
      if cjkRun == 1 {
        token.removeAll(keepingCapacity: true)
        token += previousCJK
        try emit(body)
      }
      cjkRun = 0
    }

    private mutating func flushWord(_ body: (UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
      if wordLength >= 2 {
        token.removeAll(keepingCapacity: true)
        token += word
        try emit(body)
      }
      word.removeAll(keepingCapacity: true)
      wordLength = 0
    }

    private mutating func emit(_ body: (UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
      guard distinct else {
        try token.withUnsafeBufferPointer { try body($0) }
        return
      }
      let hash = SearchTokenizer.hash64(token)
      var slot = Int(truncatingIfNeeded: hash) & (slots.count - 1)
      while slots[slot] != 0 {
        let entry = seen[Int(slots[slot]) - 1]
        if entry.hash == hash && seenBytes[entry.start..<(entry.start + entry.count)].elementsEqual(token) { return }
        slot = (slot + 1) & (slots.count - 1)
      }
      seen.append((hash, seenBytes.count, token.count))
      seenBytes += token
      slots[slot] = Int32(seen.count)
      usedSlots.append(slot)
      if seen.count * 2 > slots.count { grow() }
      try token.withUnsafeBufferPointer { try body($0) }
    }

    private mutating func grow() {
      slots = [Int32](repeating: 0, count: slots.count * 2)
      usedSlots.removeAll(keepingCapacity: true)
      for (index, entry) in seen.enumerated() {
        var slot = Int(truncatingIfNeeded: entry.hash) & (slots.count - 1)
        while slots[slot] != 0 { slot = (slot + 1) & (slots.count - 1) }
        slots[slot] = Int32(index + 1)
        usedSlots.append(slot)
      }
    }

    private func appendUTF8(_ scalar: Unicode.Scalar, to bytes: inout [UInt8]) {
      let value = scalar.value
      switch value {
      case 0..<0x80:
        bytes.append(UInt8(value))
      case 0x80..<0x800:
        bytes.append(UInt8(0xC0 | value >> 6))
        bytes.append(UInt8(0x80 | value & 0x3F))
      case 0x800..<0x10000:
        bytes.append(UInt8(0xE0 | value >> 12))
        bytes.append(UInt8(0x80 | value >> 6 & 0x3F))
        bytes.append(UInt8(0x80 | value & 0x3F))
      default:
        bytes.append(UInt8(0xF0 | value >> 18))
        bytes.append(UInt8(0x80 | value >> 12 & 0x3F))
        bytes.append(UInt8(0x80 | value >> 6 & 0x3F))
        bytes.append(UInt8(0x80 | value & 0x3F))
      }
    }
  }

  /// FNV-1a over 64 bits: a cheap key for grouping tokens, with bytes compared on a match.
  static func hash64<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> UInt64 {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in bytes {
      hash ^= UInt64(byte)
      hash = hash &* 0x0000_0100_0000_01B3
    }
    return hash
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
