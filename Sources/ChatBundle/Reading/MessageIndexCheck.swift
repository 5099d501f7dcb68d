/// Whether `index/message-ids.ndjson` holds exactly the messages of the conversation
/// files, each once: the exact form of spec §10.3 check 2.
///
/// The index is sorted by id and the conversation files by time, so the messages' index
/// lines are sorted by id in bounded memory (spilling to disk past a budget) and their
/// SHA-256, taken in that order, is compared with the SHA-256 of the index file as read.
/// Equal digests mean equal files, as far as SHA-256 resists collisions; unlike a sum of
/// per-line digests, no choice of lines can make two different sets agree. A message id
/// found in two conversation files shows up as two neighbours in the sorted order.
final class MessageIndexCheck {
  private let sorter: ExternalSorter
  private let conversations: [Identifier]
  private let position: [Identifier: UInt32]
  private let scratch: LazyScratchDirectory
  private(set) var count: Int64 = 0

  init(conversations: [ConversationEntry], scratchDirectory: String?, memoryBudget: Int) {
    self.conversations = conversations.map(\.id)
    var position: [Identifier: UInt32] = [:]
    for (index, conversation) in conversations.enumerated() { position[conversation.id] = UInt32(index) }
    self.position = position
    let scratch = LazyScratchDirectory(in: scratchDirectory, prefix: ".chatbundle-verify")
    self.scratch = scratch
    sorter = ExternalSorter(name: "message-ids", memoryBudget: memoryBudget) { try scratch.path() }
  }

  /// Adds the index line of a message at `line` of `conversation`'s file.
  func add(id: Identifier, conversation: Identifier, line: Int64) throws {
    guard let number = position[conversation] else { return }
    // The line and the conversation's position, big-endian: 12 bytes, not a line. (In this
    // order the tuple has no padding inside its first 12 bytes.)
    let payload = (UInt64(bitPattern: line).bigEndian, UInt32(number).bigEndian)
    try id.withBytes { key in
      try withUnsafeBytes(of: payload) { packed in
        try sorter.add(key: key, payload: UnsafeRawBufferPointer(rebasing: packed[0..<12]))
      }
    }
    count += 1
  }

  enum Outcome: Equatable {
    case matches
    /// The index file's bytes differ from the messages' lines.
    case differs
    /// A message id stands in two conversation files (or twice in one).
    case repeated(Identifier)
  }

  /// Compares the messages' lines, sorted, with the index file's digest.
  func compare(withIndexDigest digest: [UInt8]) throws -> Outcome {
    // `,"<conversation>",` once per conversation; each line is then written in place.
    let middles: [[UInt8]] = conversations.map { conversation in
      var bytes: [UInt8] = [UInt8(ascii: ",")]
      JSONWriter.writeString(conversation.text, to: &bytes)
      bytes.append(UInt8(ascii: ","))
      return bytes
    }
    var hash = SHA256Digest()
    var line: [UInt8] = []
    var previous: [UInt8]?
    var repeated: Identifier?
    var malformed = false
    try sorter.sorted().forEach { key, payload in
      if repeated == nil, let previous, key.elementsEqual(previous) {
        repeated = Identifier(String(decoding: key, as: UTF8.self))
      }
      previous = Array(key)
      let lineNumber = readBigEndian(UInt64.self, from: payload)
      let number = Int(readBigEndian(UInt32.self, from: payload.dropFirst(8)))
      guard middles.indices.contains(number) else {
        malformed = true
        return
      }
      line.removeAll(keepingCapacity: true)
      line.append(UInt8(ascii: "["))
      key.withUnsafeBufferPointer { JSONWriter.writeString(utf8: $0, to: &line) }
      line.append(contentsOf: middles[number])
      line.append(contentsOf: String(lineNumber).utf8)
      line.append(contentsOf: [UInt8(ascii: "]"), 0x0A])
      hash.update(line)
    }
    if let repeated { return .repeated(repeated) }
    return !malformed && hash.finalizeBytes() == digest ? .matches : .differs
  }
}
