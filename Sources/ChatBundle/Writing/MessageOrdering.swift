/// The two sorts of a pack: messages by id, to keep one copy of each, then by
/// conversation, time and id, the order the conversation files are written in. Both in
/// bounded memory, spilling to the pack's scratch directory.
final class MessageOrdering {
  private let directory: String
  private let memoryBudget: Int
  private let byID: ExternalSorter

  init(directory: String, memoryBudget: Int) {
    self.directory = directory
    self.memoryBudget = memoryBudget
    byID = ExternalSorter(directory: directory, name: "by-id", memoryBudget: memoryBudget)
  }

  /// Adds a message's line, read from line `line` (and array element `element`) of input
  /// `input`, with what placing it needs (`PlacementFacts.encoded()`).
  func add(
    _ message: Message, line serialized: [UInt8], facts: [UInt8], input: Int, line: Int64, element: Int64?
  ) throws {
    var key = message.id.bytes
    key.append(0)
    appendBigEndian(UInt64(input), to: &key)
    appendBigEndian(UInt64(line), to: &key)
    appendBigEndian(UInt64(element ?? 0), to: &key)
    var payload: [UInt8] = []
    let conversation = message.conversation.bytes
    payload.reserveCapacity(20 + conversation.count + facts.count + serialized.count)
    appendBigEndian(UInt64(conversation.count), to: &payload)
    payload += conversation
    appendBigEndian(UInt64(message.timestamp), to: &payload)
    appendBigEndian(UInt32(facts.count), to: &payload)
    payload += facts
    payload += serialized
    try byID.add(key: key, payload: payload)
  }

  /// What keeping one copy of each id found.
  struct Duplicates {
    /// Identical copies, stored once.
    var identical: Int64 = 0
    /// Differing copies left out because the first was kept.
    var skipped: [Manifest.SkippedRecord] = []
  }

  /// The lines in conversation order, one per message id, each record's payload the
  /// message's facts and line (`PlacementFacts.split`): identical copies are counted,
  /// differing ones are an error unless the first (by input, then line) is to be kept.
  /// - Parameter inputName: the name of an input, by its index.
  func inConversationOrder(keepingFirstDuplicate keepFirst: Bool, inputName: (Int) -> String) throws
    -> (lines: SortedRecords, duplicates: Duplicates)
  {
    let sorted = try byID.sorted()
    let byConversation = ExternalSorter(directory: directory, name: "by-conversation", memoryBudget: memoryBudget)
    var duplicates = Duplicates()
    var current:
      (id: ArraySlice<UInt8>, origin: String, line: ArraySlice<UInt8>, placed: ArraySlice<UInt8>, key: [UInt8])?
    func flush() throws {
      guard let current else { return }
      try byConversation.add(key: current.key, payload: Array(current.placed))
    }
    while let record = try sorted.next() {
      guard let separator = record.key.firstIndex(of: 0), record.key.count == separator + 25 else {
        throw ChatBundleError.io(path: directory, message: "corrupt sort record")
      }
      let id = record.key[..<separator]
      let input = Int(readBigEndian(UInt64.self, from: record.key[(separator + 1)...]))
      let lineNumber = Int64(readBigEndian(UInt64.self, from: record.key[(separator + 9)...]))
      let element = readBigEndian(UInt64.self, from: record.key[(separator + 17)...])
      let name = inputName(input)
      let origin = "\(name):\(lineNumber)" + (element > 0 ? " element \(element)" : "")
      guard let (conversation, timestamp, placed) = Self.split(record.payload),
        let line = PlacementFacts.split(placed)?.line
      else { throw ChatBundleError.io(path: directory, message: "corrupt sort record") }
      if let existing = current, existing.id == id {
        let idText = String(decoding: id, as: UTF8.self)
        if existing.line == line {
          duplicates.identical += 1
        } else if keepFirst {
          duplicates.skipped.append(
            Manifest.SkippedRecord(
              input: name, line: lineNumber,
              reason: "conflicting duplicate of message \(idText) kept from \(existing.origin)"
                + (element > 0 ? " (this copy: element \(element))" : "") + Self.mediaNotBundled(line),
              messageID: idText))
        } else {
          throw ChatBundleError.conflictingDuplicate(id: idText, first: existing.origin, second: origin)
        }
        continue
      }
      try flush()
      var key = Array(conversation)
      key.append(0)
      appendBigEndian(UInt64(timestamp), to: &key)
      key += id
      current = (id, origin, line, placed, key)
    }
    try flush()
    return (try byConversation.sorted(), duplicates)
  }

  /// What a dropped copy's media were, so that the record of the drop says which files the
  /// bundle does not hold because of it.
  private static func mediaNotBundled(_ line: ArraySlice<UInt8>) -> String {
    guard let value = try? JSONParser.parse(line), let message = try? Message(json: value) else { return "" }
    let files = message.mediaReferences.map { path, reference in
      let name = reference.name.map { "\"\($0)\"" } ?? path.description
      return reference.sha256.map { "\(name) sha256 \($0)" } ?? "\(name) (\(reference.missing ?? "missing"))"
    }
    return files.isEmpty ? "" : "; its media, not bundled: " + files.joined(separator: ", ")
  }

  /// A by-id record's payload as its conversation, time, facts and line; nil when it is
  /// cut short.
  private static func split(_ payload: [UInt8]) -> (ArraySlice<UInt8>, Int64, ArraySlice<UInt8>)? {
    guard payload.count >= 16 else { return nil }
    let conversationLength = readBigEndian(UInt64.self, from: payload[...])
    guard conversationLength <= UInt64(payload.count - 16) else { return nil }
    let conversationEnd = 8 + Int(conversationLength)
    let timestamp = readBigEndian(UInt64.self, from: payload[conversationEnd...])
    return (payload[8..<conversationEnd], Int64(bitPattern: timestamp), payload[(conversationEnd + 8)...])
  }
}
