import ArchiveIO

#if canImport(Glibc)
  import Glibc
#endif

/// Packs messages from any source into a bundle, in memory bounded by the sort budget
/// (plus the manifest's file list), however large the input.
///
/// An importer calls `accepts` (the export's scope), resolves media with `storeMedia`,
/// then `add`s each message; `finish` writes the bundle to `.<name>.partial-<pid>` beside
/// the output and renames it into place, so a failed or killed pack leaves nothing at the
/// output path (see `OutputPlacement`).
public final class BundleBuilder {
  public let options: PackOptions
  private let workDirectory: String
  private let placement: OutputPlacement
  private var byID: ExternalSorter
  private var conversations: [Identifier: ConversationInfo] = [:]
  /// External members seen per conversation, over all its messages: a group's external
  /// contacts show up one message at a time.
  private var externalMembers: [Identifier: Set<Identifier>] = [:]
  private var inputs: [Manifest.InputFile] = []
  private var skipped: [Manifest.SkippedRecord] = []
  private var storedMedia: [String: StoredMedia] = [:]
  private var mediaSources: [String: String] = [:]
  private var records: Int64 = 0
  private var filtered: Int64 = 0
  private var cleanedUp = false
  /// One read buffer for hashing and copying files, instead of a fresh one per file.
  private var scratch = [UInt8](repeating: 0, count: 1 << 20)
  public var progress: ((PackProgress) -> Void)?

  /// `existing` says what may be at `outputPath` already: by default a regular file, which
  /// the bundle replaces (never a directory, link, FIFO or device).
  public init(options: PackOptions, outputPath: String, existing: OutputPlacement.Existing = .replaceRegularFile)
    throws
  {
    self.options = options
    placement = try OutputPlacement(file: outputPath, existing: existing)
    if let directory = options.temporaryDirectory { ScratchRegistry.shared.removeStale(in: directory) }
    let directory = options.temporaryDirectory ?? parentDirectory(of: outputPath)
    workDirectory = try makeTemporaryDirectory(in: directory, prefix: ".chatbundle-work")
    byID = ExternalSorter(directory: workDirectory, name: "by-id", memoryBudget: options.sortMemoryBytes)
  }

  deinit { cleanUp() }

  /// Records an input file's identity in the manifest; returns its index for `add`.
  public func addInput(name: String, size: Int64, sha256: String, records: Int64) -> Int {
    inputs.append(Manifest.InputFile(name: name, size: size, sha256: sha256, records: records))
    return inputs.count - 1
  }

  public func updateInput(_ index: Int, size: Int64, sha256: String, records: Int64) {
    inputs[index].size = size
    inputs[index].sha256 = sha256
    inputs[index].records = records
  }

  /// Whether the message falls inside the export's scope.
  public func accepts(_ message: Message, in conversation: ConversationInfo) -> Bool {
    let scope = options.scope
    if let since = scope.since, message.timestamp < since { return reject() }
    if let until = scope.until, message.timestamp >= until { return reject() }
    if let wanted = scope.conversations, !wanted.contains(where: { conversation.matches($0) }) { return reject() }
    if let members = scope.members {
      let sentByMember = message.sender.map(members.contains) ?? false
      let directWithMember =
        conversation.kind == .direct && (conversation.participants ?? []).contains(where: members.contains)
      if !sentByMember && !directWithMember { return reject() }
    }
    return true
  }

  private func reject() -> Bool {
    filtered += 1
    return false
  }

