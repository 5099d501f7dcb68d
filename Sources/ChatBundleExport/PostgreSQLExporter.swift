import ArchiveIO
import ChatBundle

/// Writes a verified bundle as one SQL script that loads into PostgreSQL with `psql -f`:
/// tables for the bundle, conversations, people, messages, media, reactions and mentions,
/// filled by `COPY … FROM stdin` in one transaction, keys and foreign keys added after the
/// rows, so a half-loaded database is never left behind.
///
/// Messages stream into the script as the pass delivers them; the rows of the smaller
/// tables that messages give (media, reactions, mentions) go to scratch files beside it
/// and are copied in at the end, so memory holds one message at a time. Every message
/// keeps its canonical bundle line in `messages.line` (text, not `jsonb`: PostgreSQL's
/// `jsonb` refuses `\u0000`, which a source may hold), so nothing of the bundle is lost;
/// other text columns hold the same text with U+0000 written as U+FFFD, since PostgreSQL
/// text cannot hold it.
final class PostgreSQLExporter: BundleExporter {
  static let schema = """
    CREATE TABLE bundle (
      bundle_id text NOT NULL, format_version text NOT NULL, created timestamptz NOT NULL,
      platform text NOT NULL, time_zone text NOT NULL, manifest text NOT NULL);
    CREATE TABLE conversations (
      id text NOT NULL, kind text NOT NULL, name text, source_id text, participants jsonb,
      message_count bigint NOT NULL, first_at timestamptz, last_at timestamptz);
    CREATE TABLE people (id text NOT NULL, name text NOT NULL);
    CREATE TABLE messages (
      id text NOT NULL, conversation text NOT NULL, sent_at timestamptz NOT NULL, ts_ms bigint NOT NULL,
      sender text, kind text NOT NULL, text text, reply_to text, thread_root text, thread_broadcast boolean NOT NULL,
      edit_target text, edited_at timestamptz, pinned boolean NOT NULL, sender_bot boolean NOT NULL,
      forwarded_from text, line text NOT NULL);
    CREATE TABLE media (
      message text NOT NULL, field text NOT NULL, sha256 text, size bigint, name text, type text, missing text);
    CREATE TABLE reactions (message text NOT NULL, emoji text NOT NULL, name text, count bigint NOT NULL, users jsonb NOT NULL);
    CREATE TABLE mentions (message text NOT NULL, "user" text NOT NULL);

    """

  static let constraints = """
    ALTER TABLE bundle ADD PRIMARY KEY (bundle_id);
    ALTER TABLE conversations ADD PRIMARY KEY (id);
    ALTER TABLE people ADD PRIMARY KEY (id);
    ALTER TABLE messages ADD PRIMARY KEY (id);
    ALTER TABLE messages ADD FOREIGN KEY (conversation) REFERENCES conversations (id);
    ALTER TABLE media ADD FOREIGN KEY (message) REFERENCES messages (id);
    ALTER TABLE reactions ADD FOREIGN KEY (message) REFERENCES messages (id);
    ALTER TABLE mentions ADD FOREIGN KEY (message) REFERENCES messages (id);
    CREATE INDEX messages_conversation_time ON messages (conversation, sent_at, id);
    CREATE INDEX messages_sender ON messages (sender);

    """

  private let script: BufferedWriter
  private let media: BufferedWriter
  private let reactions: BufferedWriter
  private let mentions: BufferedWriter
  private var manifest: Manifest?
  private var manifestText = ""
  private var people: [(Identifier, String)] = []
  private(set) var messages: Int64 = 0

  /// The lines are written whole, source records included.
  static var readingOptions: BundleReadingOptions {
    var options = BundleReadingOptions()
    options.buildsSourceRecords = true
    return options
  }

  init(script path: String, scratch: String) throws {
    script = try BufferedWriter(creating: path, capacity: 1 << 16)
    media = try BufferedWriter(creating: scratch + "/media.copy", capacity: 1 << 16)
    reactions = try BufferedWriter(creating: scratch + "/reactions.copy", capacity: 1 << 16)
    mentions = try BufferedWriter(creating: scratch + "/mentions.copy", capacity: 1 << 16)
  }

  func handle(_ event: BundleEvent) throws {
    switch event {
    case .manifest(let record):
      manifest = record.manifest
      manifestText = String(decoding: record.bytes, as: UTF8.self)
      try script.write(
        Array(
          ("-- chatbundle export sql: bundle \(record.bundleID), format \(record.manifest.formatVersion)\n"
            + "-- Load with: psql -v ON_ERROR_STOP=1 -f FILE.sql (one transaction; nothing is left on error)\n"
            + "BEGIN;\nSET client_encoding = 'UTF8';\n" + Self.schema
            + "COPY messages FROM stdin;\n").utf8))
    case .person(let id, let name): people.append((id, name))
    case .message(let message, _): try write(message)
    default: break
    }
  }

