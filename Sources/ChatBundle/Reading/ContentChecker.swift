/// Checks the content of one listed entry as its bytes stream past, by role: message
/// lines against the schema and order rules, index and people lines against their forms.
struct ContentChecker {
  private unowned let pass: VerificationPass
  private let entry: Manifest.FileEntry
  private let manifest: Manifest
  private var lines: LineAccumulator
  private var statistics: ConversationStatistics?
  private let conversation: ConversationEntry?
  private var previousKey: (Int64, [UInt8])?
  private var previousIndexID: [UInt8]?
  private var offset: Int64 = 0
  private var lineProblems = 0

  init(pass: VerificationPass, entry: Manifest.FileEntry, manifest: Manifest) {
    self.pass = pass
    self.entry = entry
    self.manifest = manifest
    lines = LineAccumulator(maximumLineBytes: pass.limits.lineBytes)
    conversation = entry.role == .messages ? pass.conversation(at: entry.path) : nil
    if let conversation { statistics = ConversationStatistics(conversation: conversation.id) }
  }

  var isLineOriented: Bool { entry.role != .media }

  mutating func consume(_ chunk: UnsafeRawBufferPointer) {
    guard isLineOriented else { return }
    var collected: [(ArraySlice<UInt8>, Int64)] = []
    lines.push(chunk) { line, number in collected.append((line, number)) }
    for (line, number) in collected { handle(line, number: number, terminated: true) }
  }

  mutating func finish() {
    guard isLineOriented else { return }
    if let (line, number) = lines.finish() { handle(line, number: number, terminated: false) }
    switch entry.path {
    case BundleLayout.messageIndex: pass.messageIndexRead()
    default: break
    }
    guard let statistics, let conversation else { return }
    pass.countConversation()
    let actual = SHA256Digest().updated(statistics.indexLine())
    if let recorded = pass.takeIndexLine(conversation: conversation.id) {
      if recorded != actual {
        pass.add(
          .indexMismatch, BundleLayout.conversationIndex,
          "the line for '\(conversation.id)' does not match its messages")
      }
    } else {
      pass.add(.indexMismatch, BundleLayout.conversationIndex, "no index line for conversation '\(conversation.id)'")
    }
    if statistics.messageCount != conversation.messageCount || statistics.firstTimestamp != conversation.firstTimestamp
      || statistics.lastTimestamp != conversation.lastTimestamp
    {
      pass.add(
        .conversationMismatch, entry.path,
        "the manifest says \(conversation.messageCount) messages from \(conversation.firstTimestamp) to \(conversation.lastTimestamp); the file has \(statistics.messageCount) from \(statistics.firstTimestamp) to \(statistics.lastTimestamp)"
      )
    }
  }

  private mutating func handle(_ line: ArraySlice<UInt8>, number: Int64, terminated: Bool) {
    let lineStart = offset
    offset += Int64(line.count) + (terminated ? 1 : 0)
    if number < 0 {
      report(.limitExceeded, line: -number, "line longer than \(pass.limits.lineBytes) bytes")
      return
    }
    if !terminated { report(.ndjsonFraming, line: number, "the last line has no newline") }
    if line.isEmpty {
      report(.ndjsonFraming, line: number, "blank line")
      return
    }
    if line.last == 0x0D { report(.ndjsonFraming, line: number, "line ends with CR (\\r\\n); lines end with \\n only") }
    if number == 1, line.starts(with: [0xEF, 0xBB, 0xBF]) { report(.ndjsonFraming, line: number, "byte order mark") }
    if containsRawLineSeparator(line) {
      report(.rawLineSeparator, line: number, "raw U+2028 or U+2029 in the line; writers escape them")
    }
    if entry.path == BundleLayout.messageIndex,
      let fields = ConversationStatistics.canonicalMessageIndexFields(line)
    {
      // Most of a bundle's lines are these; the canonical ones need no JSON tree.
      acceptMessageIndex(id: fields.id, line: line, number: number)
      return
    }
    let value: JSONValue
    do {
      value = try JSONParser.parse(line, options: pass.lineOptions)
    } catch {
      report(.recordNotJSON, line: number, error.description)
      return
    }
    switch entry.role {
    case .messages: checkMessage(value, number: number, offset: lineStart)
    case .people: checkPerson(value, number: number)
    case .index:
      var full = Array(line)
      full.append(0x0A)
      if entry.path == BundleLayout.conversationIndex {
        checkConversationIndex(value, line: full, number: number)
      } else {
        checkMessageIndex(value, line: full, number: number)
      }
    case .media: break
    }
  }

