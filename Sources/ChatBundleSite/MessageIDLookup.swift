import ArchiveIO
import ChatBundle

/// Finds a message's conversation and line through a copy of `index/message-ids.ndjson`
/// (sorted by id) and a sparse in-memory index of every 256th line, so memory stays a
/// small fraction of the message count.
///
/// A lookup reads one block of 256 lines and parses only the line whose id matches: the
/// index lines are canonical JSON (`["<id>","<conversation>",<line>]`), so the id's
/// encoded bytes can be compared before parsing anything.
final class MessageIDLookup {
  private let path: String
  private var sparse: [(id: [UInt8], offset: Int64)] = []
  private var writer: BufferedWriter?
  private var lines = 0
  private var offset: Int64 = 0
  private var pending: [UInt8] = []
  private var file: OpenFile?
  private var cachedBlock: (number: Int, bytes: [UInt8])?

  init(path: String) throws {
    self.path = path
    writer = try BufferedWriter(creating: path)
  }

  /// A lookup over the same finished copy with a descriptor and cache of its own, for
  /// another thread: made of copied values only, so it shares nothing with the original.
  private init(path: String, sparse: [(id: [UInt8], offset: Int64)], lines: Int, offset: Int64) {
    self.path = path
    self.sparse = sparse
    self.lines = lines
    self.offset = offset
  }

  /// Another lookup over this one's finished copy, safe to use on another thread.
  func readerForAnotherThread() -> sending MessageIDLookup {
    MessageIDLookup(path: path, sparse: sparse, lines: lines, offset: offset)
  }

  /// Feeds the index file's bytes as they stream past.
  func consume(_ chunk: UnsafeRawBufferPointer) throws {
    try writer?.write(chunk)
    var start = 0
    while start < chunk.count {
      let newline = chunk[start...].firstIndex(of: 0x0A)
      let end = newline ?? chunk.count
      // Only every 256th line's id is kept, so only those lines are gathered.
      if lines % 256 == 0 { pending.append(contentsOf: chunk[start..<end]) }
      offset += Int64(end - start)
      guard newline != nil else { break }
      if lines % 256 == 0, let id = Self.id(of: pending) { sparse.append((id, offset - Int64(pending.count))) }
      offset += 1
      lines += 1
      pending.removeAll(keepingCapacity: true)
      start = end + 1
    }
  }

  func finish() throws {
    try writer?.close()
    writer = nil
  }

  /// (conversation id, line) of a message, or nil if the bundle does not hold it.
  func find(_ id: Identifier) throws -> (conversation: Identifier, line: Int64)? {
    let target = id.bytes
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
    if cachedBlock?.number != block { cachedBlock = (block, try readBlock(block)) }
    guard let bytes = cachedBlock?.bytes else { return nil }
    var prefix = Array("[".utf8)
    JSONWriter.writeString(id.text, to: &prefix)
    prefix.append(UInt8(ascii: ","))
    var start = 0
    while start < bytes.count {
      let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
      let line = bytes[start..<end]
      if line.starts(with: prefix) {
        guard case .array(let items)? = try? JSONParser.parse(line), items.count == 3,
          let found = items[0].stringValue, Identifier(found) == id, let conversation = items[1].stringValue,
          let number = items[2].int64Value
        else { return nil }
        return (Identifier(conversation), number)
      }
      start = end + 1
    }
    return nil
  }

  private func readBlock(_ block: Int) throws -> [UInt8] {
    let file: OpenFile
    if let open = self.file {
      file = open
    } else {
      do { file = try OpenFile(path, .readOnly) } catch { throw ChatBundleError.io(error, "cannot open") }
      self.file = file
    }
    let start = sparse[block].offset
    let end = block + 1 < sparse.count ? sparse[block + 1].offset : offset
    let bytes: [UInt8]
    do { bytes = try file.read(count: Int(end - start), at: start) } catch {
      throw ChatBundleError.io(error, "read failed")
    }
    // The copy was written whole before any lookup, so a short read means it changed.
    guard bytes.count == Int(end - start) else {
      throw ChatBundleError.io(path: path, message: "read failed: the file is shorter than it was written")
    }
    return bytes
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
