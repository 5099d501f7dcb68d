/// Redacts one parent line after another for `redact` (spec §8.12): whole messages become
/// markers, media references and pattern matches are removed, and every change is logged
/// in the message's `redactions` with a salted commitment to what it removed.
///
/// Identifiers are never changed: they say which message and which person a line is
/// about, and other lines point at them. A pattern match in one is counted and reported,
/// so that the user can leave that person out with `slice --member` instead.
final class LineRedactor {
  private let parentID: String
  private let salts: RedactionSalts
  private let messageReasons: [Identifier: String]
  /// Each listed media file's reason, by SHA-256; the manifest's missing list gives it too.
  let mediaReasons: [String: String]
  private let matchers: [(matcher: RedactionMatcher, reason: String)]
  /// The strings of each message redacted whole, removed from the replies that quote it.
  private var quotedTexts: [Identifier: [String]] = [:]

  struct Counts {
    var wholeMessages: Int64 = 0
    var spans: Int64 = 0
    var mediaReferences: Int64 = 0
    var messagesChanged: Int64 = 0
    /// The reasons of the records written.
    var reasons: Set<String> = []
    /// Pattern matches left in identifiers and in numbers of the raw record, and the first
    /// few places.
    var identifierMatches: Int64 = 0
    var identifierExamples: [String] = []
  }
  private(set) var counts = Counts()

  /// Members of a line, at any depth outside `source.raw`, whose strings are identifiers
  /// or codes, never content.
  private static let identifierKeys: Set<String> = [
    "id", "conversation", "sender", "kind", "mentions", "recall_target", "members", "edit_target", "pin_target",
    "root", "by", "users", "sha256", "missing", "type", "source_type", "redactions", "redacted_kind", "platform",
  ]

  init(parentID: String, salts: RedactionSalts, request: RedactionRequest) throws {
    self.parentID = parentID
    self.salts = salts
    messageReasons = Dictionary(request.messages.map { ($0.id, $0.reason) }, uniquingKeysWith: { first, _ in first })
    mediaReasons = Dictionary(
      request.media.map { ($0.sha256, $0.reason) }, uniquingKeysWith: { first, _ in first })
    matchers = try request.patterns.map { (try RedactionMatcher($0.pattern), $0.reason) }
  }

  /// The redacted line and its message, or nil when nothing in it is redacted.
  func redact(line: [UInt8], message: Message) throws -> (line: [UInt8], message: Message)? {
    let concerned = concernsListedMessageOrMedia(message)
    if message.kind == .redacted { return nil }
    if matchers.isEmpty && !concerned { return nil }
    let parent = try JSONParser.parse(line)
    let records: [RedactionRecord]
    if let reason = messageReasons[message.id] ?? message.editTarget.flatMap({ messageReasons[$0] }) {
      quotedTexts[message.id] = contentStrings(parent).filter { $0.count >= 2 }
      records = [record(path: "", span: nil, reason: reason, removed: line, message: message.id)]
      counts.wholeMessages += 1
    } else {
      records = partialRecords(parent, message: message)
    }
    guard !records.isEmpty else { return nil }
    counts.messagesChanged += 1
    for record in records { counts.reasons.insert(record.reason) }
    let value: JSONValue
    do {
      value = try RedactionApplier.apply(records, to: parent)
    } catch {
      throw ChatBundleError.invalidOption("cannot redact message \(message.id): \(error)")
    }
    let redacted = try Message(json: value, formatVersion: .current)
    return (JSONWriter.serialize(value), redacted)
  }

  /// Whether a message is listed, a version or reply of a listed one, or refers to listed
  /// media: without patterns, only those lines need parsing again. Notes the listed
  /// messages and media it meets, so that what the request names and the parent lacks is
  /// known at the end.
  private func concernsListedMessageOrMedia(_ message: Message) -> Bool {
    var concerned = false
    if messageReasons[message.id] != nil {
      seenMessages.insert(message.id)
      concerned = true
    }
    if let target = message.editTarget, messageReasons[target] != nil { concerned = true }
    if let target = message.replyTo?.id, messageReasons[target] != nil { concerned = true }
    guard !mediaReasons.isEmpty else { return concerned }
    for (_, reference) in message.mediaReferences {
      if let sha = reference.sha256, mediaReasons[sha] != nil {
        seenMedia.insert(sha)
        concerned = true
      }
    }
    return concerned
  }

