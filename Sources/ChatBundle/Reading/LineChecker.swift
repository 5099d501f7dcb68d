/// Checks the lines of one listed entry as its bytes stream past, by role: message lines
/// against the schema and order rules, index and people lines against their forms. It
/// keeps only what the file itself needs (the previous key, the conversation's statistics)
/// and returns everything else as findings, which the reader weighs against the rest of
/// the bundle.
struct LineChecker {
  enum Finding {
    case issue(VerificationIssue)
    /// A message line; the message itself only when the reader delivers messages.
    case message(Message?, line: Int64)
    case person(id: Identifier, name: String)
    /// A stored media reference, to be found among the listed media files.
    case storedMedia(sha256: String, size: Int64?, field: String, line: Int64)
    /// A missing reference, as the canonical line the manifest's `missing` list must hold.
    case missingMedia([UInt8])
    /// A message of the conversation file: the message-id index must hold its line.
    case indexedMessage(id: Identifier, line: Int64)
    /// A line of the conversation index: its conversation and the SHA-256 of its bytes.
    case conversationIndexLine(id: Identifier, digest: [UInt8], line: Int64)
  }

  /// What a conversation file added up to, for the reader to hold against the manifest
  /// and the conversation index.
  struct ConversationTotals {
    var indexLineDigest: [UInt8]
    var messageCount: Int64
    var firstTimestamp: Int64
    var lastTimestamp: Int64
  }

  private let entry: Manifest.FileEntry
  private let limits: BundleLimits
  private let parseOptions: JSONParser.Options
  private let conversation: ConversationEntry?
  private var lines: LineAccumulator
  private var statistics: ConversationStatistics?
  private var previousKey: (Int64, [UInt8])?
  private var previousIndexID: [UInt8]?
  private var offset: Int64 = 0
  private var findings: [Finding] = []
  private let allowsRedactions: Bool
  private let allowsRevisions: Bool
  /// Where message lines are parsed, ahead of the checks that need their order.
  private let batch: ParallelBatch
  /// A message line parsed as the checks need it, on any thread: by the bundle's format
  /// version (members a later version defines are read only from bundles of that version,
  /// since an older writer may have used the name otherwise), the message itself kept only
  /// when the findings deliver it.
  private let parseLine: @Sendable (ArraySlice<UInt8>) -> ParsedMessageLine
  /// Message lines (and their numbers) parsed ahead of the checks, so that a chunk's
  /// findings may come with a later chunk's. Not when the entry's bytes are delivered too,
  /// whose consumers expect a chunk's messages right after its bytes.
  private var parsing: OrderedBatches<(ArraySlice<UInt8>, Int64), ParsedMessageLine>?
  /// A job is about this many bytes of lines, and this many jobs run ahead of the checks:
  /// big enough that handing work over costs little, small enough to hold little.
  static let parsingBatchBytes = 256 << 10
  static let jobsAhead = 2

  /// - Parameter conversation: the conversation whose file `entry` is, for messages.
  init(
    entry: Manifest.FileEntry, conversation: ConversationEntry?, limits: BundleLimits, parseOptions: JSONParser.Options,
    formatVersion: FormatVersion = .current, features: [String] = [], batch: ParallelBatch = ParallelBatch(threads: 1),
    parsesAhead: Bool = false, deliversMessages: Bool = true
  ) {
    self.batch = batch
    allowsRevisions = features.contains(Manifest.messageRevisionsFeature)
    allowsRedactions = features.contains(Manifest.redactionsFeature)
    self.entry = entry
    self.limits = limits
    self.parseOptions = parseOptions
    self.conversation = conversation
    lines = LineAccumulator(maximumLineBytes: limits.lineBytes)
    if let conversation { statistics = ConversationStatistics(conversation: conversation.id) }
    let parseLine: @Sendable (ArraySlice<UInt8>) -> ParsedMessageLine = {
      Self.parseMessage($0, options: parseOptions, formatVersion: formatVersion, keepsMessage: deliversMessages)
    }
    self.parseLine = parseLine
    if parsesAhead && batch.threads > 1 && entry.role == .messages {
      parsing = OrderedBatches(on: batch, maximumBytes: Self.parsingBatchBytes, jobsAhead: Self.jobsAhead) {
        parseLine($0.0)
      }
    }
  }

  /// Media files are not made of lines.
  static func checks(_ entry: Manifest.FileEntry) -> Bool { entry.role != .media }

