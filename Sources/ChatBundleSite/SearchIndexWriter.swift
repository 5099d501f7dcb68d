import ChatBundle
import Foundation

/// Writes the site's search index as small script files, which load from `file://` where
/// `fetch()` is blocked: `search/t/<shard>.js` map tokens to posting lists (delta-coded
/// document numbers in base 36), `search/d/<n>.js` hold 64 documents each (page, anchor,
/// sender, time, snippet). A query loads one token shard per token and the document shards
/// of the hits it shows. Postings arrive in document order, so they need no sort: they are
/// spread over 64 bucket files by shard, and each bucket is grouped in memory on its own
/// (a 64th of the index at a time), which keeps memory bounded.
final class SearchIndexWriter {
  static let documentsPerShard = 64
  static let buckets = 64
  private let directory: String
  private let scratch: String
  private var bucketWriters: [BufferedWriter] = []
  private var documents: [JSONValue] = []
  private(set) var count = 0
  private var members: [String: String] = [:]

  init(siteDirectory: String, scratch: String) throws {
    directory = siteDirectory + "/search"
    for sub in ["t", "d"] {
      try FileManager.default.createDirectory(atPath: directory + "/" + sub, withIntermediateDirectories: true)
    }
    self.scratch = scratch
    for bucket in 0..<Self.buckets {
      bucketWriters.append(try BufferedWriter(creating: scratch + "/search-bucket-\(bucket)", capacity: 64 << 10))
    }
  }

  /// - Parameter when: the message's local date and time as the pages show it.
  func add(_ message: Message, page: String, senderName: String, conversation: String, when: String) throws {
    let number = count
    count += 1
    let text = Self.searchableText(message)
    for token in SearchTokenizer.tokenBytes(text) {
      let shard = SearchTokenizer.shardNumber(token)
      // Record: shard (2 bytes), token length (1), token, document number (4).
      var record: [UInt8] = [UInt8(shard >> 8), UInt8(shard & 0xFF), UInt8(token.count)]
      record.reserveCapacity(token.count + 7)
      record += token
      for shift in stride(from: 24, through: 0, by: -8) { record.append(UInt8(truncatingIfNeeded: number >> shift)) }
      try bucketWriters[shard % Self.buckets].write(record)
    }
    if let sender = message.sender { members[sender] = senderName }
    documents.append(
      .array([
        .string(page), .string(MessageRenderer.anchor(message.id)), .string(senderName), .integer(message.timestamp),
        .string(String(text.prefix(160))), .string(message.sender ?? ""), .string(conversation), .string(when),
      ]))
    if documents.count == Self.documentsPerShard { try flushDocuments() }
  }

  private static let digits = Array("0123456789abcdefghijklmnopqrstuvwxyz".utf8)

  static func appendBase36(_ value: Int, to out: inout [UInt8]) {
    if value < 36 {
      out.append(digits[value])
      return
    }
    var reversed: [UInt8] = []
    var rest = value
    while rest > 0 {
      reversed.append(digits[rest % 36])
      rest /= 36
    }
    out += reversed.reversed()
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
    guard !documents.isEmpty else { return }
    let shard = (count - 1) / Self.documentsPerShard
    try write("d/\(shard).js", "chatbundleSearch.docs(\(shard),", .array(documents))
    documents = []
  }

  func finish() throws {
    try flushDocuments()
    for writer in bucketWriters { try writer.close() }
    for bucket in 0..<Self.buckets {
      let path = scratch + "/search-bucket-\(bucket)"
      let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
      try FileManager.default.removeItem(atPath: path)
      // Keyed by shard (2 bytes), length (1) and token: postings in document order, each
      // list grown in place (copying it on every append would be quadratic).
      var postings: [[UInt8]: [UInt8]] = [:]
      var lastNumber: [[UInt8]: Int] = [:]
      var index = 0
      while index + 3 <= bytes.count {
        let length = Int(bytes[index + 2])
        let key = Array(bytes[index..<(index + 3 + length)])
        var number = 0
        for byte in bytes[(index + 3 + length)..<(index + 7 + length)] { number = number << 8 | Int(byte) }
        index += 7 + length
        let previous = lastNumber.updateValue(number, forKey: key)
        if previous != nil { postings[key, default: []].append(UInt8(ascii: ",")) }
        Self.appendBase36(previous.map { number - $0 } ?? number, to: &postings[key, default: []])
      }
      var shard = -1
      var map = JSONObject()
      func writeShard() throws {
        guard shard >= 0 else { return }
        let name = SearchTokenizer.shardName(shard)
        try write("t/\(name).js", "chatbundleSearch.tokens(\"\(name)\",", .object(map))
        map = JSONObject()
      }
      for key in postings.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
        let keyShard = Int(key[0]) << 8 | Int(key[1])
        if keyShard != shard {
          try writeShard()
          shard = keyShard
        }
        map.members.append(
          JSONObject.Member(
            String(decoding: key[3...], as: UTF8.self), .string(String(decoding: postings[key] ?? [], as: UTF8.self))))
      }
      try writeShard()
    }
    let people = JSONValue.object(
      JSONObject(members.sorted { $0.key < $1.key }.map { JSONObject.Member($0.key, .string($0.value)) }))
    try write("members.js", "chatbundleSearch.members(", people)
    try write("meta.js", "chatbundleSearch.meta(", .object(JSONObject(["documents": .integer(count)])))
  }

  /// A script that hands JSON to the page; `<` is escaped too, so no data can close a
  /// script element, and the writer already escapes U+2028 and U+2029.
  private func write(_ name: String, _ prefix: String, _ value: JSONValue) throws {
    var bytes = Array(prefix.utf8)
    for byte in JSONWriter.serialize(value) {
      if byte == UInt8(ascii: "<") { bytes += Array("\\u003c".utf8) } else { bytes.append(byte) }
    }
    bytes += Array(");\n".utf8)
    try Data(bytes).write(to: URL(fileURLWithPath: directory + "/" + name))
  }
}
