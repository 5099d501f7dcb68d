import ChatBundle
import ChatBundleImport
import ChatBundleTestSupport
import Foundation
import Testing

/// Each Slack message type and subtype of the shipped example, pinned to its model value.
@Suite struct SlackMappingTests {
  let packed: SlackFixtures.Packed
  let directory: TemporaryDirectory

  init() throws {
    directory = try TemporaryDirectory()
    packed = try SlackFixtures.pack([SlackFixtures.example], in: directory)
  }

  func message(_ id: String) throws -> ChatBundle.Message {
    try #require(packed.message(id), "no message \(id)")
  }

  @Test func theExamplePacksAndVerifies() {
    #expect(packed.report.isValid, "\(packed.report.issues)")
    #expect(packed.summary.messages == 19)
    #expect(packed.summary.conversations == 5)
    #expect(packed.summary.media == 2)
    #expect(packed.summary.missing == 3)
    #expect(packed.people["U01ALICE"] == "Alice Zhang")
    #expect(packed.people["U03CAROL"] == "Carol W.", "real_name empty: the display name")
    #expect(packed.people["B04DEPLOY"] == "Deploy Bot", "a bot is named from username")
  }

  @Test func conversationsFollowTheMetadata() throws {
    #expect(try message("C01GENERAL:1741600800.000200").conversation == "group:C01GENERAL")
    #expect(try message("G02DESIGN:1741602100.000200").conversation == "group:G02DESIGN")
    #expect(try message("D0DMALBO:1741780800.000100").conversation == "chat:U01ALICE:U02BOB")
    #expect(try message("G03MPIM:1741781000.000100").conversation == "group:G03MPIM")
    // A folder no metadata lists is read by its name, with a note.
    #expect(try message("old-notes:1736064000.000100").conversation == "group:old-notes")
    #expect(packed.notes.contains { $0.contains("old-notes") && $0.contains("no metadata file lists") })
  }

