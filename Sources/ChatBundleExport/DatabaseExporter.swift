import ChatBundle

/// Turns a verifying pass into the rows of `DatabaseSchema` for a `DatabaseWriter`: the
/// manifest's facts first (bundle, conversations, members, media files, missing media,
/// skipped records), then people, then each message with its media references,
/// reactions, mentions and full-text terms as it arrives, so memory holds one message.
final class DatabaseExporter: BundleExporter {
  /// How `media_files.data` is filled: null (the path says where `chatbundle extract` puts
  /// the file) or the file's bytes.
  enum MediaContent: Sendable {
    case path, blob
  }

  /// Larger blobs than SQLite's default limit (SQLITE_MAX_LENGTH) keep only their path.
  static let largestBlob: Int64 = 1_000_000_000

  private let writer: DatabaseWriter
  private let media: MediaContent
  private let messageColumns: [String: (index: Int, type: DatabaseTable.ColumnType)]
  private var blobs: Set<String> = []
  private var currentBlob: (sha256: String, offset: Int64)?
  private(set) var messages: Int64 = 0
  private(set) var warnings: [String] = []
  private let summary = MessageSummary()
  private let progress: ExportProgress?
  private var total: Int64 = 0

  static func readingOptions(media: MediaContent) -> BundleReadingOptions {
    var options = BundleReadingOptions(data: media == .blob ? EntrySelection(roles: [.media]) : .none)
    options.buildsSourceRecords = true
    return options
  }

  /// The source records are written whole; `verifiedExport` asks for media bytes through
  /// `readingOptions(media:)` instead when blobs are wanted.
  static var readingOptions: BundleReadingOptions { readingOptions(media: .path) }

  init(writer: DatabaseWriter, media: MediaContent, progress: ExportProgress? = nil) {
    self.writer = writer
    self.media = media
    self.progress = progress
    var columns: [String: (Int, DatabaseTable.ColumnType)] = [:]
    for (index, column) in DatabaseSchema.messages.columns.enumerated() { columns[column.name] = (index, column.type) }
    messageColumns = columns
  }

  func handle(_ event: BundleEvent) throws {
    switch event {
    case .manifest(let record): try begin(record)
    case .person(let id, let name): try writer.insert([.text(id.text), .text(name)], into: DatabaseSchema.people)
    case .message(let message, _): try write(message)
    case .entryStarted(let entry) where entry.role == .media && blobs.contains(entry.sha256):
      currentBlob = (entry.sha256, 0)
    case .data(let bytes):
      guard let blob = currentBlob else { return }
      try writer.writeMedia(bytes, sha256: blob.sha256, offset: blob.offset)
      currentBlob?.offset = blob.offset + Int64(bytes.count)
    case .entryFinished: currentBlob = nil
    default: break
    }
  }

  private func begin(_ record: ManifestRecord) throws {
    let manifest = record.manifest
    total = manifest.totals.messages
    try writer.begin(bundleID: record.bundleID, formatVersion: manifest.formatVersion.description)
    let totals = manifest.totals
    try writer.insert(
      [
        .text(record.bundleID), .text(manifest.formatVersion.description), .integer(manifest.created),
        .timestamp(manifest.created.multipliedReportingOverflow(by: 1000).partialValue),
        .text(manifest.generatorName + " " + manifest.generatorVersion), .text(manifest.source.platform.text),
        .text(manifest.source.timeZone), .integer(totals.conversations), .integer(totals.messages),
        .integer(totals.media), .integer(totals.mediaBytes), .integer(totals.missing), .integer(totals.skipped),
        .integer(totals.duplicates), .json(String(decoding: record.bytes, as: UTF8.self)),
      ], into: DatabaseSchema.bundle)
    for conversation in manifest.conversations {
      let hasMessages = conversation.messageCount > 0
      try writer.insert(
        [
          .text(conversation.id.text), .text(conversation.kind.rawValue), .text(conversation.name),
          .text(conversation.sourceID?.text), Self.identifiers(conversation.participants) ?? .null,
          Self.identifiers(conversation.externalMembers) ?? .null, .text(conversation.path),
          .integer(conversation.messageCount), hasMessages ? .integer(conversation.firstTimestamp) : .null,
          hasMessages ? .timestamp(conversation.firstTimestamp) : .null,
          hasMessages ? .integer(conversation.lastTimestamp) : .null,
          hasMessages ? .timestamp(conversation.lastTimestamp) : .null,
        ], into: DatabaseSchema.conversations)
      for person in Set(conversation.participants ?? []).sorted() {
        try writer.insert([.text(conversation.id.text), .text(person.text)], into: DatabaseSchema.members)
      }
    }
    for file in manifest.files where file.role == .media {
      var data = DatabaseValue.null
      if media == .blob {
        if file.size <= Self.largestBlob {
          data = .reservedBlob(file.size)
          blobs.insert(file.sha256)
        } else {
          warnings.append("\(file.path): \(file.size) bytes is more than a SQLite blob holds; only its path is written")
        }
      }
      try writer.insert(
        [.text(file.sha256), .text(file.path), .integer(file.size), .text(file.mediaType), data],
        into: DatabaseSchema.mediaFiles)
    }
    for missing in manifest.missing {
      try writer.insert(
        [
          .text(missing.message.text), .text(missing.conversation.text), .text(missing.field), .text(missing.name),
          .text(missing.sourceReference), .text(missing.reason), .text(missing.detail),
        ], into: DatabaseSchema.missingMedia)
    }
    for skipped in manifest.skipped {
      try writer.insert(
        [.text(skipped.input), .integer(skipped.line), .text(skipped.reason), .text(skipped.messageID)],
        into: DatabaseSchema.skippedRecords)
    }
  }

