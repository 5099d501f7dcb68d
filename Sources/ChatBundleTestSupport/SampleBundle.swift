import ChatBundle
import Foundation

/// A small bundle holding every message kind, three conversation kinds, stored and missing
/// media, replies, mentions, parts and nested merged records, built through `BundleBuilder`
/// exactly as an importer would.
public enum SampleBundle {
  public static let group = ConversationInfo(id: "group:g1", kind: .group, sourceID: "g1")
  public static let direct = ConversationInfo(id: "chat:alice:bob", kind: .direct, participants: ["alice", "bob"])
  public static let room = ConversationInfo(id: "chatroom:r1", kind: .chatroom, sourceID: "r1")
  public static let people: [Identifier: String] = [
    "alice": "Alice 爱丽丝", "bob": "Bob", "g1": "三年级二班", "carol": "<b>Carol</b>",
  ]

  /// Writes the sample's media files into `directory` and returns the messages to add,
  /// with their media not yet resolved (`sourceReference` names the file).
  ///
  /// - Parameter withRedactionMarker: also a marker of a redacted message, which makes the
  ///   bundle 1.5 with the feature `redactions`; the tests that pin older versions leave it out.
  public static func messages(withRedactionMarker: Bool = false) -> [(Message, ConversationInfo)] {
    var result: [(Message, ConversationInfo)] = []
    var clock: Int64 = 1_741_568_400_000  // 2025-03-10T01:00:00Z
    func make(_ id: Identifier, _ body: MessageBody, _ conversation: ConversationInfo, sender: Identifier? = "alice")
      -> Message
    {
      clock += 61_000
      let raw = JSONValue.object(
        JSONObject(["msg_id": .string(id.text), "big": .number("11101571002822706744"), "lat": .number("39.9053")]))
      return Message(
        id: id, conversation: conversation.id, timestamp: clock, sender: sender, body: body,
        source: SourceRecord(platform: "test", raw: raw))
    }
    var text = make(
      "966475220900644860", .text("早上好 <script>window.pwned=1</script>\n第二行 \u{2028} 🙂 https://example.com/a?b=1&c=2"),
      group)
    text.mentions = ["bob", "carol"]
    result.append((text, group))

    var reply = make("966475220900644861", .text("收到"), group, sender: "bob")
    reply.replyTo = ReplyReference(id: "966475220900644860", sender: "alice", preview: "早上好")
    reply.mentionsAll = true
    result.append((reply, group))

    let photo = MediaReference(name: "photo.png", width: 2, height: 1, sourceReference: "png-1")
    result.append((make("m-image", .media(MediaContent(.image, reference: photo)), group), group))

    let voice = MediaReference(name: "voice.amr", durationMilliseconds: 3000, sourceReference: "amr-1")
    result.append((make("m-audio", .media(MediaContent(.audio, reference: voice)), direct, sender: "bob"), direct))

    let clip = MediaReference(name: "clip.mp4", durationMilliseconds: 10_000, sourceReference: "mp4-1")
    let poster = MediaReference(width: 360, height: 480, sourceReference: "png-1")
    result.append((make("m-video", .media(MediaContent(.video, reference: clip, thumbnail: poster)), direct), direct))

    let absent = MediaReference(name: "../../etc/passwd", sourceReference: "absent-file")
    result.append((make("m-file", .media(MediaContent(.file, reference: absent)), group, sender: "carol"), group))

    let place = Location(address: "西城区西便门桥 ", latitude: "39.9053", longitude: "116.36302")
    result.append((make("m-location", .location(place), direct), direct))

    result.append((make("m-command", .command("run"), group), group))

    let gift = CustomEvent(event: "gift_1", fields: [KeyValue("name", "flower"), KeyValue("price", "100")])
    result.append((make("m-custom", .custom(gift), room), room))

    let inner = MessagePart(
      .merged(
        MergedRecord(title: "inner", summary: "nested", level: 2, items: [MessagePart(.text("deep"), sender: "bob")])),
      sender: "bob", timestamp: 1_741_000_000_000)
    let history = MergedRecord(
      title: "聊天记录", summary: ":yyuu\n:[图片]\n", level: 1,
      items: [MessagePart(.text("forwarded"), sender: "alice", timestamp: 1_740_000_000_000), inner],
      attachment: MediaReference(name: "17289718748990036", sourceReference: "json-1"))
    result.append((make("m-merged", .merged(history), group), group))

    let joined = make("m-joined", .membership(MembershipChange(.joined, members: ["dave", "erin"])), room)
    result.append((joined, room))
    let left = make("m-left", .membership(MembershipChange(.left, members: ["dave"])), room, sender: "dave")
    result.append((left, room))

    result.append((make("m-notice", .notice("群公告：周五春游"), group, sender: nil), group))
    result.append((make("m-recall", .recall(target: "m-file"), group, sender: "carol"), group))
    result.append((make("m-unknown", .unknown(UnknownContent(sourceType: "future_type")), direct), direct))

    var multi = make("m-parts", .text("see attached"), direct, sender: "bob")
    let second = MediaReference(name: "second.png", sourceReference: "png-1")
    multi.parts = [MessagePart(.media(MediaContent(.image, reference: second))), MessagePart(.text("and more"))]
    result.append((multi, direct))

    guard withRedactionMarker else { return result }
    // A marker where a redaction removed a whole message (format 1.5).
    var withdrawn = make("m-redacted", .redacted(removedKind: .text), direct, sender: "bob")
    withdrawn.source.raw = .null
    withdrawn.redactions = [
      RedactionRecord(path: "", reason: "a pupil's health", commitment: SHA256Digest.hex(of: Array("sample".utf8)))
    ]
    result.append((withdrawn, direct))
    return result
  }

