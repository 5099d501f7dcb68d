import ChatBundle
import Foundation

/// Writes the site's search index as small script files, which load from `file://` where
/// `fetch()` is blocked: `search/t/<shard>.js` map tokens to posting lists (delta-coded
/// document numbers in base 36), inline when short and otherwise in pieces of about 32 KB
/// (`search/p/…`, see `PostingListWriter`); `search/d/<n>.js` hold 64 documents each (page,
/// message id, sender, local time, snippet), `search/c/<conversation>.js` the title and the
/// run of document numbers of each conversation (`c=` on the search page). A query loads one
/// token shard per token, the pieces its page of hits is in and their document shards.
///
/// Tokens and their documents gather in a `TokenTable`. When it fills, each token's
/// postings become one segment, keyed by (shard, token, segment number), in an external
/// sort; at the end the sorted segments of a token follow each other in document order and
/// are joined into its list. Memory stays bounded whatever the size of the bundle.
final class SearchIndexWriter {
  static let documentsPerShard = 64
  static let piecesPerQuery = 32
  private let directory: String
  private var table = TokenTable()
  private let segments: ExternalSorter
  private var segmentCount: UInt32 = 0
  private var documents: [UInt8] = []
  private var documentsInShard = 0
  /// The pages (and their conversations) of the documents in the current shard.
  private var shardPages: [(page: String, conversation: String)] = []
  private(set) var count = 0
  private var members: [Identifier: String] = [:]
  /// The conversation whose documents are being numbered, and its first document. A
  /// conversation's messages arrive one after another, so its documents are one run.
  private var conversation: (directory: String, title: String, first: Int)?

  init(siteDirectory: String, scratch: String) throws {
    directory = siteDirectory + "/search"
    for sub in ["search/t", "search/p", "search/d", "search/c"] { try makeDirectories(sub, in: siteDirectory) }
    segments = ExternalSorter(directory: scratch, name: "search-postings", memoryBudget: 16 << 20)
  }

  /// One message as search sees it, built on the rendering thread and indexed on another.
  struct Entry {
    var text: String
    var page: String
    /// The conversation's directory (`c/…`), which its pages are in.
    var directory: String
    var id: Identifier
    var sender: Identifier?
    var senderName: String
    var conversation: String
    /// The message's local time, shown with each hit as the pages show it.
    var local: LocalTime

