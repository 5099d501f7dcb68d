import ChatBundle

/// A small group chat that uses every annotation of format 1.3: an edited message with
/// its earlier versions, reactions, a thread with a broadcast reply, a pin notice and a
/// pinned message, a bot, a forward, and a revision record of its own.
public enum AnnotatedBundle {
  public static let group = ConversationInfo(id: "group:g1", kind: .group, sourceID: "g1")
  static let start: Int64 = 1_741_568_400_000

  public static func messages() -> [Message] {
    func message(_ id: Identifier, _ body: MessageBody, _ sender: Identifier?, _ minute: Int64) -> Message {
      Message.test(
        id, in: group.id, at: start + minute * 60_000, from: sender, body,
        raw: .object(JSONObject(["id": .string(id.text)])))
    }
    var root = message("root", .text("Field trip on Friday?"), "alice", 0)
    root.edited = MessageEdit(
      timestamp: start + 90_000, history: [MessageRevision(text: "Field trip on Thursday?", timestamp: start)])
    root.reactions = [
      Reaction(emoji: "👍", name: "+1", count: 3, users: ["bob", "carol"]), Reaction(emoji: "partyparrot", count: 1),
    ]
    root.pinned = true
    var reply = message("reply", .text("Friday works"), "bob", 1)
    reply.thread = ThreadReference(root: "root")
    var broadcast = message("broadcast", .text("Bring lunch"), "carol", 2)
    broadcast.thread = ThreadReference(root: "root", broadcast: true)
    var bot = message("bot", .text("Reminder: forms due"), "B01", 3)
    bot.senderIsBot = true
    var forward = message("forward", .text("Bus leaves at 8"), "bob", 4)
    forward.forwardedFrom = ForwardOrigin(name: "School office", timestamp: start - 3_600_000)
    var pin = message("pin", .notice("alice pinned a message"), "alice", 5)
    pin.pinTarget = "root"
    var revision = message("rev", .text("Bring lunch and water"), "carol", 2)
    revision.editTarget = "broadcast"
    revision.edited = MessageEdit(timestamp: start + 6 * 60_000)
    return [root, reply, broadcast, bot, forward, pin, revision]
  }

  public static func pack(to path: String) throws {
    let builder = try BundleBuilder(
      options: PackOptions(platform: "test", timeZone: "Asia/Shanghai"), outputPath: path)
    let input = builder.addInput(name: "in.ndjson", size: 0, sha256: String(repeating: "0", count: 64), records: 0)
    builder.nameIfUnnamed("alice", "Alice")
    builder.nameIfUnnamed("bob", "Bob")
    builder.nameIfUnnamed("carol", "Carol")
    builder.nameIfUnnamed("B01", "Homework Bot")
    builder.nameIfUnnamed("g1", "Class 3")
    for (line, message) in messages().enumerated() {
      try builder.add(message, conversation: group, input: input, line: Int64(line + 1))
    }
    _ = try builder.finish(outputPath: path)
  }
}
