import ChatBundle

/// Maps one bundle message to the RSMF events it becomes (usually one; a membership change
/// naming several people becomes one per person), noting in the report whatever RSMF can
/// only approximate. Every field of the model lands somewhere: an RSMF member where one
/// fits, a custom name/value pair otherwise.
struct RSMFEventMapper {
  var people: [Identifier: String] = [:]
  /// Recall tombstones and revision records by the message they concern, from the quick
  /// scan before the verifying pass.
  var notices = ScannedNotices()
  /// A file at least this large cannot go in any `.rsmf` under the size limit.
  var largestAttachment: Int64 = .max
  var report = RSMFReport()

  func name(of user: Identifier?) -> String {
    guard let user else { return "" }
    return people[user] ?? user.text
  }

  mutating func events(for message: Message, clock: LocalClock) -> [RSMFEvent] {
    let summary = MessageSummary(people: people)
    var events: [RSMFEvent]
    switch message.body {
    case .membership(let change):
      events = membership(message, change)
    case .recall(let target):
      var event = RSMFEvent(
        id: message.id, kind: .history, participant: message.sender, timestamp: message.timestamp,
        body: "recalled a message" + (target.map { " (" + $0.text + ")" } ?? ""))
      if let target { event.addCustom("recalled_message", target.text) }
      event.recallTarget = target
      event.recallTargetWasMarked = target.map { notices.recalls[$0] != nil } ?? true
      report.note("recall_as_history")
      events = [event]
    case .redacted(let removedKind):
      var event = RSMFEvent(
        id: message.id, kind: .history, participant: message.sender, timestamp: message.timestamp,
        body: summary.text(of: message))
      if let removedKind { event.addCustom("redacted_kind", removedKind.rawValue) }
      if let reason = message.redactions.first?.reason { event.addCustom("redaction_reason", reason) }
      report.note("redacted_as_history")
      events = [event]
    case .notice(let text):
      events = [
        RSMFEvent(id: message.id, kind: .history, participant: message.sender, timestamp: message.timestamp, body: text)
      ]
      report.note("notice_as_history")
    case .command(let action):
      events = [
        RSMFEvent(
          id: message.id, kind: .unknown, participant: message.sender, timestamp: message.timestamp, body: action)
      ]
      report.note("command_as_unknown")
    case .custom(let custom):
      var event = RSMFEvent(
        id: message.id, kind: .unknown, participant: message.sender, timestamp: message.timestamp,
        body: summary.text(of: message))
      if let name = custom.event { event.addCustom("custom_event", name) }
      for field in custom.fields { event.addCustom("field:" + field.key, field.value) }
      report.note("custom_as_unknown")
      events = [event]
    case .unknown(let content):
      var event = RSMFEvent(
        id: message.id, kind: .unknown, participant: message.sender, timestamp: message.timestamp,
        body: summary.text(of: message))
      if let type = content.sourceType { event.addCustom("source_type", type) }
      report.note("unknown_kind")
      events = [event]
    case .location(let place):
      var event = RSMFEvent(
        id: message.id, kind: .message, participant: message.sender, timestamp: message.timestamp,
        body: summary.text(of: message))
      if let place {
        event.addCustom("latitude", place.latitude)
        event.addCustom("longitude", place.longitude)
        if let name = place.name { event.addCustom("place_name", name) }
        if let address = place.address { event.addCustom("address", address) }
      }
      report.note("location_as_text")
      events = [event]
    case .merged(let merged):
      var event = RSMFEvent(
        id: message.id, kind: .message, participant: message.sender, timestamp: message.timestamp,
        body: summary.text(of: message))
      event.addCustom("forwarded_items", String(merged.items.count))
      report.note("merged_as_text")
      events = [event]
    case .text, .media:
      events = [
        RSMFEvent(
          id: message.id, kind: .message, participant: message.sender, timestamp: message.timestamp,
          body: summary.text(of: message))
      ]
    }
    guard var first = events.first else { return [] }
    first.addCustom("kind", message.kind.rawValue)
    if !message.parts.isEmpty { report.note("parts_in_body") }
    annotate(&first, message)
    attach(&first, message)
    first.text = line(first, message, clock: clock)
    events[0] = first
    for index in events.indices.dropFirst() { events[index].text = line(events[index], message, clock: clock) }
    return events
  }

