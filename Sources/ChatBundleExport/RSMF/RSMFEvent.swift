import ChatBundle

/// One event of an RSMF manifest, before it is written: what a message (or a part of a
/// membership change) becomes. Participants are bundle user ids, which are the manifest's
/// participant ids too.
struct RSMFEvent {
  enum Kind: String {
    case message, disclaimer, join, leave, history, unknown
  }

  struct Attachment: Equatable {
    /// The file's name in `rsmf.zip`, which is the attachment id: its SHA-256 and an
    /// extension, never the name the data gives.
    var fileName: String
    var sha256: String
    var display: String
    var size: Int64
    var mediaType: String?
  }

  struct Edit {
    var participant: Identifier
    var timestamp: Int64?
    var previous: String?
    var new: String?
  }

  struct Reaction {
    var value: String
    var count: Int64
    var participants: [Identifier]
  }

  /// A parent the event would have, kept apart until the slice says whether it holds it.
  struct ParentCandidate {
    var id: Identifier
    /// `thread_root` or `reply_to`: the custom field that names it when it is elsewhere.
    var field: String
  }

  var id: Identifier?
  var kind: Kind
  var participant: Identifier?
  var timestamp: Int64
  var body: String
  var parent: ParentCandidate?
  var resolvedParent: Identifier?
  var deleted = false
  var attachments: [Attachment] = []
  var edits: [Edit] = []
  var reactions: [Reaction] = []
  var custom: [KeyValue] = []
  /// For a recall: the message it recalls, marked deleted when the slice holds it.
  var recallTarget: Identifier?
  /// Whether the quick scan saw the recall, so that its target was marked wherever it is.
  var recallTargetWasMarked = false
  /// For a revision record: the message it is a later version of.
  var revisionOf: Identifier?
  /// The line (or lines) the plain-text body shows for it.
  var text: String = ""

  init(id: Identifier?, kind: Kind, participant: Identifier?, timestamp: Int64, body: String) {
    self.id = id
    self.kind = kind
    self.participant = participant
    self.timestamp = timestamp
    self.body = body
  }

  /// A custom pair; RSMF wants both non-empty, so an empty value is written `(empty)`.
  mutating func addCustom(_ name: String, _ value: String) {
    custom.append(KeyValue(name, value.isEmpty ? "(empty)" : value))
  }

  /// Every participant the event names.
  var participants: [Identifier] {
    var result: [Identifier] = []
    if let participant { result.append(participant) }
    result += edits.map(\.participant)
    for reaction in reactions { result += reaction.participants }
    return result
  }

  /// A rough upper bound of its bytes in the manifest, for the size budget.
  var estimatedBytes: Int64 {
    var total = 256 + 2 * Int64(body.utf8.count) + Int64(id?.text.utf8.count ?? 0)
    for pair in custom { total += 32 + 2 * Int64(pair.key.utf8.count + pair.value.utf8.count) }
    for edit in edits { total += 96 + 2 * Int64((edit.previous?.utf8.count ?? 0) + (edit.new?.utf8.count ?? 0)) }
    total += Int64(attachments.count) * 256 + Int64(reactions.count) * 128
    return total
  }

  func json(conversation: String) -> JSONValue {
    var object = JSONObject()
    object.append("id", id?.text)
    object.append("type", kind.rawValue)
    object.append("participant", participant?.text)
    object.append("conversation", conversation)
    object.append("timestamp", UTCTime.timestamp(milliseconds: timestamp))
    object.append("body", body)
    object.append("parent", resolvedParent?.text)
    if deleted { object.append("deleted", JSONValue.bool(true)) }
    if !attachments.isEmpty {
      object.append(
        "attachments",
        JSONValue.array(
          attachments.map { attachment in
            var item = JSONObject()
            item.append("id", attachment.fileName)
            item.append("display", attachment.display)
            item.append("size", attachment.size)
            return .object(item)
          }))
    }
    if !edits.isEmpty {
      object.append(
        "edits",
        JSONValue.array(
          edits.map { edit in
            var item = JSONObject()
            item.append("participant", edit.participant.text)
            item.append("timestamp", edit.timestamp.map { UTCTime.timestamp(milliseconds: $0) })
            item.append("previous", edit.previous)
            item.append("new", edit.new)
            return .object(item)
          }))
    }
    if !reactions.isEmpty {
      object.append(
        "reactions",
        JSONValue.array(
          reactions.map { reaction in
            var item = JSONObject()
            item.append("value", reaction.value)
            item.append("count", reaction.count)
            if !reaction.participants.isEmpty {
              item.append("participants", JSONValue.array(reaction.participants.map { .string($0.text) }))
            }
            return .object(item)
          }))
    }
    if !custom.isEmpty {
      object.append(
        "custom",
        JSONValue.array(
          custom.map { pair in
            var item = JSONObject()
            item.append("name", pair.key)
            item.append("value", pair.value)
            return .object(item)
          }))
    }
    return .object(object)
  }
}
