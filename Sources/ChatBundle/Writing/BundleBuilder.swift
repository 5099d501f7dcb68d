import ArchiveIO
import Foundation

/// Packs messages from any source into a bundle, in memory bounded by the sort budget
/// (plus the manifest's file list), however large the input.
///
/// An importer calls `accepts` (the export's scope), resolves media with `storeMedia`,
/// then `add`s each message; `finish` writes the bundle to `.<name>.partial-<pid>` beside
/// the output and renames it into place, so a failed or killed pack leaves nothing at the
/// output path (see `OutputPlacement`). The work is done by `ExportScopeFilter`,
/// `MediaStore`, `MessageOrdering` and `BundleArchiveWriter`; the builder keeps what the
/// manifest will say about the inputs and conversations.
public final class BundleBuilder {
  public let options: PackOptions
  private let workDirectory: String
  private let placement: OutputPlacement
  private let ordering: MessageOrdering
  private var scope: ExportScopeFilter
  private let media = MediaStore()
  private var conversations: [Identifier: ConversationInfo] = [:]
  /// External members seen per conversation, over all its messages: a group's external
  /// contacts show up one message at a time.
  private var externalMembers: [Identifier: Set<Identifier>] = [:]
  private var inputs: [Manifest.InputFile] = []
  /// What duplicate reports call each input, by the index `add` is given: an export file's
  /// name, or for a derived bundle, a parent bundle's file.
  private var origins: [String] = []
  /// Where each input file's origin is in `inputs`, for `updateInput`.
  private var inputPositions: [Int: Int] = [:]
  /// What parents' inputs and skipped records have been kept already, so each is kept once.
  private var carried: Set<[UInt8]> = []
  private var skipped: [Manifest.SkippedRecord] = []
  private var nonMessages: [Manifest.SkippedRecord] = []
  private var records: Int64 = 0
  private var cleanedUp = false
  /// When the pack began, for `CHATBUNDLE_TIMING`'s phase times.
  private let started = Date()
  /// Display names the source itself gives; the --people file's win.
  private var sourceNames: [Identifier: String] = [:]
  private var credentialsRemoved: [String: Manifest.CredentialRemoval] = [:]
  private var usesAnnotations = false
  private var usesRevisions = false
  private var usesRedactions = false
  public var progress: ((PackProgress) -> Void)?
  /// What the source delivered against what was asked, as the importer or the caller found
  /// it; recorded in the manifest.
  public var coverage: Coverage?
  /// Where the bundle came from when it is derived from others or sealed from an archive.
  public var lineage: Lineage?
  /// What else is known of why a file is missing (a pull's own failure reason), for the
  /// manifest's `detail`; called once per missing entry, in message order.
  public var missingDetail: ((Manifest.MissingMedia) -> String?)?

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
    ordering = MessageOrdering(directory: workDirectory, memoryBudget: options.sortMemoryBytes)
    scope = ExportScopeFilter(options.scope)
  }

  deinit { cleanUp() }

  /// Records an input file's identity in the manifest; returns its index for `add`.
  public func addInput(name: String, size: Int64, sha256: String, records: Int64) -> Int {
    inputs.append(Manifest.InputFile(name: name, size: size, sha256: sha256, records: records))
    origins.append(name)
    inputPositions[origins.count - 1] = inputs.count - 1
    return origins.count - 1
  }

  /// Names a parent bundle whose messages a derived bundle takes (merge, slice); returns
  /// its index for `add`. Unlike `addInput`, nothing of it goes into `source.inputs`.
  public func addOrigin(label: String) -> Int {
    origins.append(label)
    return origins.count - 1
  }

  /// Keeps an input file a parent bundle lists, for a derived bundle; an entry listed by
  /// several parents is kept once.
  public func carryInput(_ input: Manifest.InputFile) {
    let key = carriedKey("input", input.name, input.sha256, String(input.size), String(input.records))
    if carried.insert(key).inserted { inputs.append(input) }
  }

  /// Keeps a skipped record a parent bundle lists, for a derived bundle; a record listed
  /// by several parents is kept once.
  public func carrySkipped(_ record: Manifest.SkippedRecord) {
    let key = carriedKey("skipped", record.input, String(record.line), record.reason, record.messageID ?? "")
    if carried.insert(key).inserted { nonMessages.append(record) }
  }

  /// Keeps a parent's count of removed credentials: the largest count of each kind and
  /// name, since parents may have read the same inputs.
  public func carryCredentialRemoval(_ removal: Manifest.CredentialRemoval) {
    let key = removal.kind + "\u{0}" + removal.name
    if let known = credentialsRemoved[key], known.count >= removal.count { return }
    credentialsRemoved[key] = removal
  }

  private func carriedKey(_ fields: String...) -> [UInt8] {
    Array(fields.joined(separator: "\u{0}").utf8)
  }

  public func updateInput(_ index: Int, size: Int64, sha256: String, records: Int64) {
    guard let position = inputPositions[index] else { return }
    inputs[position].size = size
    inputs[position].sha256 = sha256
    inputs[position].records = records
  }

  /// Whether the message falls inside the export's scope.
  public func accepts(_ message: Message, in conversation: ConversationInfo) -> Bool {
    scope.accepts(message, in: conversation)
  }

  /// Hashes a local media file (once per path) and remembers where its bytes are.
  public func storeMedia(localPath: String, name: String?) throws -> StoredMedia {
    try media.store(localPath: localPath, name: name)
  }

  /// Stores a media file a parent bundle holds, keeping the parent's media type.
  func storeCarriedMedia(localPath: String, entry: Manifest.FileEntry) throws -> StoredMedia {
    try media.store(localPath: localPath, name: nil, mediaType: entry.mediaType)
  }

  /// A display name the source gives (a user's, a channel's), keyed by the id messages use
  /// as `sender` or a conversation's `source_id`; a --people file's name wins.
  public func nameIfUnnamed(_ id: Identifier, _ name: String) {
    guard !name.isEmpty, options.people[id] == nil, sourceNames[id] == nil else { return }
    sourceNames[id] = name
  }

  /// Records that one credential (an export token in a link, say) was removed from the
  /// source data before anything was written; the manifest counts them by kind and name.
  public func noteCredentialRemoved(kind: String, name: String) {
    let key = kind + "\u{0}" + name
    credentialsRemoved[key, default: Manifest.CredentialRemoval(kind: kind, name: name, count: 0)].count += 1
  }

  private func name(of id: Identifier) -> String? { options.people[id] ?? sourceNames[id] }

  private func inputName(_ index: Int) -> String { origins.indices.contains(index) ? origins[index] : "input" }

  /// Adds a message read from line `line` of input `input` (and, in a JSON array, its
  /// element `element`, which duplicate reports name). `exactLine`, a parent bundle's line
  /// for the message, is carried byte for byte instead of serializing the message anew.
  public func add(
    _ message: Message, conversation: ConversationInfo, input: Int, line: Int64, element: Int64? = nil,
    exactLine: [UInt8]? = nil
  ) throws {
    guard (0...BundleLimits.maximumTimestamp).contains(message.timestamp) else {
      throw ChatBundleError.invalidRecord(
        input: inputName(input), line: line, message: "time \(message.timestamp) is outside 1970-01-01 to 9999-12-31")
    }
    let serialized = exactLine ?? message.line()
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
    if message.hasAnnotations {
      usesAnnotations = true
      if message.editTarget != nil { usesRevisions = true }
      if message.isRedacted { usesRedactions = true }
    }
    if conversations[conversation.id] == nil { conversations[conversation.id] = conversation }
    if let external = conversation.externalMembers, !external.isEmpty {
      externalMembers[conversation.id, default: []].formUnion(external)
    }
    try ordering.add(
      message, line: serialized, facts: PlacementFacts(message).encoded(), input: input, line: line, element: element)
    if records % 10_000 == 0 { progress?(PackProgress(phase: .reading, done: records)) }
  }

  /// Records a malformed record that was skipped, or fails when skipping is not allowed.
  public func skip(input: Int, line: Int64, reason: String, messageID: String? = nil) throws {
    let name = inputName(input)
    guard options.skipInvalid else {
      throw ChatBundleError.invalidRecord(input: name, line: line, message: reason)
    }
    skipped.append(Manifest.SkippedRecord(input: name, line: line, reason: reason, messageID: messageID))
    if skipped.count > options.maximumSkipped { throw ChatBundleError.tooManySkipped(limit: options.maximumSkipped) }
  }

  /// Records a record that is not a message (a read receipt in a callback log): listed in
  /// the manifest's `skipped` with the reason, never an error and not counted against
  /// `--max-skipped`.
  public func skipNonMessage(input: Int, line: Int64, element: Int64?, reason: String) throws {
    let located = (element.map { "element \($0): " } ?? "") + reason
    nonMessages.append(Manifest.SkippedRecord(input: inputName(input), line: line, reason: located))
  }

  /// Writes the bundle to `outputPath` (atomically) and returns what it holds.
  public func finish(outputPath: String) throws -> PackSummary {
    defer { cleanUp() }
    let finishing = Date()
    progress?(PackProgress(phase: .sorting, done: records))
    var manifest = Manifest()
    manifest.generatorVersion = options.generatorVersion
    manifest.source.platform = options.platform
    manifest.source.timeZone = options.timeZone
    manifest.source.inputs = inputs.sorted { compareBytes(Array($0.name.utf8), Array($1.name.utf8)) < 0 }
    manifest.scope = options.scope
    manifest.scope.conversations = manifest.scope.conversations.map(Identifier.sortedUnique)
    manifest.scope.members = manifest.scope.members.map(Identifier.sortedUnique)

    let (lines, duplicates) = try ordering.inConversationOrder(
      keepingFirstDuplicate: options.keepFirstDuplicate, inputName: inputName)
    manifest.totals.duplicates = duplicates.identical
    skipped += duplicates.skipped
    let written = try writeConversations(lines, into: &manifest)
    let placed = Date()
    try writePeople(written.referencedPeople, into: &manifest)
    for entry in try media.entries(for: written.usedMedia) {
      manifest.files.append(entry)
      manifest.totals.media += 1
      manifest.totals.mediaBytes += entry.size
    }
    if manifest.conversations.contains(where: { $0.externalMembers != nil }) {
      manifest.formatVersion = FormatVersion.withExternalMembers
    }
    if let custody = options.custody, !custody.isEmpty { manifest.custody = custody }
    if let coverage, !coverage.isEmpty { manifest.coverage = coverage }
    if manifest.custody != nil || manifest.coverage != nil {
      manifest.formatVersion = FormatVersion.withCustodyAndCoverage
    }
    manifest.source.credentialsRemoved = credentialsRemoved.keys.sorted {
      compareBytes(Array($0.utf8), Array($1.utf8)) < 0
    }.compactMap { credentialsRemoved[$0] }
    if usesAnnotations || !manifest.source.credentialsRemoved.isEmpty {
      manifest.formatVersion = FormatVersion.withAnnotations
    }
    if usesRevisions { manifest.requiredFeatures = [Manifest.messageRevisionsFeature] }
    if let lineage {
      manifest.lineage = lineage
      manifest.formatVersion = FormatVersion.withLineage
    }
    if usesRedactions {
      manifest.requiredFeatures.append(Manifest.redactionsFeature)
      manifest.formatVersion = FormatVersion.withRedactions
    }

    manifest.skipped = skipped + nonMessages
    manifest.files.sort { compareBytes(Array($0.path.utf8), Array($1.path.utf8)) < 0 }
    manifest.created = written.newestTimestamp / 1000
    manifest.totals.files = Int64(manifest.files.count)
    manifest.totals.bytes = manifest.files.reduce(0) { $0 + $1.size }
    manifest.totals.conversations = Int64(manifest.conversations.count)
    manifest.totals.missing = Int64(manifest.missing.count)
    manifest.totals.skipped = Int64(manifest.skipped.count)
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
    let bundleBytes = try writeArchive(
      manifest: manifest, manifestBytes: manifestBytes, bundleID: bundleID, outputPath: outputPath)
    if ProcessInfo.processInfo.environment["CHATBUNDLE_TIMING"] != nil {
      let phases = [
        ("reading", finishing.timeIntervalSince(started)), ("placing", placed.timeIntervalSince(finishing)),
        ("archive", Date().timeIntervalSince(placed)),
      ]
      let text = phases.map { "\($0.0) \(($0.1 * 100).rounded() / 100) s" }.joined(separator: ", ")
      try? OpenFile.standardError.writeAll("timing: \(text)\n".utf8)
    }
    return PackSummary(
      output: outputPath, bundleID: bundleID, bundleBytes: bundleBytes, conversations: manifest.totals.conversations,
      messages: manifest.totals.messages, media: manifest.totals.media, mediaBytes: manifest.totals.mediaBytes,
      missing: manifest.totals.missing, skipped: manifest.totals.skipped, duplicates: manifest.totals.duplicates,
      filtered: scope.filtered, records: records)
  }

  // MARK: - Files

  private struct WrittenConversations {
    var referencedPeople: Set<Identifier> = []
    var usedMedia: Set<String> = []
    var newestTimestamp: Int64 = 0
  }

  /// Writes each conversation's NDJSON file and its index lines, and the message-id index.
  private func writeConversations(_ messages: SortedRecords, into manifest: inout Manifest) throws
    -> WrittenConversations
  {
    var result = WrittenConversations()
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
          id: info.id, kind: info.kind, name: name(of: info.sourceID ?? info.id), participants: info.participants,
          sourceID: info.sourceID, path: path, messageCount: stats.messageCount,
          firstTimestamp: stats.firstTimestamp, lastTimestamp: stats.lastTimestamp,
          externalMembers: externalMembers[info.id].map(Identifier.sortedUnique)))
      try indexWriter.write(stats.indexLine())
      result.referencedPeople.formUnion(info.participants ?? [])
      writer = nil
      statistics = nil
    }

    func place(_ line: ArraySlice<UInt8>, _ facts: PlacementFacts) throws {
      if statistics?.conversation != facts.conversation {
        try closeConversation()
        let path = workDirectory + "/conversation-\(manifest.conversations.count)"
        writer = try BufferedWriter(creating: path, hashing: true)
        statistics = ConversationStatistics(conversation: facts.conversation)
      }
      guard let open = writer else { return }
      let lineNumber = (statistics?.messageCount ?? 0) + 1
      statistics?.add(
        timestamp: facts.timestamp, kind: facts.kind, sender: facts.sender, listedMembers: facts.listedMembers,
        offset: open.size, line: lineNumber)
      try line.withUnsafeBytes { try open.write($0) }
      try messageIndex.add(
        key: facts.id.bytes,
        payload: ConversationStatistics.messageIndexLine(
          id: facts.id, conversation: facts.conversation, line: lineNumber)
      )
      manifest.totals.messages += 1
      result.newestTimestamp = max(result.newestTimestamp, facts.timestamp)
      if let sender = facts.sender { result.referencedPeople.insert(sender) }
      result.referencedPeople.formUnion(facts.namedPeople)
      for media in facts.media {
        if let sha = media.sha256 {
          result.usedMedia.insert(sha)
        } else {
          var entry = Manifest.MissingMedia(
            message: facts.id, conversation: facts.conversation, field: media.field, name: media.name,
            sourceReference: media.sourceReference, reason: media.missing ?? "unknown")
          entry.detail = missingDetail?(entry)
          manifest.missing.append(entry)
        }
      }
      written += 1
      if written % 10_000 == 0 { progress?(PackProgress(phase: .sorting, done: written, total: records)) }
    }

    // Each record carries what placing its line needs, so the line is written as it is,
    // never parsed back.
    while let record = try messages.next() {
      guard let (encodedFacts, line) = PlacementFacts.split(record.payload[...]),
        let facts = PlacementFacts(decoding: encodedFacts)
      else { throw ChatBundleError.io(path: workDirectory, message: "corrupt sort record") }
      try place(line, facts)
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
    let named = referenced.filter { name(of: $0) != nil }.sorted()
    for id in named {
      var line = JSONWriter.serialize(
        .object(JSONObject(["id": .string(id.text), "name": .string(name(of: id) ?? "")])))
      line.append(0x0A)
      try writer.write(line)
    }
    let sha = try writer.close() ?? ""
    manifest.files.append(Manifest.FileEntry(path: BundleLayout.people, size: writer.size, sha256: sha, role: .people))
  }

  /// Writes the archive beside the output and moves it into place.
  private func writeArchive(manifest: Manifest, manifestBytes: [UInt8], bundleID: String, outputPath: String)
    throws -> Int64
  {
    let placement =
      outputPath == self.placement.destination
      ? self.placement : try OutputPlacement(file: outputPath, existing: .replaceRegularFile)
    defer { placement.discard() }
    var conversationFiles: [String: String] = [:]
    for (index, entry) in manifest.conversations.enumerated() {
      conversationFiles[entry.path] = workDirectory + "/conversation-\(index)"
    }
    let work = workDirectory
    let media = self.media
    var writer = BundleArchiveWriter(manifest: manifest, manifestBytes: manifestBytes) { entry in
      switch entry.path {
      case BundleLayout.people: return work + "/people"
      case BundleLayout.conversationIndex: return work + "/conversation-index"
      case BundleLayout.messageIndex: return work + "/message-index"
      default:
        guard let path = entry.role == .media ? media.source(sha256: entry.sha256) : conversationFiles[entry.path]
        else { throw ChatBundleError.io(path: entry.path, message: "no source for this entry") }
        return path
      }
    }
    writer.progress = progress
    writer.threads = options.threads
    var size = try writer.write(to: placement.scratch)
    if !options.signingKeys.isEmpty {
      // Signatures travel in trailing gzip members (spec §3.1), added before the bundle
      // is put in place so that it never appears there unsigned.
      let file: OpenFile
      do { file = try OpenFile(placement.scratch, .writeOnly, options: [.append]) } catch {
        throw ChatBundleError.io(error, "cannot reopen to sign")
      }
      for key in options.signingKeys {
        let member = try GzipAttachment.member(
          carrying: BundleAttachment.signature(try BundleSignature(signing: bundleID, with: key)).bytes)
        do { try file.writeAll(member) } catch { throw ChatBundleError.io(error, "write failed") }
        size += Int64(member.count)
      }
      do {
        try file.sync()
        try file.close()
      } catch {
        throw ChatBundleError.io(error, "write failed")
      }
    }
    try placement.commit(placement.scratch)
    return size
  }

  private func cleanUp() {
    guard !cleanedUp else { return }
    cleanedUp = true
    ScratchRegistry.shared.remove(workDirectory)
    placement.discard()
  }
}
