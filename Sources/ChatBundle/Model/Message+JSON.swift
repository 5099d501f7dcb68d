extension Message {
  /// The message as the JSON object stored on one line of a conversation file, members in
  /// the order of spec §8.1.
  public func jsonValue() -> JSONValue {
    var object = JSONObject()
    object.members.reserveCapacity(12)
    object.append("id", id.text)
    object.append("conversation", conversation.text)
    object.append("ts", timestamp)
    object.append("sender", sender?.text)
    object.append("kind", kind.rawValue)
    contentMembers.append(to: &object, level: .message)
    object.append("reply_to", replyTo.map { $0.jsonValue() })
    if !mentions.isEmpty { object.append("mentions", JSONValue.identifiers(mentions)) }
    if mentionsAll { object.append("mentions_all", JSONValue.bool(true)) }
    if !parts.isEmpty { object.append("parts", JSONValue.array(parts.map { $0.jsonValue() })) }
    annotations?.append(to: &object)
    object.append(
      "source", JSONValue.object(JSONObject(["platform": .string(source.platform.text), "raw": source.raw])))
    return .object(object)
  }

  /// One NDJSON line, newline included.
  public func line() -> [UInt8] {
    var bytes = JSONWriter.serialize(jsonValue())
    bytes.append(0x0A)
    return bytes
  }

  /// Reads a message back, checking it against the message schema. The members of
  /// format 1.3 (§8.11) are read only from a bundle of 1.3 or later: in an older one they
  /// are unknown members, which another writer may have used otherwise.
  public init(json value: JSONValue, formatVersion: FormatVersion = .current) throws(RecordError) {
    let fields = try FieldReader(value)
    let id = try fields.requiredIdentifier("id")
    let conversation = try fields.requiredIdentifier("conversation")
    guard let timestamp = try fields.integer("ts", in: 0...BundleLimits.maximumTimestamp) else {
      throw RecordError(field: "ts", message: "is required")
    }
    let kind = try fields.kind()
    if kind == .redacted && formatVersion < FormatVersion.withRedactions {
      throw RecordError(
        field: "kind", message: "redacted is a kind of format \(FormatVersion.withRedactions) and later")
    }
    guard let source = try fields.nested("source") else {
      throw RecordError(field: "source", message: "is required")
    }
    let platform = try source.requiredIdentifier("platform")
    guard let raw = source.object["raw"] else { throw RecordError(field: "source.raw", message: "is required") }
    var members = try ContentMembers(fields, level: .message, depth: 1)
    if formatVersion >= FormatVersion.withRedactions, let name = try fields.string("redacted_kind") {
      guard let removed = MessageKind(rawValue: name), removed != .redacted else {
        throw RecordError(field: "redacted_kind", message: "\"\(name)\" is not the kind of a message")
      }
      members.redactedKind = removed
    }
    if kind == .recall && members.recallTarget == nil {
      throw RecordError(field: "recall_target", message: "is required for a recall")
    }
    let (body, unused) = members.body(as: kind, level: .message)
    self.init(
      id: id, conversation: conversation, timestamp: timestamp, sender: try fields.identifier("sender"), body: body,
      source: SourceRecord(platform: platform, raw: raw))
    unusedMembers = unused
    replyTo = try fields.nested("reply_to").map { reader throws(RecordError) in try ReplyReference(reader) }
    mentions = try fields.identifierArray("mentions") ?? []
    mentionsAll = try fields.bool("mentions_all") ?? false
    if formatVersion >= FormatVersion.withAnnotations {
      annotations = try MessageAnnotations(fields, formatVersion: formatVersion)
    }
    let wholeMessageRecords = redactions.filter(\.isWholeMessage).count
    if kind == .redacted && (wholeMessageRecords != 1 || redactions.count != 1) {
      throw RecordError(field: "redactions", message: "a redacted message needs exactly one record, with path \"\"")
    }
    if kind != .redacted && wholeMessageRecords > 0 {
      throw RecordError(field: "redactions", message: "a record with path \"\" belongs only to kind redacted")
    }
    if let elements = try fields.array("parts") {
      parts.reserveCapacity(elements.count)
      for (index, element) in elements.enumerated() {
        parts.append(try MessagePart(FieldReader(element, prefix: "parts[\(index)]"), depth: 1))
      }
    }
  }
}