  /// The findings of the lines `chunk` completes.
  mutating func consume(_ chunk: UnsafeRawBufferPointer) -> [Finding] {
    var completed: [(ArraySlice<UInt8>, Int64)] = []
    lines.push(chunk) { line, number in completed.append((line, number)) }
    // Parsing is most of a message line's check and needs no other line: it runs on all
    // the batch's threads, and the checks of order and totals then take the lines in turn.
    if parsing != nil {
      for (line, number) in completed {
        for ((line, number), parsed) in parsing?.add((line, number), bytes: line.count) ?? [] {
          handle(line, number: number, terminated: true, parsed: parsed)
        }
      }
      return takeFindings()
    }
    let parsed = entry.role == .messages ? parseAhead(completed.map(\.0)) : nil
    for (index, (line, number)) in completed.enumerated() {
      handle(line, number: number, terminated: true, parsed: parsed?[index])
    }
    return takeFindings()
  }

  /// A message line as parsing left it.
  enum ParsedMessageLine: Sendable {
    /// The message only when it is delivered.
    case message(MessageFacts, Message?)
    case notJSON(String)
    case notMessage(String)
  }

  private func parseAhead(_ lines: [ArraySlice<UInt8>]) -> [ParsedMessageLine] { batch.map(lines, parseLine) }

  static func parseMessage(
    _ line: ArraySlice<UInt8>, options: JSONParser.Options, formatVersion: FormatVersion, keepsMessage: Bool
  ) -> ParsedMessageLine {
    let value: JSONValue
    do { value = try JSONParser.parse(line, options: options) } catch { return .notJSON(error.description) }
    do {
      let message = try Message(json: value, formatVersion: formatVersion)
      return .message(MessageFacts(message), keepsMessage ? message : nil)
    } catch {
      return .notMessage(error.description)
    }
  }

  /// The findings of the unterminated last line, if any, and for a conversation file what
  /// its messages added up to.
  mutating func finish() -> (findings: [Finding], totals: ConversationTotals?) {
    for ((line, number), parsed) in parsing?.finish() ?? [] {
      handle(line, number: number, terminated: true, parsed: parsed)
    }
    if let (line, number) = lines.finish() { handle(line, number: number, terminated: false) }
    guard let statistics else { return (takeFindings(), nil) }
    let totals = ConversationTotals(
      indexLineDigest: SHA256Digest().updated(statistics.indexLine()), messageCount: statistics.messageCount,
      firstTimestamp: statistics.firstTimestamp, lastTimestamp: statistics.lastTimestamp)
    return (takeFindings(), totals)
  }

  private mutating func takeFindings() -> [Finding] {
    defer { findings = [] }
    return findings
  }

