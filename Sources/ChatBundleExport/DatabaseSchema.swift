/// The tables that `export sqlite` and `export sql` write, the same for every database.
/// Message columns are named as the bundle's message members (spec §8), so a reader of the
/// spec knows each one; members that hold objects or arrays are JSON text.
enum DatabaseSchema {
  typealias Column = DatabaseTable.Column

  static let bundle = DatabaseTable(
    name: "bundle",
    columns: [
      Column(name: "bundle_id", type: .text, nullable: false),
      Column(name: "format_version", type: .text, nullable: false),
      Column(name: "created", type: .integer, nullable: false),
      Column(name: "created_utc", type: .timestamp, nullable: false),
      Column(name: "generator", type: .text, nullable: false), Column(name: "platform", type: .text, nullable: false),
      Column(name: "time_zone", type: .text, nullable: false),
      Column(name: "conversations", type: .integer, nullable: false),
      Column(name: "messages", type: .integer, nullable: false), Column(name: "media", type: .integer, nullable: false),
      Column(name: "media_bytes", type: .integer, nullable: false),
      Column(name: "missing", type: .integer, nullable: false),
      Column(name: "skipped", type: .integer, nullable: false),
      Column(name: "duplicates", type: .integer, nullable: false),
      Column(name: "manifest", type: .json, nullable: false),
    ], primaryKey: ["bundle_id"])

  static let conversations = DatabaseTable(
    name: "conversations",
    columns: [
      Column(name: "id", type: .text, nullable: false), Column(name: "kind", type: .text, nullable: false),
      Column(name: "name", type: .text), Column(name: "source_id", type: .text),
      Column(name: "participants", type: .json), Column(name: "external_members", type: .json),
      Column(name: "path", type: .text, nullable: false),
      Column(name: "message_count", type: .integer, nullable: false),
      Column(name: "first_ts", type: .integer), Column(name: "first_utc", type: .timestamp),
      Column(name: "last_ts", type: .integer), Column(name: "last_utc", type: .timestamp),
    ], primaryKey: ["id"])

  static let people = DatabaseTable(
    name: "people",
    columns: [Column(name: "id", type: .text, nullable: false), Column(name: "name", type: .text, nullable: false)],
    primaryKey: ["id"])

  /// A conversation's participants as the manifest lists them.
  static let members = DatabaseTable(
    name: "members",
    columns: [
      Column(name: "conversation", type: .text, nullable: false), Column(name: "person", type: .text, nullable: false),
    ],
    primaryKey: ["conversation", "person"],
    references: [.init(column: "conversation", table: "conversations", targetColumn: "id")])

  /// `seq` is the message's place in the bundle (conversation by conversation, in time
  /// order) and the full-text index's row id; `ts_utc` is `ts` as a UTC timestamp;
  /// `summary` is the readable text of any kind of message, which the full-text index holds.
  static let messages = DatabaseTable(
    name: "messages",
    columns: [
      Column(name: "seq", type: .integer, nullable: false), Column(name: "id", type: .text, nullable: false),
      Column(name: "conversation", type: .text, nullable: false), Column(name: "ts", type: .integer, nullable: false),
      Column(name: "ts_utc", type: .timestamp, nullable: false), Column(name: "sender", type: .text),
      Column(name: "kind", type: .text, nullable: false), Column(name: "text", type: .text),
      Column(name: "media", type: .json), Column(name: "location", type: .json), Column(name: "merged", type: .json),
      Column(name: "source_type", type: .text), Column(name: "thumbnail", type: .json),
      Column(name: "command", type: .text), Column(name: "custom", type: .json), Column(name: "members", type: .json),
      Column(name: "recall_target", type: .text), Column(name: "redacted_kind", type: .text),
      Column(name: "reply_to", type: .json),
      Column(name: "mentions", type: .json), Column(name: "mentions_all", type: .boolean, nullable: false),
      Column(name: "parts", type: .json), Column(name: "edited", type: .json), Column(name: "reactions", type: .json),
      Column(name: "thread", type: .json), Column(name: "pinned", type: .boolean, nullable: false),
      Column(name: "pin_target", type: .text), Column(name: "edit_target", type: .text),
      Column(name: "sender_bot", type: .boolean, nullable: false), Column(name: "forwarded_from", type: .json),
      Column(name: "redactions", type: .json), Column(name: "summary", type: .text, nullable: false),
      Column(name: "source", type: .json, nullable: false),
    ],
    primaryKey: ["seq"],
    references: [.init(column: "conversation", table: "conversations", targetColumn: "id")],
    indexes: [
      .init(columns: ["id"], unique: true), .init(columns: ["conversation", "ts"]), .init(columns: ["ts"]),
      .init(columns: ["sender"]),
    ])