  /// The listed message ids and media met so far.
  private(set) var seenMessages: Set<Identifier> = []
  private(set) var seenMedia: Set<String> = []

  /// A person's or a conversation's name with the pattern matches replaced. Names are not
  /// messages and carry no records; `verify --parent` accepts a name that is its parent's
  /// with parts replaced by markers.
  func redactName(_ name: String) -> String {
    let bytes = Array(name.utf8)
    var spans: [(range: Range<Int>, reason: String)] = []
    for (matcher, reason) in matchers {
      for range in matcher.matches(in: name) where !spans.contains(where: { $0.range.overlaps(range) }) {
        spans.append((range, reason))
      }
    }
    guard !spans.isEmpty else { return name }
    return RedactionApplier.marking(bytes, spans: spans.sorted { $0.range.lowerBound < $1.range.lowerBound })
  }

  private func record(
    path: String, span: RedactionRecord.Span?, reason: String, removed: [UInt8], message: Identifier
  ) -> RedactionRecord {
    var record = RedactionRecord(path: path, span: span, reason: reason, commitment: "")
    let salt = salts.salt(parent: parentID, message: message, record: record)
    record.commitment = RedactionSalts.commitment(salt: salt, removed: removed)
    return record
  }

  /// The media references and spans to remove from a message that stays.
  private func partialRecords(_ parent: JSONValue, message: Message) -> [RedactionRecord] {
    // The closures below take the id, not the message, which would be copied at every call.
    let messageID = message.id
    var records: [RedactionRecord] = []
    var removedReferences: [[String]] = []
    var literals: [(text: String, reason: String)] = []
    if !mediaReasons.isEmpty {
      visitObjects(parent, path: []) { object, path in
        guard let sha = object["sha256"]?.stringValue, let reason = mediaReasons[sha] else { return false }
        let pointer = JSONPointer(tokens: path).description
        records.append(
          record(
            path: pointer, span: nil, reason: reason, removed: JSONWriter.serialize(.object(object)),
            message: messageID))
        removedReferences.append(path)
        counts.mediaReferences += 1
        // The file's name and the service's reference would still name it in the raw record.
        for key in ["name", "source_ref"] {
          if let text = object[key]?.stringValue, text.count >= 2 { literals.append((text, reason)) }
        }
        return true
      }
    }
    var quotedReason: String?
    if let target = message.replyTo?.id, let reason = messageReasons[target] {
      quotedReason = reason
      for text in quotedTexts[target] ?? [] { literals.append((text, reason)) }
    }
    let identifiers = identifierValues(parent)
    var path: [String] = []
    visitStrings(parent, path: &path, inRaw: false) { text, path, inRaw in
      if removedReferences.contains(where: { path.starts(with: $0) }) { return }
      let isIdentifier = inRaw && identifiers.contains { $0.text.hasSameBytes(as: text) }
      let bytes = Array(text.utf8)
      var spans: [(range: Range<Int>, reason: String)] = []
      func take(_ range: Range<Int>, _ reason: String) {
        guard !range.isEmpty, !spans.contains(where: { $0.range.overlaps(range) }) else { return }
        spans.append((range, reason))
      }
      if let quotedReason, path == ["reply_to", "preview"], !bytes.isEmpty { take(0..<bytes.count, quotedReason) }
      if !isIdentifier {
        for literal in literals {
          for range in RedactionMatcher.occurrences(of: Array(literal.text.utf8), in: bytes) {
            take(range, literal.reason)
          }
        }
      }
      for (matcher, reason) in matchers {
        let ranges = matcher.matches(in: text)
        if isIdentifier {
          if !ranges.isEmpty { noteIdentifier(messageID, path) }
          continue
        }
        for range in ranges { take(range, reason) }
      }
      guard !spans.isEmpty else { return }
      let pointer = JSONPointer(tokens: path).description
      for (range, reason) in spans.sorted(by: { $0.range.lowerBound < $1.range.lowerBound }) {
        records.append(
          record(
            path: pointer, span: .init(start: Int64(range.lowerBound), length: Int64(range.count)), reason: reason,
            removed: Array(bytes[range]), message: messageID))
        counts.spans += 1
      }
    }
    // Identifiers outside the raw record are never content; a match in one is reported.
    for identifier in identifiers where matchers.contains(where: { !$0.matcher.matches(in: identifier.text).isEmpty }) {
      noteIdentifier(messageID, identifier.path)
    }
    // Nor are numbers, which have no span to replace (a phone number some service stores
    // as a JSON number); a match in one is reported the same way.
    if !matchers.isEmpty, let raw = parent.objectValue?["source"]?.objectValue?["raw"] {
      visitNumbers(raw, path: ["source", "raw"]) { literal, path in
        if matchers.contains(where: { !$0.matcher.matches(in: literal).isEmpty }) { noteIdentifier(messageID, path) }
      }
    }
    return records
  }

