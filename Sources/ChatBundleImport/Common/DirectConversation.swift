import ChatBundle

/// The conversation of two users, named the same whichever of them sent the message:
/// `chat:<a>:<b>` with the ids in bytewise order (spec Appendix A.2).
enum DirectConversation {
  static func info(_ first: String, _ second: String, externalMembers: [String]? = nil) -> ConversationInfo {
    let pair = [first, second].sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    return ConversationInfo(
      id: "chat:" + escape(pair[0]) + ":" + escape(pair[1]), kind: .direct, participants: pair,
      externalMembers: externalMembers)
  }

  /// Escapes the separator so that `chat:a:b` is unambiguous whatever the ids contain.
  static func escape(_ id: String) -> String {
    guard id.contains(":") || id.contains("%") else { return id }
    return id.replacingAll("%", with: "%25").replacingAll(":", with: "%3A")
  }
}
