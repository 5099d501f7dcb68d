import ChatBundle

/// The conversation of two users, named the same whichever of them sent the message:
/// `chat:<a>:<b>` with the ids in bytewise order (spec Appendix A.2).
enum DirectConversation {
  static func info(_ first: Identifier, _ second: Identifier, externalMembers: [Identifier]? = nil)
    -> ConversationInfo
  {
    let pair = [first, second].sorted()
    return ConversationInfo(
      id: Identifier("chat:" + escape(pair[0].text) + ":" + escape(pair[1].text)), kind: .direct,
      participants: pair, externalMembers: externalMembers)
  }

  /// Escapes the separator so that `chat:a:b` is unambiguous whatever the ids contain.
  /// Bytes, not characters: a `:` followed by a combining mark is one `Character`, and a
  /// search by characters would leave that colon unescaped.
  static func escape(_ id: String) -> String {
    guard id.utf8.contains(where: { $0 == 0x3A || $0 == 0x25 }) else { return id }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(id.utf8.count + 8)
    for byte in id.utf8 {
      switch byte {
      case 0x25: bytes += Array("%25".utf8)
      case 0x3A: bytes += Array("%3A".utf8)
      default: bytes.append(byte)
      }
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}
