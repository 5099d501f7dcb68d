extension ConversationEntry {
  /// What a reader calls the conversation: its name, else the names of a one-to-one
  /// chat's two parties, else the source's group id, else the bundle's id. The site, the
  /// exports and the certificate all name conversations by it.
  public func title(names: [Identifier: String]) -> String {
    if let name { return name }
    if let participants { return participants.map { names[$0] ?? $0.text }.joined(separator: " ↔ ") }
    return (sourceID ?? id).text
  }
}
