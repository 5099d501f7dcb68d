import ChatBundle

/// A message as one line (or a few) of readable text, for a spreadsheet cell: the text of
/// a text message, and for other kinds what a person needs to recognise it.
struct MessageSummary {
  /// Display names by user id.
  var people: [Identifier: String] = [:]

  func text(of message: Message) -> String {
    var lines: [String] = []
    switch message.body {
    case .command(let action): lines.append(action)
    case .custom(let custom): lines.append(describe(custom))
    case .membership(let change):
      lines.append((change.change == .joined ? "joined: " : "left: ") + names(change.members))
    case .recall(let target): lines.append("recalled: " + (target?.text ?? ""))
    case .redacted(let removedKind):
      lines.append(
        "redacted" + (removedKind.map { " \($0.rawValue)" } ?? "") + " message"
          + (message.redactions.first.map { ": " + $0.reason } ?? ""))
    default: lines.append(describe(message.body))
    }
    for part in message.parts { lines.append(describe(part)) }
    return lines.joined(separator: "\n")
  }

  /// `media/aa/<sha256>` for a stored file, `missing: <reason>` for one that is not; the
  /// message's own attachment first, then those of its extra parts, one per line.
  func mediaColumn(of message: Message) -> String {
    message.mediaReferences.filter { $0.path.isTopLevelBody }.map { Self.mediaCell($0.reference) }
      .joined(separator: "\n")
  }

  static func mediaCell(_ reference: MediaReference) -> String {
    if let path = reference.bundlePath { return path }
    return "missing: " + (reference.missing ?? "unknown")
  }

  func name(of user: Identifier?) -> String {
    guard let user else { return "" }
    return people[user] ?? ""
  }

  private func names(_ users: [Identifier]) -> String {
    users.map { user in people[user].map { "\($0) (\(user))" } ?? user.text }.joined(separator: ", ")
  }

  private func describe(_ part: MessagePart) -> String {
    let body = describe(part.body)
    guard let sender = part.sender else { return body }
    return (people[sender] ?? sender.text) + ": " + body
  }

  private func describe(_ body: MessageBody) -> String {
    switch body {
    case .media(let content):
      var pieces: [String] = []
      if let name = content.reference?.name, !name.isEmpty { pieces.append(name) }
      if let duration = content.reference?.durationMilliseconds { pieces.append("(\(seconds(duration)) s)") }
      if let caption = content.caption, !caption.isEmpty { pieces.append(caption) }
      return pieces.joined(separator: " ")
    case .location(let place):
      guard let location = place else { return "" }
      let names = [location.name, location.address].compactMap { $0?.isEmpty == false ? $0 : nil }
      return (names + ["(\(location.latitude), \(location.longitude))"]).joined(separator: " ")
    case .merged(let merged):
      var lines = [merged.title, merged.summary].compactMap { $0?.isEmpty == false ? $0 : nil }
      lines += merged.items.map { "> " + describe($0) }
      return lines.joined(separator: "\n")
    case .unknown(let content):
      return "(\(content.sourceType ?? "unknown"))" + (content.text.map { " " + $0 } ?? "")
    case .text(let text), .notice(let text), .command(let text):
      return text
    case .custom, .membership, .recall, .redacted:
      return ""
    }
  }

  private func describe(_ custom: CustomEvent) -> String {
    let fields = custom.fields.map { $0.key + "=" + $0.value }.joined(separator: "; ")
    let event = custom.event ?? ""
    if fields.isEmpty { return event }
    return event.isEmpty ? fields : event + ": " + fields
  }

  private func seconds(_ milliseconds: Int64) -> String {
    milliseconds % 1000 == 0 ? String(milliseconds / 1000) : String(Double(milliseconds) / 1000)
  }
}
