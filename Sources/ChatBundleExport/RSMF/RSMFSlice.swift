import ChatBundle

/// The events of one `.rsmf` file while they are collected: at most one slice is in
/// memory at a time. `flush` writes what the file needs to scratch (the manifest, the
/// plain-text part, the header fields, the list of files for the zip) and leaves a small
/// record behind for the assembly at the end.
struct RSMFSlice {
  /// What the assembly needs of a flushed slice.
  struct Record {
    var fileName: String
    /// Scratch files of the slice: `base + ".json"`, `".txt"`, `".head"`, `".files"`.
    var base: String
    var conversation: Identifier
    var begin: Int64
    var end: Int64
    var events: Int
    var attachments: Int
  }

  let fileName: String
  let key: Int64
  let label: String
  let part: Int
  private(set) var events: [RSMFEvent] = []
  private var index: [Identifier: Int] = [:]
  private(set) var attachments: [String: RSMFEvent.Attachment] = [:]
  /// Members when the slice's first event happened (a channel's running membership).
  private let startMembers: Set<Identifier>
  private var referenced: Set<Identifier> = []
  private var joinedHere: Set<Identifier> = []
  private(set) var estimatedBytes: Int64 = 8192

  init(fileName: String, key: Int64, label: String, part: Int, startMembers: Set<Identifier>) {
    self.fileName = fileName
    self.key = key
    self.label = label
    self.part = part
    self.startMembers = startMembers
  }

  var isEmpty: Bool { events.isEmpty }
  var count: Int { events.count }

  /// What adding the event would cost, in bytes of the finished file.
  func cost(of event: RSMFEvent) -> Int64 {
    var zipped = event.estimatedBytes
    for attachment in event.attachments where attachments[attachment.fileName] == nil {
      zipped += attachment.size + 2 * Int64(attachment.fileName.utf8.count) + 200
    }
    // base64 (4/3 and line ends) for the zip, quoted-printable (up to 3×) for the text,
    // and a participant's share of the header fields and the manifest.
    let text = 3 * Int64(event.text.utf8.count) + 16
    let people = event.participants.filter { !referenced.contains($0) }.count * 1024
    return zipped * 138 / 100 + text + Int64(people)
  }

  /// Adds an event, resolving its parent, recall and revision against the slice's own
  /// events; returns the reasons of what could only be approximated.
  mutating func add(_ incoming: RSMFEvent) -> [String] {
    var event = incoming
    var notes: [String] = []
    estimatedBytes += cost(of: event)
    if let parent = event.parent {
      if index[parent.id] != nil {
        event.resolvedParent = parent.id
      } else {
        event.addCustom(parent.field, parent.id.text)
        notes.append("parent_in_other_file")
      }
    }
    if let target = event.recallTarget {
      if let position = index[target] {
        events[position].deleted = true
      } else if !incoming.recallTargetWasMarked {
        notes.append("recall_target_not_marked")
      }
    }
    if let target = event.revisionOf, let position = index[target],
      let editor = event.participant ?? events[position].participant
    {
      let previous = events[position].edits.last?.new ?? events[position].body
      events[position].edits.append(
        RSMFEvent.Edit(participant: editor, timestamp: event.timestamp, previous: previous, new: event.body))
    }
    for attachment in event.attachments where attachments[attachment.fileName] == nil {
      attachments[attachment.fileName] = attachment
    }
    for person in event.participants where !referenced.contains(person) {
      referenced.insert(person)
      if event.kind == .join && person == event.participant && !startMembers.contains(person) {
        joinedHere.insert(person)
      }
    }
    if let id = event.id, index[id] == nil { index[id] = events.count }
    events.append(event)
    return notes
  }

