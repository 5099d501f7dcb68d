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

  /// The order entries must appear in: manifest, people, the two indexes, conversations,
  /// then media; each group in bytewise path order. Streaming readers rely on it.
  public static func group(of path: String) -> Int {
    switch path {
    case manifest: 0
    case people: 1
    case conversationIndex: 2
    case messageIndex: 3
    default:
      if path.hasPrefix(conversationsDirectory) {
        4
      } else if path.hasPrefix(mediaDirectory) {
        5
      } else {
        6
      }
    }
  }

  /// Whether a path has the shape of a file the format defines.
  public static func isKnownShape(_ path: String) -> Bool {
    switch group(of: path) {
    case 0, 1, 2, 3: return true
    case 4:
      let name = path.dropFirst(conversationsDirectory.count)
      return name.count == 31 && name.hasSuffix(".ndjson")
        && name.prefix(24).utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    case 5:
      let parts = path.split(separator: "/", omittingEmptySubsequences: false)
      return parts.count == 3 && SHA256Digest.isValidHex(String(parts[2]))
        && parts[1] == parts[2].prefix(2)
    default: return false
    }
  }
}