  /// Every media reference of a message: its own attachment, its thumbnail, those of its
  /// parts and merged items (`field` says which, as the manifest's missing list does).
  static let media = DatabaseTable(
    name: "media",
    columns: [
      Column(name: "message", type: .text, nullable: false), Column(name: "field", type: .text, nullable: false),
      Column(name: "sha256", type: .text), Column(name: "size", type: .integer), Column(name: "name", type: .text),
      Column(name: "type", type: .text), Column(name: "duration_ms", type: .integer),
      Column(name: "missing", type: .text),
    ],
    primaryKey: ["message", "field"],
    references: [
      .init(column: "message", table: "messages", targetColumn: "id"),
      .init(column: "sha256", table: "media_files", targetColumn: "sha256"),
    ],
    indexes: [.init(columns: ["sha256"])])

  /// The files the bundle holds: `path` as `chatbundle extract` lays them out; `data`
  /// holds the bytes when asked for (`export sqlite --media blob`), or is null.
  static let mediaFiles = DatabaseTable(
    name: "media_files",
    columns: [
      Column(name: "sha256", type: .text, nullable: false), Column(name: "path", type: .text, nullable: false),
      Column(name: "size", type: .integer, nullable: false), Column(name: "type", type: .text),
      Column(name: "data", type: .blob),
    ], primaryKey: ["sha256"])

  /// The manifest's list of media the source referred to but the bundle does not hold.
  static let missingMedia = DatabaseTable(
    name: "missing_media",
    columns: [
      Column(name: "message", type: .text, nullable: false), Column(name: "conversation", type: .text, nullable: false),
      Column(name: "field", type: .text, nullable: false), Column(name: "name", type: .text),
      Column(name: "source_reference", type: .text), Column(name: "reason", type: .text, nullable: false),
      Column(name: "detail", type: .text),
    ], primaryKey: [], indexes: [.init(columns: ["message"])])

  /// Source records the packer read but did not make messages of, with the reason.
  static let skippedRecords = DatabaseTable(
    name: "skipped_records",
    columns: [
      Column(name: "input", type: .text, nullable: false), Column(name: "line", type: .integer, nullable: false),
      Column(name: "reason", type: .text, nullable: false), Column(name: "message_id", type: .text),
    ], primaryKey: [])

  static let reactions = DatabaseTable(
    name: "reactions",
    columns: [
      Column(name: "message", type: .text, nullable: false), Column(name: "emoji", type: .text, nullable: false),
      Column(name: "name", type: .text), Column(name: "count", type: .integer, nullable: false),
      Column(name: "users", type: .json, nullable: false),
    ], primaryKey: [], references: [.init(column: "message", table: "messages", targetColumn: "id")],
    indexes: [.init(columns: ["message"])])

  static let mentions = DatabaseTable(
    name: "mentions",
    columns: [
      Column(name: "message", type: .text, nullable: false), Column(name: "person", type: .text, nullable: false),
    ],
    primaryKey: [], references: [.init(column: "message", table: "messages", targetColumn: "id")],
    indexes: [.init(columns: ["message"]), .init(columns: ["person"])])

  /// In the order they are created: a table before the tables that refer to it.
  static let tables = [
    bundle, conversations, people, members, messages, mediaFiles, media, missingMedia, skippedRecords, reactions,
    mentions,
  ]
}
