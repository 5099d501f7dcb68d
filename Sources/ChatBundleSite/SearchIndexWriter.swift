import ChatBundle
import Foundation

/// Writes the site's search index as small script files, which load from `file://` where
/// `fetch()` is blocked: `search/t/<shard>.js` map tokens to posting lists (delta-coded
/// document numbers in base 36), `search/d/<n>.js` hold 32 documents each (page, anchor,
/// sender, time, snippet). A query loads one token shard per token and the document shards
/// of the hits it shows. Postings arrive in document order, so they need no sort: they are
/// spread over 256 bucket files by shard, and each bucket is grouped in memory on its own
/// (a 256th of the index at a time), which keeps memory bounded.
final class SearchIndexWriter {
  static let documentsPerShard = 32
  static let buckets = 256
  private let directory: String
  private let scratch: String
  private var bucketWriters: [BufferedWriter] = []
  private var documents: [UInt8] = []
  private var documentsInShard = 0
  private(set) var count = 0
  private var members: [String: String] = [:]
  private var scanner = SearchTokenizer.TokenScanner()

  init(siteDirectory: String, scratch: String) throws {
    directory = siteDirectory + "/search"
    for sub in ["t", "d"] {
      try FileManager.default.createDirectory(atPath: directory + "/" + sub, withIntermediateDirectories: true)
    }
    self.scratch = scratch
    for bucket in 0..<Self.buckets {
      bucketWriters.append(try BufferedWriter(creating: scratch + "/search-bucket-\(bucket)", capacity: 16 << 10))
    }
  }

  /// One message as search sees it, built on the rendering thread and indexed on another.
  struct Entry {
    var text: String
    var page: String
    var anchor: String
    var sender: String?
    var senderName: String
    var timestamp: Int64
    var conversation: String
    /// The message's local date and time as the pages show it.
    var when: String

    init(_ message: Message, page: String, senderName: String, conversation: String, when: String) {
      text = SearchIndexWriter.searchableText(message)
      self.page = page
      anchor = MessageRenderer.anchor(message.id)
      sender = message.sender
      self.senderName = senderName
      timestamp = message.timestamp
      self.conversation = conversation
      self.when = when
    }
  }

  /// The first error of an `add` run on the indexing thread, for `finish` to throw.
  private(set) var failure: Error?

  func add(_ entry: Entry) {
    guard failure == nil else { return }
    do {
      try index(entry)
    } catch {
      failure = error
    }
  }

