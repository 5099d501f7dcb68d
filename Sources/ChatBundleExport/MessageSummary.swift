import ChatBundle

/// A message as one line (or a few) of readable text, for a spreadsheet cell: the text of
/// a text message, and for other kinds what a person needs to recognise it.
struct MessageSummary {
  /// Display names by user id.
  var people: [String: String] = [:]

  func text(of message: Message) -> String {
    var lines: [String] = []
    let main = describe(
      kind: message.kind, text: message.text, media: message.media, location: message.location,
      merged: message.merged, sourceType: message.sourceType)
    switch message.kind {
    case .command: lines.append(message.command ?? "")
    case .custom: lines.append(describe(message.custom))
    case .memberJoined: lines.append("joined: " + names(message.members ?? []))
    case .memberLeft: lines.append("left: " + names(message.members ?? []))
    case .recall: lines.append("recalled: " + (message.recallTarget ?? ""))
    default: lines.append(main)
    }
    for part in message.parts ?? [] { lines.append(describe(part)) }
    return lines.joined(separator: "\n")
  }

  /// `media/aa/<sha256>` for a stored file, `missing: <reason>` for one that is not; the
  /// message's own attachment first, then those of its extra parts, one per line.
  func mediaColumn(of message: Message) -> String {
    var references: [MediaReference] = []
    if let media = message.media { references.append(media) }
    for part in message.parts ?? [] { if let media = part.media { references.append(media) } }
    return references.map(Self.mediaCell).joined(separator: "\n")
  }

  static func mediaCell(_ reference: MediaReference) -> String {
    if let path = reference.bundlePath { return path }
    return "missing: " + (reference.missing ?? "unknown")
  }

  func name(of user: String?) -> String {
    guard let user else { return "" }
    return people[user] ?? ""
  }

  private func names(_ users: [String]) -> String {
    users.map { user in people[user].map { "\($0) (\(user))" } ?? user }.joined(separator: ", ")
  }

  private func describe(_ part: MessagePart) -> String {
    let body = describe(
      kind: part.kind, text: part.text, media: part.media, location: part.location, merged: part.merged,
      sourceType: part.sourceType)
    guard let sender = part.sender else { return body }
    return (people[sender] ?? sender) + ": " + body
  }

  private func describe(
    kind: MessageKind, text: String?, media: MediaReference?, location: Location?, merged: MergedRecord?,
    sourceType: String?
  ) -> String {
    switch kind {
    case .image, .audio, .video, .file:
      var pieces: [String] = []
      if let name = media?.name, !name.isEmpty { pieces.append(name) }
      if let duration = media?.durationMilliseconds { pieces.append("(\(seconds(duration)) s)") }
      if let text, !text.isEmpty { pieces.append(text) }
      return pieces.joined(separator: " ")
    case .location:
      guard let location else { return text ?? "" }
      let place = [location.name, location.address].compactMap { $0?.isEmpty == false ? $0 : nil }
      return (place + ["(\(location.latitude), \(location.longitude))"]).joined(separator: " ")
    case .merged:
      guard let merged else { return text ?? "" }
      var lines = [merged.title, merged.summary].compactMap { $0?.isEmpty == false ? $0 : nil }
      lines += merged.items.map { "> " + describe($0) }
      return lines.joined(separator: "\n")
    case .unknown:
      return "(\(sourceType ?? "unknown"))" + (text.map { " " + $0 } ?? "")
    default:
      return text ?? ""
    }
  }

  private func describe(_ custom: CustomEvent?) -> String {
    guard let custom else { return "" }
    let fields = custom.fields.map { $0.key + "=" + $0.value }.joined(separator: "; ")
    let event = custom.event ?? ""
    if fields.isEmpty { return event }
    return event.isEmpty ? fields : event + ": " + fields
  }

  private func seconds(_ milliseconds: Int64) -> String {
    milliseconds % 1000 == 0 ? String(milliseconds / 1000) : String(Double(milliseconds) / 1000)
  }
}