  /// Writes the slice's scratch files and returns its record.
  func flush(
    to base: String, context: RSMFConversationContext, clock: LocalClock
  ) throws -> Record? {
    guard let first = events.first, let last = events.last else { return nil }
    let conversation = context.conversation
    let isDirect = conversation.kind == .direct
    var members: Set<Identifier>
    if isDirect {
      members = Set(conversation.participants ?? []).union(referenced)
    } else {
      members = startMembers.union(referenced.subtracting(joinedHere))
    }
    let conversationParticipants = members.sorted()
    let everyone = members.union(referenced).sorted()
    let external = Set(conversation.externalMembers ?? [])
    let title = conversation.title(names: context.people)

    // The manifest.
    var root = JSONObject()
    root.append("version", "2.0.0")
    root.append(
      "participants",
      JSONValue.array(
        everyone.map { person in
          var object = JSONObject()
          object.append("id", person.text)
          object.append("display", context.people[person] ?? person.text)
          object.append("account_id", person.text)
          if external.contains(person) {
            object.append("custom", JSONValue.array([Self.pair("external", "yes")]))
          }
          return .object(object)
        }))
    var conversationObject = JSONObject()
    conversationObject.append("id", conversation.id.text)
    conversationObject.append("display", title)
    conversationObject.append("platform", context.platform)
    conversationObject.append("type", isDirect ? "direct" : "channel")
    conversationObject.append("participants", JSONValue.array(conversationParticipants.map { .string($0.text) }))
    var custom = [
      Self.pair("bundle_conversation_kind", conversation.kind.rawValue), Self.pair("bundle_id", context.bundleID),
      Self.pair("slice", label + " " + clock.identifier + (part > 1 ? ", part \(part)" : "")),
    ]
    if let source = conversation.sourceID { custom.append(Self.pair("source_id", source.text)) }
    conversationObject.append("custom", JSONValue.array(custom))
    root.append("conversations", JSONValue.array([.object(conversationObject)]))
    root.append("events", JSONValue.array(events.map { $0.json(conversation: conversation.id.text) }))
    root.append("eventcollectionid", context.collectionID)
    try writeNewFile(base + ".json", JSONWriter.serialize(.object(root)))

    // The plain-text part, in time order as the events are.
    let names = everyone.map { context.people[$0] ?? $0.text }
    let begin = clock.local(first.timestamp)
    let end = clock.local(last.timestamp)
    var text = [
      "Conversation: " + title,
      "Conversation id: " + conversation.id.text + " (" + conversation.kind.rawValue + ", " + context.platform + ")",
      "Period: " + begin.dateTime + " to " + end.dateTime + " (" + clock.identifier + ")",
      "Events: " + String(events.count) + ", files: " + String(attachments.count),
      "Participants: " + names.joined(separator: ", "),
      "Bundle: " + context.bundleID,
      "File: " + fileName,
      "",
    ]
    text += events.map(\.text)
    try writeNewFile(base + ".txt", MIMEText.quotedPrintable(text.joined(separator: "\n") + "\n"))

    // The header fields that do not depend on the zip.
    let from = first.participant.map { context.people[$0] ?? $0.text } ?? "chatbundle"
    let fromID = first.participant
    let to = everyone.filter { $0 != fromID }.map { context.people[$0] ?? $0.text }
    var head = MIMEText.addressField("From", [from])
    if !to.isEmpty { head += MIMEText.addressField("To", to) }
    head += MIMEText.field("Subject", title + " " + begin.date + (part > 1 ? " (part \(part))" : ""))
    head += MIMEText.field("Date", MIMEText.date(begin))
    head += MIMEText.field("X-RSMF-Version", "2.0.0")
    head += MIMEText.field("X-RSMF-Generator", "chatbundle " + ChatBundleVersion.current)
    head += MIMEText.field("X-RSMF-Application", context.platform)
    head += MIMEText.field("X-RSMF-BeginDate", UTCTime.timestamp(milliseconds: first.timestamp))
    head += MIMEText.field("X-RSMF-EndDate", UTCTime.timestamp(milliseconds: last.timestamp))
    head += MIMEText.field("X-RSMF-EventCount", String(events.count))
    head += MIMEText.field("X-RSMF-AttachmentCount", String(attachments.count))
    head += MIMEText.field("X-RSMF-Participants", names.joined(separator: ", "))
    head += MIMEText.field("X-RSMF-EventCollectionID", context.collectionID)
    head += MIMEText.field("X-RSMF-BundleId", context.bundleID)
    head += MIMEText.field("X-RSMF-ConversationId", conversation.id.text)
    try writeNewFile(base + ".head", head)

    var files: [UInt8] = []
    for name in attachments.keys.sorted() {
      guard let attachment = attachments[name] else { continue }
      files += Array((name + "\t" + attachment.sha256 + "\t" + (attachment.mediaType ?? "") + "\n").utf8)
    }
    try writeNewFile(base + ".files", files)
    return Record(
      fileName: fileName, base: base, conversation: conversation.id, begin: first.timestamp, end: last.timestamp,
      events: events.count, attachments: attachments.count)
  }

  static func pair(_ name: String, _ value: String) -> JSONValue {
    var object = JSONObject()
    object.append("name", name)
    object.append("value", value.isEmpty ? "(empty)" : value)
    return .object(object)
  }
}

/// What every slice of a conversation shares.
struct RSMFConversationContext {
  var conversation: ConversationEntry
  var people: [Identifier: String]
  var platform: String
  var bundleID: String
  /// `X-RSMF-EventCollectionID` and the manifest's `eventcollectionid`.
  var collectionID: String
}
