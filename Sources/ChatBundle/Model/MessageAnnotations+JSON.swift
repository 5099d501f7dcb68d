extension MessageAnnotations {
  /// The members of spec §8.1 items 20–28, in that order.
  func append(to object: inout JSONObject) {
    object.append("edited", edited.map { $0.jsonValue() })
    if !reactions.isEmpty { object.append("reactions", JSONValue.array(reactions.map { $0.jsonValue() })) }
    object.append("thread", thread.map { $0.jsonValue() })
    if pinned { object.append("pinned", JSONValue.bool(true)) }
    object.append("pin_target", pinTarget?.text)
    object.append("edit_target", editTarget?.text)
    if senderIsBot { object.append("sender_bot", JSONValue.bool(true)) }
    object.append("forwarded_from", forwardedFrom.map { $0.jsonValue() })
    if !redactions.isEmpty { object.append("redactions", JSONValue.array(redactions.map { $0.jsonValue() })) }
  }

  /// The annotations of a message line; nil when it has none.
  init?(_ fields: FieldReader, formatVersion: FormatVersion) throws(RecordError) {
    self.init()
    edited = try fields.nested("edited").map { reader throws(RecordError) in try MessageEdit(reader) }
    for (index, element) in (try fields.array("reactions") ?? []).enumerated() {
      reactions.append(try Reaction(FieldReader(element, prefix: "reactions[\(index)]")))
    }
    thread = try fields.nested("thread").map { reader throws(RecordError) in
      ThreadReference(root: try reader.requiredIdentifier("root"), broadcast: try reader.bool("broadcast") ?? false)
    }
    pinned = try fields.bool("pinned") ?? false
    pinTarget = try fields.identifier("pin_target")
    editTarget = try fields.identifier("edit_target")
    senderIsBot = try fields.bool("sender_bot") ?? false
    forwardedFrom = try fields.nested("forwarded_from").map { reader throws(RecordError) in
      ForwardOrigin(
        name: try reader.string("name"), id: try reader.identifier("id"),
        timestamp: try reader.integer("ts", in: 0...BundleLimits.maximumTimestamp))
    }
    if formatVersion >= FormatVersion.withRedactions {
      for (index, element) in (try fields.array("redactions") ?? []).enumerated() {
        redactions.append(try RedactionRecord(FieldReader(element, prefix: "redactions[\(index)]")))
      }
    }
    if isEmpty { return nil }
  }
}

extension MessageEdit {
  func jsonValue() -> JSONValue {
    var object = JSONObject()
    object.append("ts", timestamp)
    object.append("by", editor?.text)
    if !history.isEmpty {
      object.append(
        "history",
        JSONValue.array(
          history.map { revision in
            var entry = JSONObject()
            entry.append("text", revision.text)
            entry.append("ts", revision.timestamp)
            return .object(entry)
          }))
    }
    return .object(object)
  }

  init(_ fields: FieldReader) throws(RecordError) {
    var history: [MessageRevision] = []
    for (index, element) in (try fields.array("history") ?? []).enumerated() {
      let entry = try FieldReader(element, prefix: fields.path("history[\(index)]"))
      history.append(
        MessageRevision(
          text: try entry.requiredString("text"),
          timestamp: try entry.integer("ts", in: 0...BundleLimits.maximumTimestamp)))
    }
    self.init(
      timestamp: try fields.integer("ts", in: 0...BundleLimits.maximumTimestamp), editor: try fields.identifier("by"),
      history: history)
  }
}

extension Reaction {
  func jsonValue() -> JSONValue {
    var object = JSONObject()
    object.append("emoji", emoji)
    object.append("name", name)
    object.append("count", count)
    if !users.isEmpty { object.append("users", JSONValue.identifiers(users)) }
    return .object(object)
  }

  init(_ fields: FieldReader) throws(RecordError) {
    let users = try fields.identifierArray("users") ?? []
    guard let count = try fields.integer("count") else {
      throw RecordError(field: fields.path("count"), message: "is required")
    }
    guard count >= Int64(users.count) else {
      throw RecordError(field: fields.path("count"), message: "is less than the \(users.count) users listed")
    }
    self.init(emoji: try fields.requiredString("emoji"), name: try fields.string("name"), count: count, users: users)
  }
}

extension ThreadReference {
  func jsonValue() -> JSONValue {
    var object = JSONObject()
    object.append("root", root.text)
    if broadcast { object.append("broadcast", JSONValue.bool(true)) }
    return .object(object)
  }
}

extension ForwardOrigin {
  func jsonValue() -> JSONValue {
    var object = JSONObject()
    object.append("name", name)
    object.append("id", id?.text)
    object.append("ts", timestamp)
    return .object(object)
  }
}
