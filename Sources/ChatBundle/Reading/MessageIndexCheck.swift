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
    var payload: [UInt8] = []
    payload.reserveCapacity(12)
    appendBigEndian(number, to: &payload)
    appendBigEndian(UInt64(bitPattern: line), to: &payload)
    try sorter.add(key: id.bytes, payload: payload)
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
    let sorted = try sorter.sorted()
    var hash = SHA256Digest()
    var previous: [UInt8]?
    var repeated: Identifier?
    while let record = try sorted.next() {
      let id = Identifier(String(decoding: record.key, as: UTF8.self))
      if record.key == previous, repeated == nil { repeated = id }
      previous = record.key
      let number = Int(readBigEndian(UInt32.self, from: record.payload[...]))
      let line = Int64(bitPattern: readBigEndian(UInt64.self, from: record.payload.dropFirst(4)))
      guard conversations.indices.contains(number) else { return .differs }
      hash.update(ConversationStatistics.messageIndexLine(id: id, conversation: conversations[number], line: line))
    }
    if let repeated { return .repeated(repeated) }
    return hash.finalizeBytes() == digest ? .matches : .differs
  }
}