  /// One event per person who joined or left; the sender is the one when none is named.
  private mutating func membership(_ message: Message, _ change: MembershipChange) -> [RSMFEvent] {
    let joined = change.change == .joined
    let members = change.members.isEmpty ? (message.sender.map { [$0] } ?? []) : change.members
    let kind: RSMFEvent.Kind = joined ? .join : .leave
    let verb = joined ? "joined" : "left"
    guard !members.isEmpty else {
      return [RSMFEvent(id: message.id, kind: kind, participant: nil, timestamp: message.timestamp, body: verb)]
    }
    if members.count > 1 { report.note("membership_split") }
    return members.enumerated().map { index, member in
      var event = RSMFEvent(
        id: index == 0 ? message.id : nil, kind: kind, participant: member, timestamp: message.timestamp,
        body: name(of: member) + " " + verb)
      if let sender = message.sender, sender != member {
        event.addCustom(joined ? "added_by" : "removed_by", sender.text)
      }
      return event
    }
  }

  /// Threads, replies, recalls, edits, reactions and the rest of the annotations.
  private mutating func annotate(_ event: inout RSMFEvent, _ message: Message) {
    if let thread = message.thread, thread.root != message.id {
      event.parent = RSMFEvent.ParentCandidate(id: thread.root, field: "thread_root")
      if thread.broadcast { event.addCustom("thread_broadcast", "yes") }
    } else if let reply = message.replyTo {
      event.parent = RSMFEvent.ParentCandidate(id: reply.id, field: "reply_to")
    }
    if let reply = message.replyTo, let preview = reply.preview, !preview.isEmpty {
      event.addCustom("reply_preview", preview)
      report.note("reply_preview_as_custom")
    }
    if let recall = notices.recalls[message.id] {
      event.deleted = true
      event.addCustom("recalled_by", recall.id.text)
    }
    if let revision = notices.revisions[message.id] { event.addCustom("later_version", revision.id.text) }
    if let target = message.editTarget {
      event.addCustom("revision_of", target.text)
      event.revisionOf = target
      report.note("revision_as_message")
    }
    if let edited = message.edited { edits(&event, message, edited) }
    for reaction in message.reactions {
      let value = reaction.name.flatMap { $0.isEmpty ? nil : $0 } ?? reaction.emoji
      guard !value.isEmpty else { continue }
      event.reactions.append(
        RSMFEvent.Reaction(
          value: value, count: max(reaction.count, Int64(reaction.users.count)), participants: reaction.users))
    }
    if !message.mentions.isEmpty {
      event.addCustom("mentions", message.mentions.map { name(of: $0) + " (" + $0.text + ")" }.joined(separator: "; "))
      report.note("mentions_as_custom")
    }
    if message.mentionsAll {
      event.addCustom("mentions_all", "yes")
      if message.mentions.isEmpty { report.note("mentions_as_custom") }
    }
    if let origin = message.forwardedFrom {
      if let name = origin.name { event.addCustom("forwarded_from", name) }
      if let id = origin.id { event.addCustom("forwarded_from_id", id.text) }
      if let time = origin.timestamp { event.addCustom("forwarded_sent", UTCTime.timestamp(milliseconds: time)) }
      report.note("forward_as_custom")
    }
    if message.pinned || message.pinTarget != nil {
      if message.pinned { event.addCustom("pinned", "yes") }
      if let target = message.pinTarget { event.addCustom("pinned_message", target.text) }
      report.note("pin_as_custom")
    }
    if message.senderIsBot {
      event.addCustom("sender_bot", "yes")
      report.note("bot_as_custom")
    }
  }

  /// The model's edit history as RSMF edits: each earlier version is the `previous` of the
  /// edit that replaced it, whose time is when the next version began.
  private mutating func edits(_ event: inout RSMFEvent, _ message: Message, _ edited: MessageEdit) {
    guard let editor = edited.editor ?? message.sender else {
      event.addCustom("edited", edited.timestamp.map { UTCTime.timestamp(milliseconds: $0) } ?? "yes")
      report.note("edit_without_participant")
      return
    }
    let current = event.body
    if edited.history.isEmpty {
      event.edits.append(RSMFEvent.Edit(participant: editor, timestamp: edited.timestamp, previous: nil, new: current))
      return
    }
    for (index, revision) in edited.history.enumerated() {
      let next = index + 1 < edited.history.count ? edited.history[index + 1] : nil
      event.edits.append(
        RSMFEvent.Edit(
          participant: editor, timestamp: next?.timestamp ?? edited.timestamp, previous: revision.text,
          new: next?.text ?? current))
    }
  }

