/// Which messages an export keeps (`--since`, `--until`, `--conversation`, `--member`),
/// and how many it has left out.
struct ExportScopeFilter {
  let scope: ExportScope
  private(set) var filtered: Int64 = 0

  init(_ scope: ExportScope) { self.scope = scope }

  /// Whether the message falls inside the scope; one that does not is counted.
  mutating func accepts(_ message: Message, in conversation: ConversationInfo) -> Bool {
    if let since = scope.since, message.timestamp < since { return reject() }
    if let until = scope.until, message.timestamp >= until { return reject() }
    if let wanted = scope.conversations, !wanted.contains(where: { conversation.matches($0) }) { return reject() }
    if let members = scope.members {
      let sentByMember = message.sender.map(members.contains) ?? false
      let directWithMember =
        conversation.kind == .direct && (conversation.participants ?? []).contains(where: members.contains)
      if !sentByMember && !directWithMember { return reject() }
    }
    return true
  }

  private mutating func reject() -> Bool {
    filtered += 1
    return false
  }
}
