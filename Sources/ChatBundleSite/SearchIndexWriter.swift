import ChatBundle
import Foundation

/// Writes the site's search index as small script files, which load from `file://` where
/// `fetch()` is blocked: `search/t/<shard>.js` map tokens to posting lists (delta-coded
/// document numbers in base 36), `search/d/<n>.js` hold 64 documents each (page, anchor,
/// sender, time, snippet). A query loads one token shard per token and the document shards
/// of the hits it shows. Postings go through an external sort, so memory stays bounded.
final class SearchIndexWriter {
  static let documentsPerShard = 64
  private let directory: String
  private let sorter: ExternalSorter
  private var documents: [JSONValue] = []
  private(set) var count = 0
  private var members: [String: String] = [:]

  init(siteDirectory: String, scratch: String) throws {
    directory = siteDirectory + "/search"
    for sub in ["t", "d"] {
      try FileManager.default.createDirectory(atPath: directory + "/" + sub, withIntermediateDirectories: true)
    }
    sorter = ExternalSorter(directory: scratch, name: "search", memoryBudget: 48 << 20)
  }

  /// - Parameter when: the message's local date and time as the pages show it.
  func add(_ message: Message, page: String, senderName: String, conversation: String, when: String) throws {
    let number = count
    count += 1
    let text = Self.searchableText(message)
    for token in SearchTokenizer.tokens(text) {
      var key = Array(SearchTokenizer.shard(token).utf8)
      key += Array(token.utf8)
      key.append(0)
      for shift in stride(from: 24, through: 0, by: -8) { key.append(UInt8(truncatingIfNeeded: number >> shift)) }
      try sorter.add(key: key, payload: [])
    }
    if let sender = message.sender { members[sender] = senderName }
    documents.append(
      .array([
        .string(page), .string(MessageRenderer.anchor(message.id)), .string(senderName), .integer(message.timestamp),
        .string(String(text.prefix(160))), .string(message.sender ?? ""), .string(conversation), .string(when),
      ]))
    if documents.count == Self.documentsPerShard { try flushDocuments() }
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
    let records = try sorter.sorted()
    var shard = ""
    var map = JSONObject()
    var token = ""
    var postings = ""
    var previous = -1
    func endToken() {
      if !token.isEmpty { map.members.append(JSONObject.Member(token, .string(postings))) }
      postings = ""
      previous = -1
    }
    func endShard() throws {
      endToken()
      if !shard.isEmpty { try write("t/\(shard).js", "chatbundleSearch.tokens(\"\(shard)\",", .object(map)) }
      map = JSONObject()
    }
    while let record = try records.next() {
      let key = record.key
      let recordShard = String(decoding: key[0..<3], as: UTF8.self)
      let recordToken = String(decoding: key[3..<(key.count - 5)], as: UTF8.self)
      var number = 0
      for byte in key.suffix(4) { number = number << 8 | Int(byte) }
      if recordShard != shard {
        try endShard()
        shard = recordShard
        token = ""
      }
      if recordToken != token {
        endToken()
        token = recordToken
      }
      if number == previous { continue }
      let delta = previous < 0 ? number : number - previous
      postings += (postings.isEmpty ? "" : ",") + String(delta, radix: 36)
      previous = number
    }
    try endShard()
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