  private mutating func handle(
    _ line: ArraySlice<UInt8>, number: Int64, terminated: Bool, parsed: ParsedMessageLine? = nil
  ) {
    let lineStart = offset
    offset += Int64(line.count) + (terminated ? 1 : 0)
    if number < 0 {
      report(.limitExceeded, line: -number, "line longer than \(limits.lineBytes) bytes")
      return
    }
    if !terminated { report(.ndjsonFraming, line: number, "the last line has no newline") }
    if line.isEmpty {
      report(.ndjsonFraming, line: number, "blank line")
      return
    }
    if line.last == 0x0D { report(.ndjsonFraming, line: number, "line ends with CR (\\r\\n); lines end with \\n only") }
    if number == 1, line.starts(with: [0xEF, 0xBB, 0xBF]) { report(.ndjsonFraming, line: number, "byte order mark") }
    if Self.containsRawLineSeparator(line) {
      report(.rawLineSeparator, line: number, "raw U+2028 or U+2029 in the line; writers escape them")
    }
    if entry.path == BundleLayout.messageIndex,
      let fields = ConversationStatistics.canonicalMessageIndexFields(line)
    {
      // Most of a bundle's lines are these; the canonical ones need no JSON tree.
      acceptMessageIndex(id: Identifier(fields.id), number: number)
      return
    }
    if entry.role == .messages {
      switch parsed ?? parseLine(line) {
      case .message(let facts, let message): checkMessage(facts, delivered: message, number: number, offset: lineStart)
      case .notJSON(let description): report(.recordNotJSON, line: number, description)
      case .notMessage(let description): report(.recordSchema, line: number, description)
      }
      return
    }
    let value: JSONValue
    do {
      value = try JSONParser.parse(line, options: parseOptions)
    } catch {
      report(.recordNotJSON, line: number, error.description)
      return
    }
    switch entry.role {
    case .messages: break
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

  private mutating func checkMessage(_ message: MessageFacts, delivered: Message?, number: Int64, offset: Int64) {
    if message.hasEditTarget && !allowsRevisions {
      report(
        .recordSchema, line: number,
        "message \(message.id) has edit_target, which needs the feature \(Manifest.messageRevisionsFeature) "
          + "in required_features (spec §8.11.6)")
    }
    if message.isRedacted && !allowsRedactions {
      report(
        .recordSchema, line: number,
        "message \(message.id) is redacted, which needs the feature \(Manifest.redactionsFeature) "
          + "in required_features (spec §8.12)")
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
    for (field, reference) in message.media {
      if let sha = reference.sha256 {
        findings.append(.storedMedia(sha256: sha, size: reference.size, field: field, line: number))
      } else {
        findings.append(
          .missingMedia(
            MissingMediaLine.bytes(
              message: message.id, conversation: message.conversation, field: field,
              reason: reference.missing ?? "", name: reference.name, sourceReference: reference.sourceReference)))
      }
    }
    statistics?.add(
      timestamp: message.timestamp, kind: message.kind, sender: message.sender, listedMembers: message.listedMembers,
      offset: offset, line: number)
    findings.append(.indexedMessage(id: message.id, line: number))
    findings.append(.message(delivered, line: number))
  }

  private mutating func checkPerson(_ value: JSONValue, number: Int64) {
    guard case .object(let object) = value, object.keys == ["id", "name"],
      let id = Identifier.ifValid(object["id"]?.stringValue), let name = object["name"]?.stringValue
    else {
      report(.recordSchema, line: number, "a person is {\"id\": string, \"name\": string}")
      return
    }
    if advanceKey(to: id.bytes) != .ascending {
      report(.recordSchema, line: number, "people must be sorted by id without repeats")
    }
    findings.append(.person(id: id, name: name))
  }

  private mutating func checkConversationIndex(_ value: JSONValue, line: [UInt8], number: Int64) {
    guard let text = value.objectValue?["id"]?.stringValue else {
      report(.indexMismatch, line: number, "an index line needs a string \"id\"")
      return
    }
    let id = Identifier(text)
    if advanceKey(to: id.bytes) != .ascending {
      report(.indexMismatch, line: number, "index lines must be sorted by conversation id without repeats")
    }
    findings.append(.conversationIndexLine(id: id, digest: SHA256Digest().updated(line), line: number))
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
    acceptMessageIndex(id: Identifier(id), number: number)
  }

  /// The order check of a well-formed message-index line; that the index holds exactly the
  /// messages of the conversation files is checked over the whole bundle at the end.
  private mutating func acceptMessageIndex(id: Identifier, number: Int64) {
    switch advanceKey(to: id.bytes) {
    case .ascending: break
    case .repeated: report(.duplicateMessageID, line: number, "message id \(id) is indexed twice")
    case .descending: report(.indexMismatch, line: number, "index lines must be sorted by message id")
    }
  }

  private enum KeyOrder { case ascending, repeated, descending }

  /// Where `key` stands against the previous line's (people and index lines are sorted
  /// bytewise by id); the first line is ascending.
  private mutating func advanceKey(to key: [UInt8]) -> KeyOrder {
    defer { previousIndexID = key }
    guard let previous = previousIndexID else { return .ascending }
    if previous == key { return .repeated }
    return previous.lexicographicallyPrecedes(key) ? .ascending : .descending
  }

  private mutating func report(_ code: IssueCode, line: Int64, _ message: String) {
    findings.append(.issue(VerificationIssue(code, path: entry.path, line: line, message)))
  }

  private static func containsRawLineSeparator(_ line: ArraySlice<UInt8>) -> Bool {
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

/// The canonical form of one missing reference, `["<message>","<conversation>","<field>",
/// "<reason>",<name>,<source_ref>]`, which the manifest's `missing` list and the messages'
/// references are compared by (spec §10.3).
enum MissingMediaLine {
  static func bytes(
    message: Identifier, conversation: Identifier, field: String, reason: String, name: String?,
    sourceReference: String?
  ) -> [UInt8] {
    JSONWriter.serialize(
      .array([
        .string(message.text), .string(conversation.text), .string(field), .string(reason),
        name.map(JSONValue.string) ?? .null, sourceReference.map(JSONValue.string) ?? .null,
      ]))
  }

  static func bytes(_ entry: Manifest.MissingMedia) -> [UInt8] {
    bytes(
      message: entry.message, conversation: entry.conversation, field: entry.field, reason: entry.reason,
      name: entry.name, sourceReference: entry.sourceReference)
  }
}