extension ContentMembers {
  /// Appends the members present, in the order of spec §8.1 (a message) or §8.8 (a part).
  func append(to object: inout JSONObject, level: Level) {
    object.append("text", text)
    object.append("media", media.map { $0.jsonValue() })
    object.append("location", location.map { $0.jsonValue() })
    object.append("merged", merged.map { $0.jsonValue() })
    object.append("source_type", sourceType)
    guard level == .message else { return }
    object.append("thumbnail", thumbnail.map { $0.jsonValue() })
    object.append("command", command)
    object.append("custom", custom.map { $0.jsonValue() })
    object.append("members", members.map(JSONValue.identifiers))
    object.append("recall_target", recallTarget?.text)
    object.append("redacted_kind", redactedKind?.rawValue)
  }

  /// Reads the content members of a message line or a part, each checked against its
  /// schema, whatever the kind.
  init(_ fields: FieldReader, level: Level, depth: Int) throws(RecordError) {
    self.init()
    text = try fields.string("text")
    media = try fields.nested("media").map { reader throws(RecordError) in try MediaReference(reader) }
    location = try fields.nested("location").map { reader throws(RecordError) in try Location(reader) }
    merged = try fields.nested("merged").map { reader throws(RecordError) in
      try MergedRecord(reader, depth: depth)
    }
    sourceType = try fields.string("source_type")
    guard level == .message else { return }
    thumbnail = try fields.nested("thumbnail").map { reader throws(RecordError) in try MediaReference(reader) }
    command = try fields.string("command")
    custom = try fields.nested("custom").map { reader throws(RecordError) in try CustomEvent(reader) }
    members = try fields.identifierArray("members")
    recallTarget = try fields.identifier("recall_target")
  }
}

extension JSONValue {
  static func identifiers(_ ids: [Identifier]) -> JSONValue { .array(ids.map { .string($0.text) }) }
}

extension MediaReference {
  public func jsonValue() -> JSONValue {
    var object = JSONObject()
    object.append("sha256", sha256)
    object.append("size", size)
    object.append("name", name)
    object.append("type", mediaType)
    object.append("width", width)
    object.append("height", height)
    object.append("duration_ms", durationMilliseconds)
    object.append("source_ref", sourceReference)
    object.append("missing", missing)
    return .object(object)
  }

  init(_ fields: FieldReader) throws(RecordError) {
    self.init(
      sha256: try fields.string("sha256"), size: try fields.integer("size"), name: try fields.string("name"),
      mediaType: try fields.string("type"), width: try fields.integer("width"),
      height: try fields.integer("height"), durationMilliseconds: try fields.integer("duration_ms"),
      sourceReference: try fields.string("source_ref"), missing: try fields.string("missing"))
    if let sha256 {
      guard SHA256Digest.isValidHex(sha256) else {
        throw RecordError(field: fields.path("sha256"), message: "must be 64 lowercase hex digits")
      }
      guard size != nil else { throw RecordError(field: fields.path("size"), message: "is required with sha256") }
      guard missing == nil else {
        throw RecordError(field: fields.path("missing"), message: "must be absent when sha256 is present")
      }
    } else if let missing {
      guard MissingReason.isWellFormed(missing) else {
        throw RecordError(field: fields.path("missing"), message: "must be a reason code like not_found")
      }
    } else {
      throw RecordError(field: fields.prefix, message: "needs either sha256 and size, or missing")
    }
  }
}