  private func write(_ message: Message) throws {
    messages += 1
    let seq = messages
    if messages % 4096 == 0 { progress?(messages, total) }
    var row = [DatabaseValue](repeating: .null, count: DatabaseSchema.messages.columns.count)
    for (name, value) in [("mentions_all", false), ("pinned", false), ("sender_bot", false)] {
      if let column = messageColumns[name] { row[column.index] = .boolean(value) }
    }
    if case .object(let object) = message.jsonValue() {
      for member in object.members {
        guard let column = messageColumns[member.key] else {
          throw ExportError.output("message \(message.id.text): member '\(member.key)' has no column")
        }
        row[column.index] = Self.cell(member.value, as: column.type)
      }
    }
    let summaryText = summary.text(of: message)
    for (name, value) in [
      ("seq", DatabaseValue.integer(seq)), ("ts_utc", .timestamp(message.timestamp)), ("summary", .text(summaryText)),
    ] {
      if let column = messageColumns[name] { row[column.index] = value }
    }
    try writer.insert(row, into: DatabaseSchema.messages)
    let id = DatabaseValue.text(message.id.text)
    for (path, reference) in message.mediaReferences {
      try writer.insert(
        [
          id, .text(path.description), .text(reference.sha256), .integer(reference.size), .text(reference.name),
          .text(reference.mediaType), .integer(reference.durationMilliseconds), .text(reference.missing),
        ], into: DatabaseSchema.media)
    }
    let annotations = message.annotations
    for reaction in annotations?.reactions ?? [] {
      try writer.insert(
        [
          id, .text(reaction.emoji), .text(reaction.name), .integer(reaction.count),
          Self.identifiers(reaction.users) ?? .json("[]"),
        ], into: DatabaseSchema.reactions)
    }
    for user in message.mentions { try writer.insert([id, .text(user.text)], into: DatabaseSchema.mentions) }
    var terms: [UInt8] = []
    var searched = [summaryText]
    for revision in annotations?.edited?.history ?? [] { searched.append(revision.text) }
    for text in searched {
      SearchTokenizer.forEachToken(in: text) { token in
        if !terms.isEmpty { terms.append(0x20) }
        terms.append(contentsOf: token)
      }
    }
    try writer.insertTerms(String(decoding: terms, as: UTF8.self), seq: seq)
  }

  /// A member's value as its column holds it: strings, integers and booleans as they are,
  /// objects and arrays as JSON.
  static func cell(_ value: JSONValue, as type: DatabaseTable.ColumnType) -> DatabaseValue {
    switch (type, value) {
    case (.text, .string(let text)): .text(text)
    case (.integer, _): value.int64Value.map { .integer($0) } ?? .null
    case (.boolean, .bool(let flag)): .boolean(flag)
    default: .json(String(decoding: JSONWriter.serialize(value), as: UTF8.self))
    }
  }

  static func identifiers(_ ids: [Identifier]?) -> DatabaseValue? {
    ids.map { .json(String(decoding: JSONWriter.serialize(.array($0.map { .string($0.text) })), as: UTF8.self)) }
  }
}