  /// Stored files become attachments (once per file in an event); missing ones and those
  /// too large become custom notes with the reason.
  private mutating func attach(_ event: inout RSMFEvent, _ message: Message) {
    for (path, reference) in message.mediaReferences {
      let label = reference.name.flatMap { $0.isEmpty ? nil : $0 } ?? path.description
      guard let sha256 = reference.sha256, SHA256Digest.isValidHex(sha256) else {
        let reason = reference.missing ?? "unknown"
        event.addCustom("missing_media", path.description + ": " + label + " (" + reason + ")")
        report.note("missing_media:" + reason)
        continue
      }
      let size = max(0, reference.size ?? 0)
      if size >= largestAttachment {
        event.addCustom(
          "attachment_not_included",
          path.description + ": " + label + " (" + String(size) + " bytes, sha256 " + sha256 + ")")
        report.note("attachment_too_large")
        continue
      }
      if path.slot == .thumbnail { report.note("thumbnail_as_attachment") }
      let fileName = sha256 + "." + Self.fileExtension(name: reference.name, mediaType: reference.mediaType)
      guard !event.attachments.contains(where: { $0.fileName == fileName }) else { continue }
      let display =
        reference.name.flatMap { $0.isEmpty ? nil : $0 }
        ?? (path.slot == .thumbnail ? "thumbnail." : "file.")
        + Self.fileExtension(name: nil, mediaType: reference.mediaType)
      event.attachments.append(
        RSMFEvent.Attachment(
          fileName: fileName, sha256: sha256, display: display, size: size, mediaType: reference.mediaType))
    }
  }

  /// The plain-text body's lines for an event: time, who, what, and its files.
  func line(_ event: RSMFEvent, _ message: Message, clock: LocalClock) -> String {
    let local = clock.local(event.timestamp)
    var head = "[" + local.dateTime + "] "
    switch event.kind {
    case .join, .leave, .history:
      head += "* " + (event.kind == .history && event.participant != nil ? name(of: event.participant) + ": " : "")
    default:
      head += (event.participant.map { name(of: $0) } ?? "(system)") + ": "
    }
    if event.deleted { head += "(recalled) " }
    var lines = [head + event.body.replacingOccurrences(of: "\n", with: "\n    ")]
    for attachment in event.attachments {
      lines.append("    [file: " + attachment.display + ", " + String(attachment.size) + " bytes]")
    }
    for pair in event.custom where pair.key == "missing_media" || pair.key == "attachment_not_included" {
      lines.append("    [file not included: " + pair.value + "]")
    }
    for reaction in event.reactions {
      lines.append("    [reaction " + reaction.value + " × " + String(reaction.count) + "]")
    }
    if !event.edits.isEmpty { lines.append("    [edited]") }
    return lines.joined(separator: "\n")
  }

  private static let extensions: [String: String] = [
    "image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp", "image/heic": "heic",
    "image/bmp": "bmp", "video/mp4": "mp4", "video/quicktime": "mov", "video/webm": "webm", "audio/amr": "amr",
    "audio/mpeg": "mp3", "audio/mp4": "m4a", "audio/aac": "aac", "audio/wav": "wav", "audio/ogg": "ogg",
    "application/pdf": "pdf", "application/zip": "zip", "text/plain": "txt", "application/json": "json",
  ]

  /// The extension of the original name when it is short letters and digits, else one for
  /// the media type, else `bin`: lowercase ASCII either way, never a path.
  static func fileExtension(name: String?, mediaType: String?) -> String {
    if let name, let dot = name.lastIndex(of: ".") {
      let ext = name[name.index(after: dot)...].lowercased()
      if (1...8).contains(ext.utf8.count),
        ext.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x7A) })
      {
        return ext
      }
    }
    return mediaType.flatMap { extensions[$0] } ?? "bin"
  }
}
