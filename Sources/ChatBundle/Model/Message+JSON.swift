extension Message {
  /// The message as the JSON object stored on one line of a conversation file.
  public func jsonValue() -> JSONValue {
    var object = JSONObject()
    object.append("id", id)
    object.append("conversation", conversation)
    object.append("ts", timestamp)
    object.append("sender", sender)
    object.append("kind", kind.rawValue)
    appendContent(to: &object)
    object.append("thumbnail", thumbnail.map { $0.jsonValue() })
    object.append("command", command)
    object.append("custom", custom.map { $0.jsonValue() })
    object.append("members", members.map { JSONValue.array($0.map(JSONValue.string)) })
    object.append("recall_target", recallTarget)
    object.append("reply_to", replyTo.map { $0.jsonValue() })
    object.append("mentions", mentions.map { JSONValue.array($0.map(JSONValue.string)) })
    if mentionsAll { object.append("mentions_all", JSONValue.bool(true)) }
    object.append("parts", parts.map { JSONValue.array($0.map { $0.jsonValue() }) })
    object.append("source", JSONValue.object(JSONObject(["platform": .string(platform), "raw": raw])))
    return .object(object)
  }

  private func appendContent(to object: inout JSONObject) {
    object.append("text", text)
    object.append("media", media.map { $0.jsonValue() })
    object.append("location", location.map { $0.jsonValue() })
    object.append("merged", merged.map { $0.jsonValue() })
    object.append("source_type", sourceType)
  }

  /// One NDJSON line, newline included.
  public func line() -> [UInt8] {
    var bytes = JSONWriter.serialize(jsonValue())
    bytes.append(0x0A)
    return bytes
  }

  /// Reads a message back, checking it against the message schema.
  public init(json value: JSONValue) throws(RecordError) {
    let fields = try FieldReader(value)
    let id = try fields.requiredIdentifier("id")
    let conversation = try fields.requiredIdentifier("conversation")
    guard let timestamp = try fields.integer("ts", in: 0...BundleLimits.maximumTimestamp) else {
      throw RecordError(field: "ts", message: "is required")
    }
    let kindName = try fields.requiredString("kind")
    guard let kind = MessageKind(rawValue: kindName) else {
      throw RecordError(field: "kind", message: "unknown kind \"\(kindName)\"")
    }
    guard let source = try fields.nested("source") else {
      throw RecordError(field: "source", message: "is required")
    }
    let platform = try source.requiredIdentifier("platform")
    guard let raw = source.object["raw"] else { throw RecordError(field: "source.raw", message: "is required") }
    self.init(
      id: id, conversation: conversation, timestamp: timestamp, sender: try fields.identifier("sender"),
      kind: kind, platform: platform, raw: raw)
    text = try fields.string("text")
    media = try fields.nested("media").map { reader throws(RecordError) in try MediaReference(reader) }
    thumbnail = try fields.nested("thumbnail").map { reader throws(RecordError) in try MediaReference(reader) }
    location = try fields.nested("location").map { reader throws(RecordError) in try Location(reader) }
    command = try fields.string("command")
    custom = try fields.nested("custom").map { reader throws(RecordError) in try CustomEvent(reader) }
    merged = try fields.nested("merged").map { reader throws(RecordError) in try MergedRecord(reader, depth: 1) }
    members = try fields.stringArray("members")
    recallTarget = try fields.identifier("recall_target")
    replyTo = try fields.nested("reply_to").map { reader throws(RecordError) in try ReplyReference(reader) }
    mentions = try fields.stringArray("mentions")
    mentionsAll = try fields.bool("mentions_all") ?? false
    sourceType = try fields.string("source_type")
    if let elements = try fields.array("parts") {
      var decoded: [MessagePart] = []
      for (index, element) in elements.enumerated() {
        decoded.append(try MessagePart(FieldReader(element, prefix: "parts[\(index)]"), depth: 1))
      }
      parts = decoded
    }
    if kind == .recall && recallTarget == nil {
      throw RecordError(field: "recall_target", message: "is required for a recall")
    }
  }

  /// Every attachment the message refers to, with the field it sits in.
  public var mediaReferences: [(field: String, reference: MediaReference)] {
    var result: [(String, MediaReference)] = []
    if let media { result.append(("media", media)) }
    if let thumbnail { result.append(("thumbnail", thumbnail)) }
    for (index, part) in (parts ?? []).enumerated() {
      result += part.mediaReferences.map { ("parts[\(index)].\($0.0)", $0.1) }
    }
    if let merged {
      for (index, item) in merged.items.enumerated() {
        result += item.mediaReferences.map { ("merged.items[\(index)].\($0.0)", $0.1) }
      }
    }
    return result
  }
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
  /// Nesting deeper than this is refused; merged records inside merged records are rare,
  /// and an unbounded depth would let a hostile file exhaust the stack.
  public static let maximumDepth = 16

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
    object.append("id", id)
    object.append("sender", sender)
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
    object.append("sender", sender)
    object.append("ts", timestamp)
    object.append("text", text)
    object.append("media", media.map { $0.jsonValue() })
    object.append("location", location.map { $0.jsonValue() })
    object.append("merged", merged.map { $0.jsonValue() })
    object.append("source_type", sourceType)
    return .object(object)
  }

  init(_ fields: FieldReader, depth: Int) throws(RecordError) {
    let kindName = try fields.requiredString("kind")
    guard let kind = MessageKind(rawValue: kindName) else {
      throw RecordError(field: fields.path("kind"), message: "unknown kind \"\(kindName)\"")
    }
    self.init(
      kind: kind, sender: try fields.identifier("sender"),
      timestamp: try fields.integer("ts", in: 0...BundleLimits.maximumTimestamp), text: try fields.string("text"))
    media = try fields.nested("media").map { reader throws(RecordError) in try MediaReference(reader) }
    location = try fields.nested("location").map { reader throws(RecordError) in try Location(reader) }
    merged = try fields.nested("merged").map { reader throws(RecordError) in
      try MergedRecord(reader, depth: depth + 1)
    }
    sourceType = try fields.string("source_type")
  }

  var mediaReferences: [(String, MediaReference)] {
    var result: [(String, MediaReference)] = []
    if let media { result.append(("media", media)) }
    for (index, item) in (merged?.items ?? []).enumerated() {
      result += item.mediaReferences.map { ("merged.items[\(index)].\($0.0)", $0.1) }
    }
    return result
  }
}