  private func write(_ message: Message) throws {
    messages += 1
    let id = message.id.text
    let annotations = message.annotations
    let line = message.line().dropLast()
    try script.write(
      Self.row([
        id, message.conversation.text, UTCTime.timestamp(milliseconds: message.timestamp), String(message.timestamp),
        message.sender?.text, message.kind.rawValue, MessageSummary().text(of: message), message.replyTo?.id.text,
        annotations?.thread?.root.text, Self.boolean(annotations?.thread?.broadcast ?? false),
        annotations?.editTarget?.text, annotations?.edited?.timestamp.map { UTCTime.timestamp(milliseconds: $0) },
        Self.boolean(message.pinned), Self.boolean(message.senderIsBot),
        annotations?.forwardedFrom.map { $0.name ?? $0.id?.text ?? "" }, String(decoding: line, as: UTF8.self),
      ]))
    for (path, reference) in message.mediaReferences {
      try media.write(
        Self.row([
          id, path.description, reference.sha256, reference.size.map(String.init), reference.name,
          reference.mediaType, reference.missing,
        ]))
    }
    for reaction in annotations?.reactions ?? [] {
      let users = JSONWriter.serialize(.array(reaction.users.map { .string($0.text) }))
      try reactions.write(
        Self.row([
          id, reaction.emoji, reaction.name, String(reaction.count), String(decoding: users, as: UTF8.self),
        ]))
    }
    for user in message.mentions { try mentions.write(Self.row([id, user.text])) }
  }

  /// Ends the script: the side tables, conversations, people, the bundle row, then the keys.
  func finish(bundleID: String) throws {
    guard let manifest else { throw ExportError.output("the bundle's manifest was not read") }
    try script.write(Array("\\.\n".utf8))
    for (table, writer) in [("media", media), ("reactions", reactions), ("mentions", mentions)] {
      try writer.close()
      try script.write(Array("COPY \(table) FROM stdin;\n".utf8))
      let stream = try FileByteStream(path: writer.path)
      var buffer = [UInt8](repeating: 0, count: 1 << 16)
      while true {
        let count = try buffer.withUnsafeMutableBytes { try stream.read(into: $0) }
        if count == 0 { break }
        try script.write(Array(buffer[0..<count]))
      }
      try script.write(Array("\\.\n".utf8))
    }
    try script.write(Array("COPY conversations FROM stdin;\n".utf8))
    for conversation in manifest.conversations {
      let participants = conversation.participants.map { ids in
        String(decoding: JSONWriter.serialize(.array(ids.map { .string($0.text) })), as: UTF8.self)
      }
      let hasMessages = conversation.messageCount > 0
      try script.write(
        Self.row([
          conversation.id.text, conversation.kind.rawValue, conversation.name, conversation.sourceID?.text,
          participants, String(conversation.messageCount),
          hasMessages ? UTCTime.timestamp(milliseconds: conversation.firstTimestamp) : nil,
          hasMessages ? UTCTime.timestamp(milliseconds: conversation.lastTimestamp) : nil,
        ]))
    }
    try script.write(Array("\\.\nCOPY people FROM stdin;\n".utf8))
    for (id, name) in people { try script.write(Self.row([id.text, name])) }
    try script.write(Array("\\.\nCOPY bundle FROM stdin;\n".utf8))
    try script.write(
      Self.row([
        bundleID, manifest.formatVersion.description, UTCTime.timestamp(milliseconds: manifest.created * 1000),
        manifest.source.platform.text, manifest.source.timeZone, manifestText,
      ]))
    try script.write(Array(("\\.\n" + Self.constraints + "COMMIT;\n").utf8))
    try script.close()
  }

  static func boolean(_ value: Bool) -> String { value ? "t" : "f" }

  /// One row of `COPY`'s text format: columns by tabs, `\N` for null, and backslash,
  /// tab, newline and carriage return escaped; U+0000, which no PostgreSQL text holds,
  /// as U+FFFD.
  static func row(_ columns: [String?]) -> [UInt8] {
    var out: [UInt8] = []
    for (index, column) in columns.enumerated() {
      if index > 0 { out.append(0x09) }
      guard let column else {
        out += [0x5C, 0x4E]
        continue
      }
      for byte in column.utf8 {
        switch byte {
        case 0x5C: out += [0x5C, 0x5C]
        case 0x09: out += [0x5C, 0x74]
        case 0x0A: out += [0x5C, 0x6E]
        case 0x0D: out += [0x5C, 0x72]
        case 0x00: out += [0xEF, 0xBF, 0xBD]
        default: out.append(byte)
        }
      }
    }
    out.append(0x0A)
    return out
  }
}
