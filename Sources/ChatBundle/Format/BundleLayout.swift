/// Where things live inside a bundle. All paths are relative to `root` and ASCII.
public enum BundleLayout {
  /// The single top-level directory every entry sits under.
  public static let root = "chatbundle"
  public static let manifest = "manifest.json"
  public static let people = "people.ndjson"
  public static let conversationIndex = "index/conversations.ndjson"
  public static let messageIndex = "index/message-ids.ndjson"
  public static let conversationsDirectory = "conversations/"
  public static let mediaDirectory = "media/"

  public static func mediaPath(sha256: String) -> String {
    "media/" + sha256.prefix(2) + "/" + sha256
  }

  /// A conversation's file name comes from a hash of its id, never from the id itself,
  /// which is untrusted text.
  public static func conversationPath(id: Identifier) -> String {
    "conversations/" + SHA256Digest.hex(of: id.bytes).prefix(24) + ".ndjson"
  }

  public static func entryName(_ path: String) -> String { root + "/" + path }

  /// The groups of entries, in the order they must appear (spec §4.3): manifest, people,
  /// the two indexes, conversations, then media; each group in bytewise path order.
  /// Streaming readers rely on it.
  public enum Group: Int, Sendable, Comparable, CaseIterable {
    case manifest, people, conversationIndex, messageIndex, conversations, media
    /// A path the format does not define.
    case other

    public static func < (lhs: Group, rhs: Group) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The role a listed file of this group has.
    public var role: Manifest.FileEntry.Role? {
      switch self {
      case .people: .people
      case .conversationIndex, .messageIndex: .index
      case .conversations: .messages
      case .media: .media
      case .manifest, .other: nil
      }
    }
  }

  public static func group(of path: String) -> Group {
    switch path {
    case manifest: .manifest
    case people: .people
    case conversationIndex: .conversationIndex
    case messageIndex: .messageIndex
    default:
      if path.hasPrefix(conversationsDirectory) {
        .conversations
      } else if path.hasPrefix(mediaDirectory) {
        .media
      } else {
        .other
      }
    }
  }

  /// Whether a path has the shape of a file the format defines.
  public static func isKnownShape(_ path: String) -> Bool {
    switch group(of: path) {
    case .manifest, .people, .conversationIndex, .messageIndex: return true
    case .conversations:
      let name = path.dropFirst(conversationsDirectory.count)
      return name.count == 31 && name.hasSuffix(".ndjson")
        && name.prefix(24).utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    case .media:
      let parts = path.split(separator: "/", omittingEmptySubsequences: false)
      return parts.count == 3 && SHA256Digest.isValidHex(String(parts[2]))
        && parts[1] == parts[2].prefix(2)
    case .other: return false
    }
  }
}