  @Test func plainMessagesBecomeReadableText() throws {
    let root = try message("C01GENERAL:1741600800.000200")
    #expect(root.timestamp == 1_741_600_800_000)
    #expect(root.sender == "U01ALICE")
    #expect(
      root.body
        == .text(
          "@Bob Li the release notes are ready: draft notes (https://example.com/notes) & the board is "
            + "https://example.com/board. *Please* review by Friday :pray:"))
    #expect(root.mentions == ["U02BOB"])
    #expect(!root.mentionsAll)
    #expect(root.source.raw.objectValue?["text"]?.stringValue?.hasPrefix("<@U02BOB>") == true, "raw keeps mrkdwn")
    #expect(try message("C01GENERAL:1741600900.000300").body == .text("Looks good <3 one typo in section 2"))
  }

  @Test func editsReactionsAndPins() throws {
    let root = try message("C01GENERAL:1741600800.000200")
    #expect(root.edited == MessageEdit(timestamp: 1_741_600_850_000, editor: nil), "edited by its sender")
    #expect(
      root.reactions == [
        Reaction(emoji: "👍", name: "+1", count: 2, users: ["U02BOB", "U03CAROL"]),
        Reaction(emoji: "partyparrot", count: 1, users: ["U02BOB"]),
      ])
    #expect(root.pinned)
    #expect(root.thread == nil, "a thread's root has thread_ts == ts")
    let broadcast = try message("C01GENERAL:1741687200.000100")
    #expect(broadcast.edited == MessageEdit(timestamp: 1_741_687_260_000, editor: "U01ALICE"))
    #expect(broadcast.reactions == [Reaction(emoji: "✅", name: "white_check_mark", count: 1, users: ["U01ALICE"])])
    let design = try message("G02DESIGN:1741602100.000200")
    #expect(
      design.reactions == [
        Reaction(emoji: "👍\u{1F3FC}", name: "+1::skin-tone-3", count: 1, users: ["U01ALICE"]),
        Reaction(emoji: "👀", name: "eyes", count: 3, users: ["U01ALICE", "U03CAROL"]),
      ], "a count above the users listed is kept")
    #expect(design.body == .text("New icons are in, see #general for the release date. Code: `icons --build`"))
    #expect(!design.pinned)
  }

  @Test func threadsAndBroadcasts() throws {
    let root = Identifier("C01GENERAL:1741600800.000200")
    #expect(try message("C01GENERAL:1741600900.000300").thread == ThreadReference(root: root))
    let broadcast = try message("C01GENERAL:1741687200.000100")
    #expect(broadcast.thread == ThreadReference(root: root, broadcast: true))
    #expect(broadcast.body == .text("Fixed the typo, thanks @Bob Li! @here the notes are final"))
    #expect(broadcast.mentionsAll && broadcast.mentions == ["U02BOB"])
    // A deleted thread root stays as a tombstone notice, so its replies still have a root.
    let tombstone = try message("C01GENERAL:1741687300.000200")
    #expect(tombstone.body == .notice("This message was deleted."))
    #expect(
      try message("C01GENERAL:1741687400.000300").thread == ThreadReference(root: "C01GENERAL:1741687300.000200"))
  }

  @Test func systemSubtypes() throws {
    #expect(
      try message("C01GENERAL:1741600000.000100").body == .membership(MembershipChange(.joined, members: ["U01ALICE"])))
    #expect(
      try message("G02DESIGN:1741602000.000100").body == .membership(MembershipChange(.joined, members: ["U01ALICE"])))
    #expect(
      try message("C01GENERAL:1741690000.000500").body == .membership(MembershipChange(.left, members: ["U03CAROL"])))
    #expect(
      try message("C01GENERAL:1741600060.000100").body
        == .notice("@Alice Zhang set the channel topic: Release planning"))
    let pin = try message("C01GENERAL:1741601000.000400")
    #expect(pin.body == .notice("@Alice Zhang pinned a message to this channel."))
    #expect(pin.pinTarget == "C01GENERAL:1741600800.000200")
    let huddle = try message("C01GENERAL:1741601300.000700")
    #expect(huddle.body == .unknown(UnknownContent(sourceType: "huddle_thread", text: "A huddle happened")))
  }

  @Test func botsAreMarkedAndTheirAttachmentsRead() throws {
    let bot = try message("C01GENERAL:1741601100.000500")
    #expect(bot.senderIsBot && bot.sender == "B04DEPLOY")
    #expect(
      bot.body
        == .text("Deployment finished\nv2.0-rc1 (https://ci.example.com/builds/42)\nstaging is up\nDuration: 3 min"))
    #expect(!(try message("C01GENERAL:1741600800.000200").senderIsBot))
  }

  @Test func filesInTheExportAreBundledAndOthersListedAsMissing() throws {
    let files = try message("C01GENERAL:1741601200.000600")
    #expect(files.body == .text("Files for review"))
    #expect(files.parts.map(\.kind) == [.file, .image, .file])
    let checklist = try #require(files.parts[0].contentMembers.media)
    let bytes = try readBytes(SlackFixtures.example + "/general/attachments/F01CHECK-checklist.txt")
    #expect(checklist.sha256 == SHA256Digest.hex(of: bytes) && checklist.name == "checklist.txt")
    #expect(checklist.sourceReference == "F01CHECK")
    #expect(files.parts[0].contentMembers.text == "Release checklist", "a title unlike the name is the caption")
    let mockup = try #require(files.parts[1].contentMembers.media)
    #expect(mockup.sha256 != nil && mockup.mediaType == "image/png" && mockup.width == 1)
    let spec = try #require(files.parts[2].contentMembers.media)
    #expect(spec.sha256 == nil && spec.missing == "not_downloaded")
    // A message of files only: the first file is the body.
    let old = try message("C01GENERAL:1741687500.000400")
    #expect(old.kind == .image)
    #expect(old.contentMembers.media?.missing == "hidden_by_plan_limit")
    #expect(old.parts.first?.contentMembers.media?.missing == "file_deleted")
  }

  @Test func aSharedMessageIsAForward() throws {
    let shared = try message("G03MPIM:1741781000.000100")
    #expect(shared.forwardedFrom == ForwardOrigin(name: "Alice Zhang", id: "U01ALICE", timestamp: 1_741_600_800_000))
    #expect(shared.body == .text("Sharing this here"), "a person's own text is not padded with the preview")
  }

  @Test func rawIsEveryRecordAsParsedWithTokensRemoved() throws {
    let records = try SlackFixtures.dayFileRecords(SlackFixtures.example)
    #expect(records.count == packed.messages.count)
    var byTS: [String: JSONValue] = [:]
    for message in packed.messages {
      byTS[String(message.id.text.split(separator: ":").last ?? "")] = message.source.raw
    }
    for (file, record) in records {
      let ts = record.objectValue?["ts"]?.stringValue ?? ""
      let raw = try #require(byTS[ts], "\(file) \(ts) is not in the bundle")
      let text = String(decoding: JSONWriter.serialize(record), as: UTF8.self)
      if text.contains("xoxe-") {
        let cleaned = text.replacingOccurrences(
          of: #"\?t=xoxe-[0-9a-f-]+(&)?"#, with: "$1", options: .regularExpression
        ).replacingOccurrences(of: "download/spec.pdf&dl=1", with: "download/spec.pdf?dl=1")
        #expect(String(decoding: JSONWriter.serialize(raw), as: UTF8.self) == cleaned)
      } else {
        #expect(raw == record, "\(file) \(ts)")
      }
    }
  }

  @Test func noTokenReachesTheBundle() throws {
    let bytes = try readBytes(packed.output)
    let tar = try runProcess(
      URL(fileURLWithPath: "/usr/bin/env"), ["sh", "-c", "gzip -dc '\(packed.output)' | grep -c xox || true"])
    #expect(!bytes.isEmpty)
    #expect(tar.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "\(tar.standardOutput)")
  }
}