  private func noteIdentifier(_ message: Identifier, _ path: [String]) {
    counts.identifierMatches += 1
    if counts.identifierExamples.count < 10 {
      counts.identifierExamples.append("message \(message) \(JSONPointer(tokens: path))")
    }
  }

  /// Calls `visit` with every string outside identifier members; `source.raw` is walked
  /// whole, its keys kept.
  /// - Parameter path: where `value` is; the walk pushes and pops on it rather than
  ///   making an array for every value of every line.
  private func visitStrings(
    _ value: JSONValue, path: inout [String], inRaw: Bool, _ visit: (String, [String], Bool) -> Void
  ) {
    switch value {
    case .string(let text):
      visit(text, path, inRaw)
    case .array(let elements):
      for (index, element) in elements.enumerated() {
        path.append(String(index))
        visitStrings(element, path: &path, inRaw: inRaw, visit)
        path.removeLast()
      }
    case .object(let object):
      let atSource = path.count == 1 && path[0] == "source"
      for member in object.members {
        let raw = inRaw || atSource && member.key == "raw"
        if !raw && Self.identifierKeys.contains(member.key) { continue }
        path.append(member.key)
        visitStrings(member.value, path: &path, inRaw: raw, visit)
        path.removeLast()
      }
    default:
      break
    }
  }

  private func visitNumbers(_ value: JSONValue, path: [String], _ visit: (String, [String]) -> Void) {
    switch value {
    case .number(let literal): visit(literal, path)
    case .array(let elements):
      for (index, element) in elements.enumerated() { visitNumbers(element, path: path + [String(index)], visit) }
    case .object(let object):
      for member in object.members { visitNumbers(member.value, path: path + [member.key], visit) }
    default: break
    }
  }

  /// Calls `visit` with every object outside `source.raw`; one it takes is not entered.
  private func visitObjects(_ value: JSONValue, path: [String], _ visit: (JSONObject, [String]) -> Bool) {
    switch value {
    case .array(let elements):
      for (index, element) in elements.enumerated() { visitObjects(element, path: path + [String(index)], visit) }
    case .object(let object):
      if !path.isEmpty, visit(object, path) { return }
      for member in object.members where !(path.isEmpty && member.key == "source") {
        visitObjects(member.value, path: path + [member.key], visit)
      }
    default:
      break
    }
  }

  /// The strings of identifier members outside the raw record, with where they are.
  private func identifierValues(_ value: JSONValue) -> [(text: String, path: [String])] {
    var result: [(text: String, path: [String])] = []
    func collect(_ value: JSONValue, path: [String], identifier: Bool) {
      switch value {
      case .string(let text):
        if identifier && !text.isEmpty { result.append((text, path)) }
      case .array(let elements):
        for (index, element) in elements.enumerated() {
          collect(element, path: path + [String(index)], identifier: identifier)
        }
      case .object(let object):
        for member in object.members where !(path.isEmpty && member.key == "source") {
          collect(
            member.value, path: path + [member.key], identifier: identifier || Self.identifierKeys.contains(member.key))
        }
      default: break
      }
    }
    collect(value, path: [], identifier: false)
    return result
  }

  /// The content strings of a message (what its reply might quote).
  private func contentStrings(_ value: JSONValue) -> [String] {
    var result: [String] = []
    var path: [String] = []
    visitStrings(value, path: &path, inRaw: false) { text, _, inRaw in if !inRaw { result.append(text) } }
    return result
  }
}