    init(
      _ message: Message, page: String, directory: String, senderName: String, conversation: String, local: LocalTime
    ) {
      text = SearchIndexWriter.searchableText(message)
      self.page = page
      self.directory = directory
      id = message.id
      sender = message.sender
      self.senderName = senderName
      self.conversation = conversation
      self.local = local
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
    if conversation?.directory != entry.directory {
      try flushConversation()
      conversation = (entry.directory, entry.conversation, count)
    }
    let number = Int32(truncatingIfNeeded: count)
    count += 1
    let text = entry.text
    // The table is moved into a local for the message, so the per-token calls pay for no
    // exclusivity checks on a class property.
    var tokens = TokenTable()
    swap(&tokens, &table)
    SearchTokenizer.forEachToken(in: text) { token in tokens.add(token, document: number) }
    swap(&tokens, &table)
    if table.isFull { try flushTokens() }
    if let sender = entry.sender { members[sender] = entry.senderName }
    // [page number in the shard's page list, message id, sender id, snippet, local time];
    // names come from members.js, and the shard lists each page (with its conversation)
    // once, since neighbouring documents mostly share them.
    let pageNumber: Int
    if let last = shardPages.last, last.page == entry.page {
      pageNumber = shardPages.count - 1
    } else if let found = shardPages.firstIndex(where: { $0.page == entry.page }) {
      pageNumber = found
    } else {
      shardPages.append((entry.page, entry.conversation))
      pageNumber = shardPages.count - 1
    }
    documents.append(UInt8(ascii: documentsInShard == 0 ? "[" : ","))
    documents.append(UInt8(ascii: "["))
    documents += String(pageNumber).utf8
    for field in [entry.id.text, entry.sender?.text ?? "", Self.snippet(text)] {
      documents.append(UInt8(ascii: ","))
      JSONWriter.writeString(field, to: &documents)
    }
    // Digits and separators only: nothing to escape.
    documents += [UInt8(ascii: ","), UInt8(ascii: "\"")]
    entry.local.appendDateTime(to: &documents)
    documents += [UInt8(ascii: "\""), UInt8(ascii: "]")]
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

  /// What search finds a message by: its text, file names, titles, event fields and
  /// addresses, taken from the stored members so that every kind is covered alike.
  static func searchableText(_ message: Message) -> String {
    // Most messages are text alone, which needs no joining.
    if case .text(let text) = message.body, message.parts.isEmpty, !message.hasUnusedMembers,
      message.edited?.history.isEmpty ?? true
    {
      return text
    }
    let members = message.contentMembers
    var parts: [String] = []
    if let text = members.text { parts.append(text) }
    if let name = members.media?.name { parts.append(name) }
    if let merged = members.merged {
      parts += [merged.title, merged.summary].compactMap { $0 }
      parts += merged.items.compactMap(\.contentMembers.text)
    }
    if let custom = members.custom { parts += [custom.event].compactMap { $0 } + custom.fields.map(\.value) }
    if let address = members.location?.address { parts.append(address) }
    for part in message.parts {
      let content = part.contentMembers
      parts += [content.text, content.media?.name].compactMap { $0 }
    }
    // Words edited away still find the message: an auditor looks for what was said.
    parts += message.edited?.history.map(\.text) ?? []
    return parts.joined(separator: "\n")
  }

  /// `{"pages":[[page, conversation], …],"docs":[…]}`
  private func flushDocuments() throws {
    guard documentsInShard > 0 else { return }
    let shard = (count - 1) / Self.documentsPerShard
    var shardJSON = Array(#"{"pages":["#.utf8)
    for (index, page) in shardPages.enumerated() {
      if index > 0 { shardJSON.append(UInt8(ascii: ",")) }
      shardJSON.append(UInt8(ascii: "["))
      JSONWriter.writeString(page.page, to: &shardJSON)
      shardJSON.append(UInt8(ascii: ","))
      JSONWriter.writeString(page.conversation, to: &shardJSON)
      shardJSON.append(UInt8(ascii: "]"))
    }
    shardJSON += Array(#"],"docs":"#.utf8)
    shardJSON += documents
    shardJSON += Array("]}".utf8)
    try write("d/\(shard).js", "chatbundleSearch.docs(\(shard),", serialized: shardJSON)
    documents.removeAll(keepingCapacity: true)
    shardPages.removeAll(keepingCapacity: true)
    documentsInShard = 0
  }

  /// `search/c/<conversation>.js`: `{"title": …, "first": n, "last": m}`, the documents
  /// `n…m` being the conversation's, so that a search within it cuts its hits out of a
  /// posting list without loading a document shard.
  private func flushConversation() throws {
    guard let conversation, count > conversation.first else { return }
    self.conversation = nil
    let name = String(conversation.directory.dropFirst(2))
    let scope = JSONObject([
      "title": .string(conversation.title), "first": .integer(conversation.first), "last": .integer(count - 1),
    ])
    // The name is the hex of the conversation's file name: nothing to escape.
    try write(conversation.directory + ".js", "chatbundleSearch.scope(\"\(name)\",", .object(scope))
  }

  /// The start of a message's searchable text, shown under each hit.
  static func snippet(_ text: String) -> String {
    if text.utf8.count <= snippetScalars { return text }
    var end = text.unicodeScalars.startIndex
    var taken = 0
    while taken < snippetScalars, end < text.unicodeScalars.endIndex {
      text.unicodeScalars.formIndex(after: &end)
      taken += 1
    }
    return String(text.unicodeScalars[..<end])
  }

  static let snippetScalars = 100

  /// Each token of the table becomes one sorted segment: its first and last document and
  /// their count (4 bytes each, big-endian), then the base-36 gaps after the first, each
  /// after a comma.
  private func flushTokens() throws {
    guard !table.isEmpty else { return }
    let segment = segmentCount
    segmentCount += 1
    try table.documentsByToken { index, documents in
      guard let first = documents.first, let last = documents.last else { return }
      let token = table.key(of: index)
      let shard = SearchTokenizer.shardNumber(token)
      var key: [UInt8] = [UInt8(shard >> 8), UInt8(shard & 0xFF), UInt8(truncatingIfNeeded: token.count)]
      key += token
      appendBigEndian(segment, to: &key)
      var payload: [UInt8] = []
      payload.reserveCapacity(12 + documents.count * 3)
      appendBigEndian(first, to: &payload)
      appendBigEndian(last, to: &payload)
      appendBigEndian(UInt32(truncatingIfNeeded: documents.count), to: &payload)
      var previous = first
      for document in documents.dropFirst() {
        payload.append(UInt8(ascii: ","))
        Self.appendBase36(Int(document - previous), to: &payload)
        previous = document
      }
      try segments.add(key: key, payload: payload)
    }
    table.removeAll()
  }

  func finish() throws {
    if let failure { throw failure }
    try flushDocuments()
    try flushConversation()
    try flushTokens()
    let sorted = try segments.sorted()
    var shard = -1
    var shardJSON: [UInt8] = []
    var tokenKey: ArraySlice<UInt8> = []
    // The lists of a shard that need pieces, numbered in token order: `<shard>.<n>`.
    var listsWithPieces = 0
    let newList = { (shard: Int) in
      PostingListWriter(
        nameStem: {
          defer { listsWithPieces += 1 }
          return "\(SearchTokenizer.shardName(shard)).\(listsWithPieces)"
        },
        writePiece: { [self] name, text in
          try write(
            "p/\(name).js", "chatbundleSearch.piece(\"\(name)\",",
            serialized: Array("\"".utf8) + text + Array("\"".utf8))
        })
    }
    var list = newList(0)
    func endToken() throws {
      guard !tokenKey.isEmpty else { return }
      shardJSON.append(UInt8(ascii: shardJSON.isEmpty ? "{" : ","))
      JSONWriter.writeString(String(decoding: tokenKey.dropFirst(3), as: UTF8.self), to: &shardJSON)
      shardJSON.append(UInt8(ascii: ":"))
      try list.finish(into: &shardJSON)
    }
    func writeShard() throws {
      guard shard >= 0 else { return }
      let name = SearchTokenizer.shardName(shard)
      shardJSON.append(UInt8(ascii: "}"))
      try write("t/\(name).js", "chatbundleSearch.tokens(\"\(name)\",", serialized: shardJSON)
      shardJSON.removeAll(keepingCapacity: true)
    }
    while let (key, payload) = try sorted.next() {
      guard key.count >= 7, payload.count >= 12 else { throw RenderError.output("a search segment is damaged") }
      let thisToken = key[0..<(key.count - 4)]
      if thisToken != tokenKey {
        try endToken()
        let keyShard = Int(key[0]) << 8 | Int(key[1])
        if keyShard != shard {
          try writeShard()
          shard = keyShard
          listsWithPieces = 0
        }
        tokenKey = thisToken
        list = newList(shard)
      }
      // A token's later segments continue its list.
      try list.add(
        first: readBigEndian(UInt32.self, from: payload[0...]), gaps: payload[12...],
        count: Int(readBigEndian(UInt32.self, from: payload[8...])),
        last: readBigEndian(UInt32.self, from: payload[4...]))
    }
    try endToken()
    try writeShard()
    let people = JSONValue.object(
      JSONObject(members.sorted { $0.key < $1.key }.map { JSONObject.Member($0.key.text, .string($0.value)) }))
    try write("members.js", "chatbundleSearch.members(", people)
    // How many pieces of posting lists one query may load (about 32 KB each) before it says
    // that it stopped: what a word common with another common word costs at most.
    let meta = JSONObject([
      "documents": .integer(count), "documentsPerShard": .integer(Int64(Self.documentsPerShard)),
      "piecesPerQuery": .integer(Int64(Self.piecesPerQuery)),
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
    appendReplacing([UInt8(ascii: "<")], with: Array("\\u003c".utf8), in: serialized, to: &bytes)
    bytes += Array(");\n".utf8)
    try writeNewFile(directory + "/" + name, bytes)
  }
}