  private func index(_ entry: Entry) throws {
    let number = count
    count += 1
    let text = entry.text
    // Locals, not properties, inside the per-token closure: property access from a closure
    // pays for exclusivity checks and reference counting on every token.
    let writers = bucketWriters
    // One stack buffer per message for the records: shard (2 bytes), token length (1),
    // token (at most 64 bytes: 32 two-byte characters), document number (4).
    try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 80) { record in
      try SearchTokenizer.forEachDistinctToken(in: text, scanner: &scanner) { token in
        let shard = SearchTokenizer.shardNumber(token)
        let count = min(token.count, 72)
        record[0] = UInt8(shard >> 8)
        record[1] = UInt8(shard & 0xFF)
        record[2] = UInt8(count)
        for index in 0..<count { record[3 + index] = token[index] }
        record[3 + count] = UInt8(truncatingIfNeeded: number >> 24)
        record[4 + count] = UInt8(truncatingIfNeeded: number >> 16)
        record[5 + count] = UInt8(truncatingIfNeeded: number >> 8)
        record[6 + count] = UInt8(truncatingIfNeeded: number)
        try writers[shard % Self.buckets].write(
          UnsafeRawBufferPointer(UnsafeMutableBufferPointer(rebasing: record[0..<(7 + count)])))
      }
    }
    if let sender = entry.sender { members[sender] = entry.senderName }
    // [page, anchor, sender name, ts, snippet, sender id, conversation, local time]
    documents.append(UInt8(ascii: documentsInShard == 0 ? "[" : ","))
    documents.append(UInt8(ascii: "["))
    for (index, field) in [entry.page, entry.anchor, entry.senderName].enumerated() {
      if index > 0 { documents.append(UInt8(ascii: ",")) }
      JSONWriter.writeString(field, to: &documents)
    }
    documents.append(UInt8(ascii: ","))
    documents += String(entry.timestamp).utf8
    for field in [String(text.unicodeScalars.prefix(160)), entry.sender ?? "", entry.conversation, entry.when] {
      documents.append(UInt8(ascii: ","))
      JSONWriter.writeString(field, to: &documents)
    }
    documents.append(UInt8(ascii: "]"))
    documentsInShard += 1
    if documentsInShard == Self.documentsPerShard { try flushDocuments() }
  }

  private static let digits = Array("0123456789abcdefghijklmnopqrstuvwxyz".utf8)

  static func appendBase36(_ value: Int, to out: inout [UInt8]) {
    if value < 36 {
      out.append(digits[value])
      return
    }
    let start = out.count
    var rest = value
    while rest > 0 {
      out.append(digits[rest % 36])
      rest /= 36
    }
    out[start...].reverse()
  }

  static func searchableText(_ message: Message) -> String {
    var parts: [String] = []
    if let text = message.text { parts.append(text) }
    if let name = message.media?.name { parts.append(name) }
    if let merged = message.merged {
      parts += [merged.title, merged.summary].compactMap { $0 }
      parts += merged.items.compactMap(\.text)
    }
    if let custom = message.custom { parts += [custom.event].compactMap { $0 } + custom.fields.map(\.value) }
    if let address = message.location?.address { parts.append(address) }
    for part in message.parts ?? [] { parts += [part.text, part.media?.name].compactMap { $0 } }
    return parts.joined(separator: "\n")
  }

  private func flushDocuments() throws {
    guard documentsInShard > 0 else { return }
    let shard = (count - 1) / Self.documentsPerShard
    documents.append(UInt8(ascii: "]"))
    try write("d/\(shard).js", "chatbundleSearch.docs(\(shard),", serialized: documents)
    documents.removeAll(keepingCapacity: true)
    documentsInShard = 0
  }

  func finish() throws {
    if let failure { throw failure }
    try flushDocuments()
    for writer in bucketWriters { try writer.close() }
    for bucket in 0..<Self.buckets {
      let path = scratch + "/search-bucket-\(bucket)"
      let bytes = try readWholeFile(path)
      try FileManager.default.removeItem(atPath: path)
      let groups = PostingGroups(records: bytes)
      var shard = -1
      var map = JSONObject()
      func writeShard() throws {
        guard shard >= 0 else { return }
        let name = SearchTokenizer.shardName(shard)
        try write("t/\(name).js", "chatbundleSearch.tokens(\"\(name)\",", .object(map))
        map = JSONObject()
      }
      for group in groups.sortedByKey() {
        let keyShard = Int(bytes[group.keyStart]) << 8 | Int(bytes[group.keyStart + 1])
        if keyShard != shard {
          try writeShard()
          shard = keyShard
        }
        let token = bytes[(group.keyStart + 3)..<(group.keyStart + group.keyCount)]
        map.members.append(
          JSONObject.Member(
            String(decoding: token, as: UTF8.self), .string(String(decoding: group.postings, as: UTF8.self))))
      }
      try writeShard()
    }
    let people = JSONValue.object(
      JSONObject(members.sorted { $0.key < $1.key }.map { JSONObject.Member($0.key, .string($0.value)) }))
    try write("members.js", "chatbundleSearch.members(", people)
    let meta = JSONObject([
      "documents": .integer(count), "documentsPerShard": .integer(Int64(Self.documentsPerShard)),
    ])
    try write("meta.js", "chatbundleSearch.meta(", .object(meta))
  }

  /// A script that hands JSON to the page; `<` is escaped too, so no data can close a
  /// script element, and the writer already escapes U+2028 and U+2029.
  private func write(_ name: String, _ prefix: String, _ value: JSONValue) throws {
    try write(name, prefix, serialized: JSONWriter.serialize(value))
  }

  private func write(_ name: String, _ prefix: String, serialized: [UInt8]) throws {
    var bytes = Array(prefix.utf8)
    bytes.reserveCapacity(serialized.count + prefix.utf8.count + 16)
    for byte in serialized {
      if byte == UInt8(ascii: "<") { bytes += Array("\\u003c".utf8) } else { bytes.append(byte) }
    }
    bytes += Array(");\n".utf8)
    try writeNewFile(directory + "/" + name, bytes)
  }
}