extension Location {
  public func jsonValue() -> JSONValue {
    var object = JSONObject()
    object.append("address", address)
    object.append("name", name)
    object.append("latitude", JSONValue.number(latitude))
    object.append("longitude", JSONValue.number(longitude))
    return .object(object)
  }

  init(_ fields: FieldReader) throws(RecordError) {
    guard let latitude = try fields.numberLiteral("latitude") else {
      throw RecordError(field: fields.path("latitude"), message: "is required")
    }
    guard let longitude = try fields.numberLiteral("longitude") else {
      throw RecordError(field: fields.path("longitude"), message: "is required")
    }
    self.init(
      address: try fields.string("address"), name: try fields.string("name"), latitude: latitude,
      longitude: longitude)
  }
}

extension CustomEvent {
  /// The `custom` object; the attachment is written as the enclosing `media`.
  public func jsonValue() -> JSONValue {
    var object = JSONObject()
    object.append("event", event)
    object.append(
      "fields", JSONValue.object(JSONObject(fields.map { JSONObject.Member($0.key, .string($0.value)) })))
    return .object(object)
  }

  init(_ fields: FieldReader) throws(RecordError) {
    var pairs: [KeyValue] = []
    if let map = try fields.nested("fields") {
      for member in map.object.members {
        guard case .string(let value) = member.value else {
          throw RecordError(field: map.path(member.key), message: "expected a string")
        }
        pairs.append(KeyValue(member.key, value))
      }
    }
    self.init(event: try fields.string("event"), fields: pairs)
  }
}

extension MergedRecord {
  /// The `merged` object; the attachment is written as the enclosing `media`.
  public func jsonValue() -> JSONValue {
    var object = JSONObject()
    object.append("title", title)
    object.append("summary", summary)
    object.append("level", level)
    if !items.isEmpty { object.append("items", JSONValue.array(items.map { $0.jsonValue() })) }
    return .object(object)
  }

  init(_ fields: FieldReader, depth: Int) throws(RecordError) {
    guard depth <= Self.maximumDepth else {
      throw RecordError(field: fields.prefix, message: "merged records nest deeper than \(Self.maximumDepth)")
    }
    var items: [MessagePart] = []
    for (index, element) in (try fields.array("items") ?? []).enumerated() {
      items.append(try MessagePart(FieldReader(element, prefix: fields.path("items[\(index)]")), depth: depth))
    }
    self.init(
      title: try fields.string("title"), summary: try fields.string("summary"),
      level: try fields.integer("level"), items: items)
  }
}

extension ReplyReference {
  public func jsonValue() -> JSONValue {
    var object = JSONObject()
    object.append("id", id.text)
    object.append("sender", sender?.text)
    object.append("preview", preview)
    return .object(object)
  }

  init(_ fields: FieldReader) throws(RecordError) {
    self.init(
      id: try fields.requiredIdentifier("id"), sender: try fields.identifier("sender"),
      preview: try fields.string("preview"))
  }
}

extension MessagePart {
  public func jsonValue() -> JSONValue {
    var object = JSONObject()
    object.append("kind", kind.rawValue)
    object.append("sender", sender?.text)
    object.append("ts", timestamp)
    contentMembers.append(to: &object, level: .part)
    return .object(object)
  }

  /// - Parameter depth: how many `merged` objects enclose the part (its own `merged` is
  ///   one deeper).
  init(_ fields: FieldReader, depth: Int) throws(RecordError) {
    let kind = try fields.kind()
    if kind == .redacted {
      throw RecordError(field: fields.path("kind"), message: "redacted is a kind of messages, not of parts")
    }
    let members = try ContentMembers(fields, level: .part, depth: depth + 1)
    let (body, unused) = members.body(as: kind, level: .part)
    self.init(
      body, sender: try fields.identifier("sender"),
      timestamp: try fields.integer("ts", in: 0...BundleLimits.maximumTimestamp))
    unusedMembers = unused
  }
}