  private mutating func checkMessage(_ value: JSONValue, number: Int64, offset: Int64) {
    let message: Message
    do {
      message = try Message(json: value)
    } catch {
      report(.recordSchema, line: number, error.description)
      return
    }
    guard let conversation else { return }
    if message.conversation != conversation.id {
      report(
        .conversationMismatch, line: number,
        "message \(message.id) belongs to '\(message.conversation)', not '\(conversation.id)'")
    }
    let key = (message.timestamp, message.id.bytes)
    if let previous = previousKey {
      if previous.0 == key.0 && previous.1 == key.1 {
        report(.duplicateMessageID, line: number, "message \(message.id) appears twice")
      } else if previous.0 > key.0 || (previous.0 == key.0 && !previous.1.lexicographicallyPrecedes(key.1)) {
        report(.messageOrder, line: number, "message \(message.id) is out of (time, id) order")
      }
    }
    previousKey = key
    for (path, reference) in message.mediaReferences {
      let field = path.description
      if let sha = reference.sha256 {
        guard let stored = pass.markReferenced(sha256: sha) else {
          report(.unresolvedMedia, line: number, "\(field) refers to \(sha), which the manifest does not list as media")
          continue
        }
        if reference.size != stored.size {
          report(
            .unresolvedMedia, line: number,
            "\(field) says \(reference.size ?? -1) bytes, the stored file has \(stored.size)")
        }
      } else {
        pass.addMissing(
          fromMessage: missingLine(
            message.id, message.conversation, field, reference.missing ?? "", reference.name, reference.sourceReference)
        )
      }
    }
    statistics?.add(message, offset: offset, line: number)
    pass.addMessageIndexLine(
      fromConversation: ConversationStatistics.messageIndexLine(
        id: message.id, conversation: message.conversation, line: number))
    pass.countMessage()
    pass.delegate?.didReadMessage(message, line: number, in: conversation)
  }

  private mutating func checkPerson(_ value: JSONValue, number: Int64) {
    guard case .object(let object) = value, object.keys == ["id", "name"],
      let id = Identifier.ifValid(object["id"]?.stringValue), let name = object["name"]?.stringValue
    else {
      report(.recordSchema, line: number, "a person is {\"id\": string, \"name\": string}")
      return
    }
    if advanceKey(to: id.text) != .ascending {
      report(.recordSchema, line: number, "people must be sorted by id without repeats")
    }
    pass.delegate?.didReadPerson(id: id, name: name)
  }

  private mutating func checkConversationIndex(_ value: JSONValue, line: [UInt8], number: Int64) {
    guard let id = value.objectValue?["id"]?.stringValue else {
      report(.indexMismatch, line: number, "an index line needs a string \"id\"")
      return
    }
    if advanceKey(to: id) != .ascending {
      report(.indexMismatch, line: number, "index lines must be sorted by conversation id without repeats")
    }
    if !pass.recordIndexLine(conversation: Identifier(id), digest: SHA256Digest().updated(line)) {
      report(.indexMismatch, line: number, "conversation '\(id)' has two index lines")
    }
  }

  private mutating func checkMessageIndex(_ value: JSONValue, line: [UInt8], number: Int64) {
    guard case .array(let items) = value, items.count == 3, let id = items[0].stringValue,
      let conversationID = items[1].stringValue, let lineNumber = items[2].int64Value, lineNumber > 0,
      ConversationStatistics.messageIndexLine(
        id: Identifier(id), conversation: Identifier(conversationID), line: lineNumber) == line
    else {
      report(.indexMismatch, line: number, "an index line is [\"<message id>\",\"<conversation id>\",<line>]")
      return
    }
    acceptMessageIndex(id: id, line: line.dropLast(), number: number)
  }

  /// The order and multiset checks of a well-formed message-index line.
  /// - Parameter line: the line without its newline.
  private mutating func acceptMessageIndex(id: String, line: ArraySlice<UInt8>, number: Int64) {
    switch advanceKey(to: id) {
    case .ascending: break
    case .repeated: report(.duplicateMessageID, line: number, "message id \(id) is indexed twice")
    case .descending: report(.indexMismatch, line: number, "index lines must be sorted by message id")
    }
    pass.addMessageIndexLine(fromIndex: line)
  }

  private enum KeyOrder { case ascending, repeated, descending }

  /// Where `id` stands against the previous line's key (people and index lines are sorted
  /// bytewise by id); the first line is ascending.
  private mutating func advanceKey(to id: String) -> KeyOrder {
    let key = Array(id.utf8)
    defer { previousIndexID = key }
    guard let previous = previousIndexID else { return .ascending }
    if previous == key { return .repeated }
    return previous.lexicographicallyPrecedes(key) ? .ascending : .descending
  }

  private mutating func report(_ code: IssueCode, line: Int64, _ message: String) {
    lineProblems += 1
    pass.add(VerificationIssue(code, path: entry.path, line: line, message))
  }

  private func containsRawLineSeparator(_ line: ArraySlice<UInt8>) -> Bool {
    // U+2028 and U+2029 are E2 80 A8 and E2 80 A9.
    line.withUnsafeBufferPointer { containsSequence($0, 0xE2, 0x80) { $0 == 0xA8 || $0 == 0xA9 } }
  }

}

extension SHA256Digest {
  func updated(_ bytes: [UInt8]) -> [UInt8] {
    var copy = self
    copy.update(bytes)
    return copy.finalizeBytes()
  }
}
