import ArchiveIO
import ChatBundle

/// What an export's metadata files say: who the users are and which conversation each
/// folder holds. These files are small beside the messages (one entry per user or
/// channel), so they are held whole.
struct SlackWorkspace {
  struct User: Equatable {
    var name: String?
    var isBot: Bool
  }

  /// A conversation an export lists, or one found only as a folder.
  struct Channel: Equatable {
    enum Kind: String {
      case channel, privateChannel = "private channel", direct = "direct message", groupDirect = "group direct message",
        unlisted = "unlisted folder"
    }
    /// The id messages of the conversation are numbered under (`C…`, `G…`, `D…`), or the
    /// folder name for a folder no metadata file lists.
    var id: String
    var name: String?
    var kind: Kind
    var members: [String]
    /// The `ts` of the messages the metadata lists as pinned.
    var pinned: Set<String>
  }

  private(set) var users: [String: User] = [:]
  private(set) var channelsByFolder: [String: Channel] = [:]
  private(set) var channelNames: [String: String] = [:]
  /// Users and channels in file order, for naming them in the bundle.
  private(set) var userOrder: [String] = []

  /// The metadata file, its kind of conversation, and how its folders are named.
  private static let conversationFiles: [(file: String, kind: Channel.Kind)] = [
    ("channels.json", .channel), ("groups.json", .privateChannel), ("mpims.json", .groupDirect), ("dms.json", .direct),
  ]

  static let maximumMetadataBytes = 512 << 20

  init(export: SlackExport) throws {
    for file in ["users.json", "org_users.json"] {
      guard let elements = try Self.array(file, in: export) else { continue }
      for (index, element) in elements.enumerated() {
        let object = try Self.object(element, file: file, index: index, export: export)
        guard let id = object["id"]?.stringValue, Identifier.problem(id) == nil else {
          throw Self.invalid(file, index, "needs a string \"id\"", export: export)
        }
        if users[id] != nil { continue }
        let profile = object["profile"]?.objectValue
        let name = [
          object["real_name"]?.stringValue, profile?["real_name"]?.stringValue, profile?["display_name"]?.stringValue,
          object["name"]?.stringValue,
        ].lazy.compactMap { $0?.trimmingSpacesAndNewlines }.first { !$0.isEmpty }
        users[id] = User(name: name, isBot: object["is_bot"]?.boolValue == true)
        userOrder.append(id)
      }
    }
    for (file, kind) in Self.conversationFiles {
      guard let elements = try Self.array(file, in: export) else { continue }
      for (index, element) in elements.enumerated() {
        let object = try Self.object(element, file: file, index: index, export: export)
        guard let id = object["id"]?.stringValue, Identifier.problem(id) == nil, !id.contains(":") else {
          throw Self.invalid(file, index, "needs a string \"id\" without ':'", export: export)
        }
        let name = object["name"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        let members = (object["members"]?.arrayValue ?? []).compactMap(\.stringValue).filter {
          Identifier.problem($0) == nil
        }
        let pinned = Set(
          (object["pins"]?.arrayValue ?? []).compactMap { $0.objectValue?["id"]?.stringValue }.filter(
            SlackTimestamp.isValid))
        let channel = Channel(id: id, name: name, kind: kind, members: members, pinned: pinned)
        if let name, channelNames[id] == nil { channelNames[id] = name }
        // Slack names a channel's folder by its name, a DM's by its id; slackdump has used
        // either, so both find it. The first listing of a folder name wins.
        for folder in [name, id].compactMap({ $0 }) where channelsByFolder[folder] == nil {
          channelsByFolder[folder] = channel
        }
      }
    }
  }

  /// The conversation in `folder`, or one named by the folder when no metadata lists it.
  func channel(forFolder folder: String) -> (channel: Channel, listed: Bool) {
    if let known = channelsByFolder[folder] { return (known, true) }
    return (Channel(id: folder, name: folder, kind: .unlisted, members: [], pinned: []), false)
  }

  /// The bundle's conversation for a channel: `group:<id>` for channels, private channels,
  /// group DMs and unlisted folders; the pair's `chat:<a>:<b>` for a DM of two (spec
  /// Appendix A.2), with the DM's id as its source id.
  static func conversation(_ channel: Channel) -> ConversationInfo {
    if channel.kind == .direct, (1...2).contains(channel.members.count), let first = channel.members.first {
      var info = DirectConversation.info(Identifier(first), Identifier(channel.members.last ?? first))
      info.sourceID = Identifier(channel.id)
      return info
    }
    return ConversationInfo(id: Identifier("group:" + channel.id), kind: .group, sourceID: Identifier(channel.id))
  }

  private static func array(_ file: String, in export: SlackExport) throws -> [JSONValue]? {
    guard let path = export.files[file] else { return nil }
    let bytes: [UInt8]
    do {
      let stream = try FileByteStream(path: path)
      var collected: [UInt8] = []
      var buffer = [UInt8](repeating: 0, count: 1 << 16)
      while true {
        let count = try buffer.withUnsafeMutableBytes { try stream.read(into: $0) }
        if count == 0 { break }
        collected += buffer[0..<count]
        if collected.count > maximumMetadataBytes {
          throw ImportError.unreadableInput(
            path: export.displayName(file), message: "larger than \(maximumMetadataBytes >> 20) MiB")
        }
      }
      bytes = collected
    } catch let error as ImportError {
      throw error
    } catch {
      throw ImportError.unreadableInput(path: export.displayName(file), message: "\(error)")
    }
    let value: JSONValue
    do { value = try JSONParser.parse(bytes, options: .lenient) } catch {
      throw ImportError.unreadableInput(path: export.displayName(file), message: "invalid JSON: \(error)")
    }
    // slackdump writes `null` for an empty list.
    if value == .null { return [] }
    guard let elements = value.arrayValue else {
      throw ImportError.unreadableInput(
        path: export.displayName(file),
        message: "expected a JSON array, found \(value.typeName); is this the \(file) of a Slack export?")
    }
    return elements
  }

  private static func object(_ value: JSONValue, file: String, index: Int, export: SlackExport) throws -> JSONObject {
    guard let object = value.objectValue else {
      throw invalid(file, index, "expected an object, found \(value.typeName)", export: export)
    }
    return object
  }

  private static func invalid(_ file: String, _ index: Int, _ message: String, export: SlackExport) -> ImportError {
    .unreadableInput(path: export.displayName(file), message: "element \(index + 1): \(message)")
  }
}

extension String {
  fileprivate var trimmingSpacesAndNewlines: String {
    var scalars = Substring(self)
    while let first = scalars.first, first.isWhitespace { scalars = scalars.dropFirst() }
    while let last = scalars.last, last.isWhitespace { scalars = scalars.dropLast() }
    return String(scalars)
  }
}
