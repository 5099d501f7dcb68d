import ChatBundle

/// The search tokens of a stretch of documents and the documents each appears in.
///
/// Tokens live in an open-addressing table (FNV-1a over their bytes) with one byte arena;
/// postings are (token, document) pairs in document order. A token seen again in the same
/// document is dropped by comparing its `lastDocument`, so the tokenizer needs no set per
/// message. When the table is full the writer turns it into sorted segments and clears it,
/// which bounds memory whatever the number of documents or distinct tokens.
struct TokenTable {
  struct Token {
    var hash: UInt64
    var keyStart: Int32
    var keyLength: UInt8
    var lastDocument: Int32
  }

  /// Together about 24 MB: 2M postings of 8 bytes, 256K tokens of 24 bytes and their bytes.
  static let maximumPostings = 2 << 20
  static let maximumTokens = 256 << 10

  private(set) var tokens: [Token] = []
  private(set) var keyBytes: [UInt8] = []
  /// Token index (high 32 bits) and document number (low 32 bits).
  private(set) var postings: [UInt64] = []
  /// Index into `tokens`, or -1 for an empty slot; doubled whenever it is half full, so it
  /// stays as small as the vocabulary allows (a small table stays in the cache). Made on
  /// the first token, so that an empty table costs nothing to make.
  private var slots: [Int32] = []

  var isEmpty: Bool { postings.isEmpty }
  var isFull: Bool { postings.count >= Self.maximumPostings || tokens.count >= Self.maximumTokens }

  mutating func add(_ token: UnsafeBufferPointer<UInt8>, document: Int32) {
    if slots.isEmpty { slots = [Int32](repeating: -1, count: 1 << 12) }
    let hash = SearchTokenizer.hash64(token)
    let mask = slots.count - 1
    var slot = Int(truncatingIfNeeded: hash) & mask
    while true {
      let found = Int(slots[slot])
      if found < 0 {
        slots[slot] = Int32(tokens.count)
        tokens.append(
          Token(
            hash: hash, keyStart: Int32(keyBytes.count), keyLength: UInt8(truncatingIfNeeded: token.count),
            lastDocument: document))
        keyBytes.append(contentsOf: token)
        postings.append(UInt64(tokens.count - 1) << 32 | UInt64(UInt32(bitPattern: document)))
        if tokens.count * 2 > slots.count { grow() }
        return
      }
      if tokens[found].hash == hash, Int(tokens[found].keyLength) == token.count, keyEquals(found, token) {
        if tokens[found].lastDocument != document {
          tokens[found].lastDocument = document
          postings.append(UInt64(found) << 32 | UInt64(UInt32(bitPattern: document)))
        }
        return
      }
      slot = (slot + 1) & mask
    }
  }

  func key(of index: Int) -> ArraySlice<UInt8> {
    let start = Int(tokens[index].keyStart)
    return keyBytes[start..<(start + Int(tokens[index].keyLength))]
  }

  /// Each token's documents in ascending order, as (token index, documents) in token order.
  func documentsByToken(_ body: (Int, ArraySlice<UInt32>) throws -> Void) rethrows {
    // A counting sort: postings are in document order, and a stable scatter keeps it.
    var starts = [Int](repeating: 0, count: tokens.count + 1)
    for posting in postings { starts[Int(posting >> 32) + 1] += 1 }
    for index in 0..<tokens.count { starts[index + 1] += starts[index] }
    var next = starts
    var documents = [UInt32](repeating: 0, count: postings.count)
    for posting in postings {
      let token = Int(posting >> 32)
      documents[next[token]] = UInt32(truncatingIfNeeded: posting)
      next[token] += 1
    }
    for index in 0..<tokens.count { try body(index, documents[starts[index]..<starts[index + 1]]) }
  }

  private mutating func grow() {
    slots = [Int32](repeating: -1, count: slots.count * 2)
    let mask = slots.count - 1
    for (index, token) in tokens.enumerated() {
      var slot = Int(truncatingIfNeeded: token.hash) & mask
      while slots[slot] >= 0 { slot = (slot + 1) & mask }
      slots[slot] = Int32(index)
    }
  }

  mutating func removeAll() {
    slots = []
    tokens.removeAll(keepingCapacity: true)
    keyBytes.removeAll(keepingCapacity: true)
    postings.removeAll(keepingCapacity: true)
  }

  private func keyEquals(_ index: Int, _ token: UnsafeBufferPointer<UInt8>) -> Bool {
    let start = Int(tokens[index].keyStart)
    for offset in 0..<token.count where keyBytes[start + offset] != token[offset] { return false }
    return true
  }
}
