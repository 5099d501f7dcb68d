/// Applies a message's redaction records to its parent's line (spec §8.12.2). `redact`
/// writes what this gives, and `verify --parent` recomputes it from the parent and
/// compares bytes, so whatever a record does not cover is proven unchanged.
package enum RedactionApplier {
  package struct Problem: Error, CustomStringConvertible {
    package var description: String
    init(_ description: String) { self.description = description }
  }

  /// What stands in a string where a span was removed.
  static func marker(reason: String) -> String { "[redacted: \(reason)]" }

  /// What stands where a media reference was removed.
  static let removedReference = JSONValue.object(JSONObject(["missing": .string("redacted")]))

  /// Top-level members no record may touch: they say which message this is and where it
  /// belongs, which a redaction keeps.
  private static let fixedMembers: Set<String> = [
    "id", "conversation", "ts", "sender", "kind", "redactions", "redacted_kind",
  ]

  /// The derived line: `parent` with `records` applied and appended to its `redactions`.
  package static func apply(_ records: [RedactionRecord], to parent: JSONValue) throws(Problem) -> JSONValue {
    guard case .object(let object) = parent else { throw Problem("the parent's line is not an object") }
    if let whole = records.first(where: \.isWholeMessage) {
      guard records.count == 1 else { throw Problem("a record with path \"\" must be the message's only new one") }
      return try marker(for: object, record: whole)
    }
    var result = parent
    var replaced: [JSONPointer] = []
    var index = 0
    while index < records.count {
      let record = records[index]
      guard let pointer = JSONPointer(record.path) else { throw Problem("path \(record.path) is not a JSON pointer") }
      guard let first = pointer.tokens.first, !fixedMembers.contains(first),
        pointer.tokens.prefix(2) != ["source", "platform"]
      else { throw Problem("path \(record.path) names a member a redaction keeps") }
      for earlier in replaced
      where pointer.tokens.starts(with: earlier.tokens) || earlier.tokens.starts(with: pointer.tokens) {
        throw Problem("path \(record.path) overlaps the removed value at \(earlier)")
      }
      guard let value = pointer.value(in: result) else { throw Problem("path \(record.path) names no value") }
      guard record.span != nil else {
        guard value.objectValue?["sha256"]?.stringValue != nil else {
          throw Problem("path \(record.path) removes a value whole, which only a media reference may be")
        }
        _ = pointer.replace(in: &result) { _ in removedReference }
        replaced.append(pointer)
        index += 1
        continue
      }
      var group: [RedactionRecord] = []
      while index < records.count, records[index].path.hasSameBytes(as: record.path), records[index].span != nil {
        group.append(records[index])
        index += 1
      }
      guard case .string(let text) = value else { throw Problem("path \(record.path) names no string") }
      let redacted = try redact(Array(text.utf8), spans: group)
      _ = pointer.replace(in: &result) { _ in .string(redacted) }
      replaced.append(pointer)
    }
    guard case .object(var changed) = result else { throw Problem("the parent's line is not an object") }
    let logged = records.map { $0.jsonValue() }
    if let at = changed.members.firstIndex(where: { $0.key == "redactions" }) {
      guard case .array(let earlier) = changed.members[at].value else { throw Problem("redactions is not an array") }
      changed.members[at].value = .array(earlier + logged)
    } else {
      let at = changed.members.firstIndex { $0.key == "source" } ?? changed.members.count
      changed.members.insert(JSONObject.Member("redactions", .array(logged)), at: at)
    }
    return .object(changed)
  }

  /// The text with each span replaced by its marker; spans in order, apart, and on
  /// character boundaries.
  private static func redact(_ bytes: [UInt8], spans: [RedactionRecord]) throws(Problem) -> String {
    var position = 0
    var checked: [(range: Range<Int>, reason: String)] = []
    for record in spans {
      guard let span = record.span else { continue }
      let start = Int(span.start)
      let end = Int(span.start + span.length)
      guard start >= position else {
        throw Problem("the spans of \(record.path) are not in order, or overlap, at byte \(span.start)")
      }
      guard end <= bytes.count else {
        throw Problem("the span at byte \(span.start) of \(record.path) runs past the string's \(bytes.count) bytes")
      }
      guard isBoundary(bytes, start), isBoundary(bytes, end) else {
        throw Problem("the span at byte \(span.start) of \(record.path) cuts a character")
      }
      checked.append((start..<end, record.reason))
      position = end
    }
    return marking(bytes, spans: checked)
  }

  /// `bytes` with each span replaced by its marker; the spans in order and apart. The one
  /// place that writes markers, for records and for names alike.
  static func marking(_ bytes: [UInt8], spans: [(range: Range<Int>, reason: String)]) -> String {
    var out: [UInt8] = []
    var position = 0
    for (range, reason) in spans {
      out += bytes[position..<range.lowerBound]
      out += marker(reason: reason).utf8
      position = range.upperBound
    }
    out += bytes[position...]
    return String(decoding: out, as: UTF8.self)
  }

  /// The records a redaction added to `message`, given its parent's records: a marker's one
  /// record, or what follows the parent's records. Nil when the message's records do not
  /// begin with the parent's, so that they cannot be the parent's with records added.
  static func newRecords(of message: Message, parentRecords: [RedactionRecord]) -> [RedactionRecord]? {
    if message.kind == .redacted { return message.redactions }
    guard message.redactions.starts(with: parentRecords) else { return nil }
    return Array(message.redactions.dropFirst(parentRecords.count))
  }

  /// What `record` removed and its salt, when its commitment opens with `salts` to what
  /// the parent held there; nil otherwise.
  static func opened(
    _ record: RedactionRecord, salts: RedactionSalts, parentID: String, message: Identifier, parent: JSONValue,
    line: [UInt8]
  ) -> (removed: [UInt8], salt: [UInt8])? {
    guard let removed = removed(by: record, from: parent, line: line) else { return nil }
    let salt = salts.salt(parent: parentID, message: message, record: record)
    return RedactionSalts.commitment(salt: salt, removed: removed) == record.commitment ? (removed, salt) : nil
  }

  private static func isBoundary(_ bytes: [UInt8], _ offset: Int) -> Bool {
    offset == bytes.count || bytes[offset] & 0xC0 != 0x80
  }

  /// The marker that replaces a whole message: who, when, where and what kind, no content.
  private static func marker(for parent: JSONObject, record: RedactionRecord) throws(Problem) -> JSONValue {
    guard let kind = parent["kind"]?.stringValue, kind != MessageKind.redacted.rawValue else {
      throw Problem("the parent's message is already a redaction marker")
    }
    var object = JSONObject()
    for key in ["id", "conversation", "ts"] {
      guard let value = parent[key] else { throw Problem("the parent's line has no \(key)") }
      object.append(key, value)
    }
    if let sender = parent["sender"], sender != .null { object.append("sender", sender) }
    object.append("kind", MessageKind.redacted.rawValue)
    object.append("redacted_kind", kind)
    object.append("redactions", JSONValue.array([record.jsonValue()]))
    var source = JSONObject()
    source.append("platform", parent["source"]?.objectValue?["platform"])
    source.append("raw", JSONValue.null)
    object.append("source", JSONValue.object(source))
    return .object(object)
  }

  /// Whether `redacted` is `original` with parts replaced by markers: each marker stands
  /// for at least one byte, and the text between markers is the original's, in order.
  /// Names (of people and conversations) are checked so; they carry no records.
  static func couldDerive(_ redacted: String, from original: String) -> Bool {
    let opening = Array("[redacted: ".utf8)
    let text = Array(redacted.utf8)
    var pieces: [[UInt8]] = []
    var position = 0
    var index = 0
    while index + opening.count <= text.count {
      if text[index..<(index + opening.count)].elementsEqual(opening),
        let close = text[(index + opening.count)...].firstIndex(of: UInt8(ascii: "]"))
      {
        pieces.append(Array(text[position..<index]))
        position = close + 1
        index = position
      } else {
        index += 1
      }
    }
    pieces.append(Array(text[position...]))
    let source = Array(original.utf8)
    guard pieces.count > 1 else { return text == source }
    guard let first = pieces.first, let last = pieces.last, source.starts(with: first),
      source.count >= first.count + last.count, source.suffix(last.count).elementsEqual(last)
    else { return false }
    var cursor = first.count
    let limit = source.count - last.count
    for piece in pieces.dropFirst().dropLast() {
      // Each marker stood for at least one byte, so the next piece starts after the cursor.
      var found: Int?
      var start = cursor + 1
      while start + piece.count <= limit {
        if source[start..<(start + piece.count)].elementsEqual(piece) {
          found = start
          break
        }
        start += 1
      }
      guard let found else { return false }
      cursor = found + piece.count
    }
    return cursor < limit
  }

  /// What `record` removed from the parent: the line itself for a whole message, the
  /// reference's serialized JSON, or the span's bytes. Nil when the record does not apply.
  static func removed(by record: RedactionRecord, from parent: JSONValue, line: [UInt8]) -> [UInt8]? {
    if record.isWholeMessage { return line }
    guard let pointer = JSONPointer(record.path), let value = pointer.value(in: parent) else { return nil }
    guard let span = record.span else { return JSONWriter.serialize(value) }
    guard case .string(let text) = value else { return nil }
    let bytes = Array(text.utf8)
    let start = Int(span.start)
    let end = Int(span.start + span.length)
    guard start <= end, end <= bytes.count else { return nil }
    return Array(bytes[start..<end])
  }
}
