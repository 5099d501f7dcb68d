/// One search bucket's records grouped by token: for each key (shard, length, token bytes)
/// its posting list, delta-coded document numbers in base 36 separated by commas.
///
/// Records come from `SearchIndexWriter`: shard (2 bytes), token length (1), token, and a
/// 4-byte document number, in document order, so each list is built already sorted. Keys
/// are not copied: each group points at the first record of its token in `records`. An
/// open-addressing table keyed by FNV-1a replaces a dictionary of byte arrays, whose
/// hashing cost more than all the rest.
struct PostingGroups {
  struct Group {
    var keyStart: Int
    var keyCount: Int
    var hash: UInt64
    var lastNumber: Int
    var postings: [UInt8]
  }

  private(set) var groups: [Group] = []
  private let records: [UInt8]

  init(records: [UInt8]) {
    self.records = records
    var slots = [Int32](repeating: -1, count: 1024)
    var index = 0
    while index + 3 <= records.count {
      let keyCount = 3 + Int(records[index + 2])
      guard index + keyCount + 4 <= records.count else { break }
      var number = 0
      for byte in records[(index + keyCount)..<(index + keyCount + 4)] { number = number << 8 | Int(byte) }
      let hash = SearchTokenizer.hash64(records[index..<(index + keyCount)])
      var slot = Int(truncatingIfNeeded: hash) & (slots.count - 1)
      while true {
        let found = Int(slots[slot])
        if found < 0 {
          slots[slot] = Int32(groups.count)
          var postings: [UInt8] = []
          SearchIndexWriter.appendBase36(number, to: &postings)
          groups.append(Group(keyStart: index, keyCount: keyCount, hash: hash, lastNumber: number, postings: postings))
          if groups.count * 2 > slots.count { slots = Self.rehash(groups, size: slots.count * 2) }
          break
        }
        if groups[found].hash == hash && groups[found].keyCount == keyCount
          && Self.equal(records, groups[found].keyStart, index, keyCount)
        {
          groups[found].postings.append(UInt8(ascii: ","))
          SearchIndexWriter.appendBase36(number - groups[found].lastNumber, to: &groups[found].postings)
          groups[found].lastNumber = number
          break
        }
        slot = (slot + 1) & (slots.count - 1)
      }
      index += keyCount + 4
    }
  }

  /// The groups in bytewise order of their keys, which fixes the order of every shard file.
  func sortedByKey() -> [Group] {
    groups.sorted { left, right in
      records[left.keyStart..<(left.keyStart + left.keyCount)].lexicographicallyPrecedes(
        records[right.keyStart..<(right.keyStart + right.keyCount)])
    }
  }

  private static func equal(_ bytes: [UInt8], _ first: Int, _ second: Int, _ count: Int) -> Bool {
    for offset in 0..<count where bytes[first + offset] != bytes[second + offset] { return false }
    return true
  }

  private static func rehash(_ groups: [Group], size: Int) -> [Int32] {
    var slots = [Int32](repeating: -1, count: size)
    for (number, group) in groups.enumerated() {
      var slot = Int(truncatingIfNeeded: group.hash) & (size - 1)
      while slots[slot] >= 0 { slot = (slot + 1) & (size - 1) }
      slots[slot] = Int32(number)
    }
    return slots
  }
}
