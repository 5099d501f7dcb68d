import ArchiveIO
import ChatBundle

/// Finds a message's conversation and line through a copy of `index/message-ids.ndjson`
/// (sorted by id) and a sparse in-memory index of every 256th line, so memory stays a
/// small fraction of the message count.
final class MessageIDLookup {
  private let path: String
  private var sparse: [(id: [UInt8], offset: Int64)] = []
  private var writer: BufferedWriter?
  private var lines = 0
  private var offset: Int64 = 0
  private var pending: [UInt8] = []
  private var cachedBlock: (start: Int, entries: [([UInt8], String, Int64)])?

  init(path: String) throws {
    self.path = path
    writer = try BufferedWriter(creating: path)
  }

  /// Feeds the index file's bytes as they stream past.
  func consume(_ chunk: UnsafeRawBufferPointer) throws {
    try writer?.write(chunk)
    for byte in chunk {
      if byte == 0x0A {
        if lines % 256 == 0, let id = Self.id(of: pending) { sparse.append((id, offset)) }
        offset += Int64(pending.count + 1)
        lines += 1
        pending.removeAll(keepingCapacity: true)
      } else {
        pending.append(byte)
      }
    }
  }

  func finish() throws {
    try writer?.close()
    writer = nil
  }

  /// (conversation id, line) of a message, or nil if the bundle does not hold it.
  func find(_ id: String) throws -> (conversation: String, line: Int64)? {
    let target = Array(id.utf8)
    var low = 0
    var high = sparse.count - 1
    var block = -1
    while low <= high {
      let middle = (low + high) / 2
      if compare(sparse[middle].id, target) <= 0 {
        block = middle
        low = middle + 1
      } else {
        high = middle - 1
      }
    }
    guard block >= 0 else { return nil }
    if cachedBlock?.start != block { cachedBlock = (block, try readBlock(block)) }
    for entry in cachedBlock?.entries ?? [] where entry.0 == target { return (entry.1, entry.2) }
    return nil
  }

  private func readBlock(_ block: Int) throws -> [([UInt8], String, Int64)] {
    let stream = try FileByteStream(path: path)
    try stream.seek(to: sparse[block].offset)
    let reader = LineReader(stream: stream)
    var entries: [([UInt8], String, Int64)] = []
    while let line = try reader.nextLine() {
      guard case .array(let items)? = try? JSONParser.parse(line), items.count == 3, let id = items[0].stringValue,
        let conversation = items[1].stringValue, let number = items[2].int64Value
      else { continue }
      entries.append((Array(id.utf8), conversation, number))
      if entries.count == 256 { break }
    }
    return entries
  }

  private static func id(of line: [UInt8]) -> [UInt8]? {
    guard case .array(let items)? = try? JSONParser.parse(line), let id = items.first?.stringValue else { return nil }
    return Array(id.utf8)
  }

  private func compare(_ left: [UInt8], _ right: [UInt8]) -> Int {
    for (a, b) in zip(left, right) where a != b { return Int(a) - Int(b) }
    return left.count - right.count
  }
}