  /// Hashes a local media file (once per path) and remembers where its bytes are.
  public func storeMedia(localPath: String, name: String?) throws -> StoredMedia {
    if let known = storedMedia[localPath] { return known }
    let stream = try FileByteStream(path: localPath)
    var digest = SHA256Digest()
    var prefix: [UInt8] = []
    var size: Int64 = 0
    while true {
      let count = try scratch.withUnsafeMutableBytes { try stream.read(into: $0) }
      if count == 0 { break }
      scratch.withUnsafeBytes { digest.update(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
      if prefix.count < 64 { prefix += scratch[0..<min(count, 64 - prefix.count)] }
      size += Int64(count)
    }
    let stored = StoredMedia(
      sha256: digest.finalizeHex(), size: size, mediaType: MediaTypes.detect(prefix: prefix, name: name))
    storedMedia[localPath] = stored
    mediaSources[stored.sha256] = localPath
    return stored
  }

  /// Adds a message read from line `line` of input `input`.
  public func add(_ message: Message, conversation: ConversationInfo, input: Int, line: Int64) throws {
    guard (0...BundleLimits.maximumTimestamp).contains(message.timestamp) else {
      throw ChatBundleError.invalidRecord(
        input: inputs.indices.contains(input) ? inputs[input].name : "input", line: line,
        message: "time \(message.timestamp) is outside 1970-01-01 to 9999-12-31")
    }
    let serialized = message.line()
    // Refused here rather than packed into a bundle that verify would then reject.
    let limit = BundleLimits().lineBytes
    if serialized.count - 1 > limit {
      try skip(
        input: input, line: line,
        reason: "the message is \(serialized.count - 1) bytes as a bundle line, over the format's limit of \(limit)",
        messageID: message.id.text)
      return
    }
    records += 1
    if conversations[conversation.id] == nil { conversations[conversation.id] = conversation }
    if let external = conversation.externalMembers, !external.isEmpty {
      externalMembers[conversation.id, default: []].formUnion(external)
    }
    var key = message.id.bytes
    key.append(0)
    appendBigEndian(UInt64(input), to: &key)
    appendBigEndian(UInt64(line), to: &key)
    var payload: [UInt8] = []
    appendLengthPrefixed(message.conversation.bytes, to: &payload)
    appendBigEndian(UInt64(message.timestamp), to: &payload)
    payload += serialized
    try byID.add(key: key, payload: payload)
    if records % 10_000 == 0 { progress?(PackProgress(phase: .reading, done: records)) }
  }

  /// Records a malformed record that was skipped, or fails when skipping is not allowed.
  public func skip(input: Int, line: Int64, reason: String, messageID: String? = nil) throws {
    let name = inputs.indices.contains(input) ? inputs[input].name : "input"
    guard options.skipInvalid else {
      throw ChatBundleError.invalidRecord(input: name, line: line, message: reason)
    }
    skipped.append(Manifest.SkippedRecord(input: name, line: line, reason: reason, messageID: messageID))
    if skipped.count > options.maximumSkipped { throw ChatBundleError.tooManySkipped(limit: options.maximumSkipped) }
  }

  /// Writes the bundle to `outputPath` (atomically) and returns what it holds.
  public func finish(outputPath: String) throws -> PackSummary {
    defer { cleanUp() }
    progress?(PackProgress(phase: .sorting, done: records))
    var manifest = Manifest()
    manifest.generatorVersion = options.generatorVersion
    manifest.source.platform = options.platform
    manifest.source.timeZone = options.timeZone
    manifest.source.inputs = inputs.sorted { compareBytes(Array($0.name.utf8), Array($1.name.utf8)) < 0 }
    manifest.scope = options.scope
    manifest.scope.conversations = manifest.scope.conversations.map(Identifier.sortedUnique)
    manifest.scope.members = manifest.scope.members.map(Identifier.sortedUnique)

    let byConversation = try deduplicate(into: &manifest)
    let written = try writeConversations(byConversation, into: &manifest)
    try writePeople(written.referencedPeople, into: &manifest)
    try addMediaEntries(written.usedMedia, into: &manifest)
    if manifest.conversations.contains(where: { $0.externalMembers != nil }) {
      manifest.formatVersion = FormatVersion.withExternalMembers
    }

    manifest.skipped = skipped
    manifest.files.sort { compareBytes(Array($0.path.utf8), Array($1.path.utf8)) < 0 }
    manifest.created = written.newestTimestamp / 1000
    manifest.totals.files = Int64(manifest.files.count)
    manifest.totals.bytes = manifest.files.reduce(0) { $0 + $1.size }
    manifest.totals.conversations = Int64(manifest.conversations.count)
    manifest.totals.missing = Int64(manifest.missing.count)
    manifest.totals.skipped = Int64(skipped.count)
    let manifestBytes = manifest.serialized()
    // Refused here rather than written as a bundle that readers with the default limits
    // would refuse (C02).
    let manifestLimit = BundleLimits().manifestBytes
    guard Int64(manifestBytes.count) <= manifestLimit else {
      throw ChatBundleError.invalidOption(
        "the manifest would be \(manifestBytes.count) bytes, over the readers' limit of \(manifestLimit) "
          + "(\(manifest.files.count) files, \(manifest.missing.count) missing media): pack the export in parts, "
          + "by --since/--until or --conversation")
    }
    let bundleID = SHA256Digest.hex(of: manifestBytes)
    let bundleBytes = try writeArchive(manifest: manifest, manifestBytes: manifestBytes, outputPath: outputPath)
    return PackSummary(
      output: outputPath, bundleID: bundleID, bundleBytes: bundleBytes, conversations: manifest.totals.conversations,
      messages: manifest.totals.messages, media: manifest.totals.media, mediaBytes: manifest.totals.mediaBytes,
      missing: manifest.totals.missing, skipped: manifest.totals.skipped, duplicates: manifest.totals.duplicates,
      filtered: filtered, records: records)
  }

  // MARK: - Phases

  /// Keeps one copy of each message id: identical copies are counted, differing ones are
  /// an error unless the first is to be kept. Returns the messages sorted by conversation,
  /// time and id.
  private func deduplicate(into manifest: inout Manifest) throws -> ExternalSorter {
    let sorted = try byID.sorted()
    let byConversation = ExternalSorter(
      directory: workDirectory, name: "by-conversation", memoryBudget: options.sortMemoryBytes)
    var current: (id: ArraySlice<UInt8>, origin: String, line: ArraySlice<UInt8>, key: [UInt8])?
    func flush() throws {
      guard let current else { return }
      try byConversation.add(key: current.key, payload: Array(current.line))
    }
    while let record = try sorted.next() {
      guard let separator = record.key.firstIndex(of: 0), record.key.count == separator + 17 else {
        throw ChatBundleError.io(path: workDirectory, message: "corrupt sort record")
      }
      let id = record.key[..<separator]
      let origin = describeOrigin(record.key[(separator + 1)...])
      let (conversation, timestamp, line) = splitPayload(record.payload)
      if let existing = current, existing.id == id {
        if existing.line == line {
          manifest.totals.duplicates += 1
        } else if options.keepFirstDuplicate {
          let idText = String(decoding: id, as: UTF8.self)
          skipped.append(
            Manifest.SkippedRecord(
              input: origin.input, line: origin.line,
              reason: "conflicting duplicate of message \(idText) kept from \(existing.origin)", messageID: idText))
        } else {
          throw ChatBundleError.conflictingDuplicate(
            id: String(decoding: id, as: UTF8.self), first: existing.origin, second: origin.text)
        }
        continue
      }
      try flush()
      var key = Array(conversation)
      key.append(0)
      appendBigEndian(UInt64(timestamp), to: &key)
      key += id
      current = (id, origin.text, line, key)
    }
    try flush()
    return byConversation
  }

  private struct WrittenConversations {
    var referencedPeople: Set<Identifier> = []
    var usedMedia: Set<String> = []
    var newestTimestamp: Int64 = 0
  }

  /// Writes each conversation's NDJSON file and its index lines, and the message-id index.
  private func writeConversations(_ sorter: ExternalSorter, into manifest: inout Manifest) throws
    -> WrittenConversations
  {
    var result = WrittenConversations()
    let messages = try sorter.sorted()
    let indexWriter = try BufferedWriter(creating: workDirectory + "/conversation-index", hashing: true)
    let messageIndex = ExternalSorter(
      directory: workDirectory, name: "message-index", memoryBudget: options.sortMemoryBytes)
    var writer: BufferedWriter?
    var statistics: ConversationStatistics?
    var written: Int64 = 0
    var usedPaths: Set<String> = []

    func closeConversation() throws {
      guard let open = writer, let stats = statistics else { return }
      let sha = try open.close() ?? ""
      let info = conversations[stats.conversation] ?? ConversationInfo(id: stats.conversation, kind: .group)
      let path = BundleLayout.conversationPath(id: stats.conversation)
      // 96 bits of hash make a collision a deliberate act; refuse it rather than merge files.
      guard usedPaths.insert(path).inserted else {
        throw ChatBundleError.io(path: path, message: "two conversation ids hash to the same file name")
      }
      manifest.files.append(Manifest.FileEntry(path: path, size: open.size, sha256: sha, role: .messages))
      manifest.conversations.append(
        ConversationEntry(
          id: info.id, kind: info.kind, name: options.people[info.sourceID ?? info.id], participants: info.participants,
          sourceID: info.sourceID, path: path, messageCount: stats.messageCount,
          firstTimestamp: stats.firstTimestamp, lastTimestamp: stats.lastTimestamp,
          externalMembers: externalMembers[info.id].map(Identifier.sortedUnique)))
      try indexWriter.write(stats.indexLine())
      result.referencedPeople.formUnion(info.participants ?? [])
      writer = nil
      statistics = nil
    }

    while let record = try messages.next() {
      let message = try Message(json: JSONParser.parse(record.payload.dropLast()))
      if statistics?.conversation != message.conversation {
        try closeConversation()
        let path = workDirectory + "/conversation-\(manifest.conversations.count)"
        writer = try BufferedWriter(creating: path, hashing: true)
        statistics = ConversationStatistics(conversation: message.conversation)
      }
      guard let open = writer else { continue }
      let line = (statistics?.messageCount ?? 0) + 1
      statistics?.add(message, offset: open.size, line: line)
      try open.write(record.payload)
      try messageIndex.add(
        key: message.id.bytes,
        payload: ConversationStatistics.messageIndexLine(id: message.id, conversation: message.conversation, line: line)
      )
      manifest.totals.messages += 1
      result.newestTimestamp = max(result.newestTimestamp, message.timestamp)
      if let sender = message.sender { result.referencedPeople.insert(sender) }
      if case .membership(let change) = message.body { result.referencedPeople.formUnion(change.members) }
      result.referencedPeople.formUnion(message.mentions)
      if let quoted = message.replyTo?.sender { result.referencedPeople.insert(quoted) }
      for (path, reference) in message.mediaReferences {
        let field = path.description
        if let sha = reference.sha256 {
          result.usedMedia.insert(sha)
        } else {
          manifest.missing.append(
            Manifest.MissingMedia(
              message: message.id, conversation: message.conversation, field: field, name: reference.name,
              sourceReference: reference.sourceReference, reason: reference.missing ?? "unknown"))
        }
      }
      written += 1
      if written % 10_000 == 0 { progress?(PackProgress(phase: .sorting, done: written, total: records)) }
    }
    try closeConversation()
    let indexSHA = try indexWriter.close() ?? ""
    manifest.files.append(
      Manifest.FileEntry(path: BundleLayout.conversationIndex, size: indexWriter.size, sha256: indexSHA, role: .index))

    let idWriter = try BufferedWriter(creating: workDirectory + "/message-index", hashing: true)
    let ids = try messageIndex.sorted()
    while let record = try ids.next() { try idWriter.write(record.payload) }
    let idSHA = try idWriter.close() ?? ""
    manifest.files.append(
      Manifest.FileEntry(path: BundleLayout.messageIndex, size: idWriter.size, sha256: idSHA, role: .index))
    return result
  }

  private func writePeople(_ referenced: Set<Identifier>, into manifest: inout Manifest) throws {
    let writer = try BufferedWriter(creating: workDirectory + "/people", hashing: true)
    let named = referenced.filter { options.people[$0] != nil }.sorted()
    for id in named {
      var line = JSONWriter.serialize(
        .object(JSONObject(["id": .string(id.text), "name": .string(options.people[id] ?? "")])))
      line.append(0x0A)
      try writer.write(line)
    }
    let sha = try writer.close() ?? ""
    manifest.files.append(Manifest.FileEntry(path: BundleLayout.people, size: writer.size, sha256: sha, role: .people))
  }

  private func addMediaEntries(_ used: Set<String>, into manifest: inout Manifest) throws {
    let byPath = Dictionary(storedMedia.values.map { ($0.sha256, $0) }, uniquingKeysWith: { first, _ in first })
    for sha in used {
      guard let stored = byPath[sha] else {
        throw ChatBundleError.io(path: sha, message: "a message refers to media that was never stored")
      }
      manifest.files.append(
        Manifest.FileEntry(
          path: BundleLayout.mediaPath(sha256: sha), size: stored.size, sha256: sha, role: .media,
          mediaType: stored.mediaType))
      manifest.totals.media += 1
      manifest.totals.mediaBytes += stored.size
    }
  }

  /// Writes the tar.gz in the spec's entry order to a temporary file, then renames it.
  private func writeArchive(manifest: Manifest, manifestBytes: [UInt8], outputPath: String) throws -> Int64 {
    let placement =
      outputPath == self.placement.destination
      ? self.placement : try OutputPlacement(file: outputPath, existing: .replaceRegularFile)
    defer { placement.discard() }
    let temporary = placement.scratch
    let archive = try TarGzWriter(path: temporary)
    let mtime = manifest.created
    try archive.beginEntry(
      path: BundleLayout.entryName(BundleLayout.manifest), size: Int64(manifestBytes.count), modificationTime: mtime)
    try archive.write(manifestBytes)

    let ordered = manifest.files.sorted {
      let left = BundleLayout.group(of: $0.path)
      let right = BundleLayout.group(of: $1.path)
      return left != right ? left < right : compareBytes(Array($0.path.utf8), Array($1.path.utf8)) < 0
    }
    var conversationFiles: [String: String] = [:]
    for (index, entry) in manifest.conversations.enumerated() {
      conversationFiles[entry.path] = workDirectory + "/conversation-\(index)"
    }
    var done: Int64 = 0
    let total = manifest.totals.bytes
    for entry in ordered {
      let source: String
      switch entry.path {
      case BundleLayout.people: source = workDirectory + "/people"
      case BundleLayout.conversationIndex: source = workDirectory + "/conversation-index"
      case BundleLayout.messageIndex: source = workDirectory + "/message-index"
      default:
        if entry.role == .media {
          guard let path = mediaSources[entry.sha256] else {
            throw ChatBundleError.io(path: entry.path, message: "no source for media")
          }
          source = path
        } else {
          guard let path = conversationFiles[entry.path] else {
            throw ChatBundleError.io(path: entry.path, message: "no source for conversation file")
          }
          source = path
        }
      }
      let level = entry.role == .media ? MediaTypes.compressionLevel(for: entry.mediaType ?? "") : 6
      try archive.beginEntry(
        path: BundleLayout.entryName(entry.path), size: entry.size, modificationTime: mtime, compressionLevel: level)
      try copy(source, expecting: entry, into: archive)
      done += entry.size
      progress?(PackProgress(phase: .writing, done: done, total: total))
    }
    try archive.finish()
    let size = archive.compressedBytes
    try placement.commit(temporary)
    return size
  }

  /// Copies a file into the archive, checking that its bytes still hash as recorded:
  /// a media file edited during the pack must not slip in under an old digest.
  private func copy(_ path: String, expecting entry: Manifest.FileEntry, into archive: TarGzWriter) throws {
    let stream = try FileByteStream(path: path)
    var digest = SHA256Digest()
    var size: Int64 = 0
    while true {
      let count = try scratch.withUnsafeMutableBytes { try stream.read(into: $0) }
      if count == 0 { break }
      size += Int64(count)
      guard size <= entry.size else { throw ChatBundleError.mediaChanged(path: path) }
      try scratch.withUnsafeBytes { bytes in
        let chunk = UnsafeRawBufferPointer(rebasing: bytes[0..<count])
        digest.update(chunk)
        try archive.write(chunk)
      }
    }
    guard size == entry.size, digest.finalizeHex() == entry.sha256 else {
      throw ChatBundleError.mediaChanged(path: path)
    }
  }

  private func describeOrigin(_ bytes: ArraySlice<UInt8>) -> (text: String, input: String, line: Int64) {
    let values = Array(bytes)
    var inputIndex: UInt64 = 0
    var line: UInt64 = 0
    for index in 0..<8 {
      inputIndex = inputIndex << 8 | UInt64(values[index])
      line = line << 8 | UInt64(values[8 + index])
    }
    let name = inputs.indices.contains(Int(inputIndex)) ? inputs[Int(inputIndex)].name : "input"
    return ("\(name):\(line)", name, Int64(line))
  }

  private func cleanUp() {
    guard !cleanedUp else { return }
    cleanedUp = true
    ScratchRegistry.shared.remove(workDirectory)
    placement.discard()
  }
}

/// A conversation as an importer sees it, before any message is written.
public struct ConversationInfo: Sendable, Equatable {
  public var id: Identifier
  public var kind: ConversationEntry.Kind
  public var participants: [Identifier]?
  public var sourceID: Identifier?
  /// Members from another organisation seen in this message; the builder collects them
  /// over the whole conversation.
  public var externalMembers: [Identifier]?

  public init(
    id: Identifier, kind: ConversationEntry.Kind, participants: [Identifier]? = nil, sourceID: Identifier? = nil,
    externalMembers: [Identifier]? = nil
  ) {
    self.id = id
    self.kind = kind
    self.participants = participants
    self.sourceID = sourceID
    self.externalMembers = externalMembers
  }

  /// Whether a `--conversation` value names this conversation: its bundle id, the source's
  /// group or room id, or, for a direct chat, either party.
  public func matches(_ wanted: Identifier) -> Bool {
    wanted == id || wanted == sourceID || (kind == .direct && (participants ?? []).contains(wanted))
  }
}

/// A media file hashed for the bundle.
public struct StoredMedia: Sendable, Equatable {
  public var sha256: String
  public var size: Int64
  public var mediaType: String
}

private func appendLengthPrefixed(_ value: [UInt8], to bytes: inout [UInt8]) {
  appendBigEndian(UInt64(value.count), to: &bytes)
  bytes += value
}

private func splitPayload(_ payload: [UInt8]) -> (ArraySlice<UInt8>, Int64, ArraySlice<UInt8>) {
  let conversationEnd = 8 + Int(readBigEndian(UInt64.self, from: payload[...]))
  let timestamp = readBigEndian(UInt64.self, from: payload[conversationEnd...])
  return (payload[8..<conversationEnd], Int64(timestamp), payload[(conversationEnd + 8)...])
}
