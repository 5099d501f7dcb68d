import ChatBundle

/// The site index's sharding of tokens.
extension SearchTokenizer {
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