  /// The media files the sample refers to, by source reference.
  public static let mediaFiles: [String: [UInt8]] = [
    "png-1": [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array("fake png body".utf8),
    "amr-1": Array("#!AMR\n".utf8) + [UInt8](repeating: 7, count: 300),
    "mp4-1": [0, 0, 0, 24] + Array("ftypisom".utf8) + [UInt8](repeating: 1, count: 5000),
    "json-1": Array("{\"messages\":[]}".utf8),
  ]

  /// Packs the sample into `output`, with media read from a scratch directory.
  @discardableResult
  public static func pack(
    to output: String, options: PackOptions? = nil, order: [Int]? = nil, withRedactionMarker: Bool = false,
    configure: (BundleBuilder) -> Void = { _ in }
  ) throws -> (PackSummary, [Message]) {
    let scratch = try TemporaryDirectory("sample-media")
    for (name, bytes) in mediaFiles { try scratch.write(name, bytes) }
    var packOptions = options ?? PackOptions(platform: "test", timeZone: "Asia/Shanghai")
    if options == nil { packOptions.people = people }
    let builder = try BundleBuilder(options: packOptions, outputPath: output)
    configure(builder)
    let input = builder.addInput(name: "sample.ndjson", size: 0, sha256: String(repeating: "0", count: 64), records: 0)
    let all = messages(withRedactionMarker: withRedactionMarker)
    var resolved: [Message] = []
    for index in order ?? Array(all.indices) {
      var (message, conversation) = all[index]
      guard builder.accepts(message, in: conversation) else { continue }
      try message.updateMediaReferences { _, reference in
        reference = try resolve(reference, in: scratch, builder: builder)
      }
      try builder.add(message, conversation: conversation, input: input, line: Int64(index + 1))
      resolved.append(message)
    }
    return (try builder.finish(outputPath: output), resolved)
  }

  private static func resolve(_ reference: MediaReference, in directory: TemporaryDirectory, builder: BundleBuilder)
    throws -> MediaReference
  {
    var result = reference
    guard let key = reference.sourceReference, mediaFiles[key] != nil else {
      result.missing = MissingReason.notFound.rawValue
      return result
    }
    let stored = try builder.storeMedia(localPath: directory.file(key), name: reference.name)
    result.sha256 = stored.sha256
    result.size = stored.size
    result.mediaType = stored.mediaType
    return result
  }
}

/// Collects everything a verifying pass delivers, for round-trip assertions.
public final class BundleCollector {
  public var messages: [Message] = []
  public var lines: [Int64] = []
  public var people: [Identifier: String] = [:]
  public var media: [String: [UInt8]] = [:]
  public var events: [BundleEvent] = []
  private var current: (entry: Manifest.FileEntry, bytes: [UInt8])?

  public init() {}

  /// Reads `path` with source records built and media delivered, collecting it all.
  public static func read(_ path: String, limits: BundleLimits = BundleLimits()) -> (
    BundleCollector, VerificationReport
  ) {
    let collector = BundleCollector()
    var options = BundleReadingOptions(data: EntrySelection(roles: [.media]), buildsSourceRecords: true)
    options.limits = limits
    let report = BundleReader(path: path, options: options).run { collector.handle($0) }
    return (collector, report)
  }

  public func handle(_ event: BundleEvent) {
    events.append(event)
    switch event {
    case .message(let message, let line):
      messages.append(message)
      lines.append(line)
    case .person(let id, let name): people[id] = name
    case .entryStarted(let entry): current = (entry, [])
    case .data(let bytes): current?.bytes += bytes
    case .entryFinished:
      if let current { media[current.entry.sha256] = current.bytes }
      current = nil
    default: break
    }
  }
}
