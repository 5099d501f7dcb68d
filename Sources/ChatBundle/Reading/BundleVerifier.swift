import ArchiveIO

/// Verifies a bundle in one forward pass over the archive, extracting nothing, with memory
/// bounded by the manifest's file list (not by message count or bundle size).
///
/// It checks the container (gzip and tar strictness), every entry's type and path, the
/// manifest against every entry (listed, present, size, SHA-256, order), each message line
/// against the schema and order rules, and the indexes against data re-derived on the way.
public final class BundleVerifier {
  public let path: String
  public var limits: BundleLimits
  /// Issues kept in the report; further ones are only counted.
  public var maximumIssues = 1000
  public weak var delegate: BundleReadingDelegate?

  public init(path: String, limits: BundleLimits = BundleLimits()) {
    self.path = path
    self.limits = limits
  }

  public func verify() -> VerificationReport {
    let pass = VerificationPass(path: path, limits: limits, maximumIssues: maximumIssues, delegate: delegate)
    pass.run()
    return pass.report
  }
}

struct LimitReached: Error {}

/// What the manifest promises about one entry, and what has been seen of it.
struct ExpectedEntry {
  var entry: Manifest.FileEntry
  var seen = false
  var referenced = false
}

final class VerificationPass {
  let path: String
  let limits: BundleLimits
  let maximumIssues: Int
  weak var delegate: BundleReadingDelegate?
  var report = VerificationReport()

  private var expected: [String: ExpectedEntry] = [:]
  private var conversationsByPath: [String: ConversationEntry] = [:]
  private var indexLineDigests: [String: [UInt8]] = [:]
  private var manifest: Manifest?
  private var seenNames: Set<String> = []
  private var seenFoldedNames: [String: String] = [:]
  private var previousOrder: (group: Int, path: String)?
  private var decompressedBytes: Int64 = 0
  private var fromConversations = MultisetDigest()
  private var fromIndex = MultisetDigest()
  private var indexFileComplete = false
  private var missingInManifest = MultisetDigest()
  private var missingInMessages = MultisetDigest()
  private var stopped = false

  /// How lines of conversations, people and indexes are parsed: strictly, within the
  /// depth limit, and without building source records nobody will read.
  let lineOptions: JSONParser.Options

  init(path: String, limits: BundleLimits, maximumIssues: Int, delegate: BundleReadingDelegate?) {
    self.path = path
    self.limits = limits
    self.maximumIssues = maximumIssues
    self.delegate = delegate
    var options = JSONParser.Options.strict
    options.maxDepth = limits.jsonDepth
    if !(delegate?.wantsSourceRecords ?? false) { options.unbuiltPath = ["source", "raw"] }
    lineOptions = options
  }

  func add(_ issue: VerificationIssue) {
    if report.issues.count < maximumIssues {
      report.issues.append(issue)
    } else {
      report.droppedIssues += 1
    }
  }

  func add(_ code: IssueCode, _ path: String? = nil, line: Int64? = nil, _ message: String) {
    add(VerificationIssue(code, path: path, line: line, message))
  }

  // MARK: - The pass

  func run() {
    var fileDigest = SHA256Digest()
    let reader: TarGzReader
    do {
      // Inflating on a second thread takes a tenth of the pass off the thread that parses.
      reader = try TarGzReader(
        path: path, observer: { fileDigest.update($0) }, readAhead: true, limits: limits.tarReaderLimits)
    } catch let error as ArchiveError {
      addContainerIssue(error)
      return
    } catch {
      report.readError = "\(error)"
      return
    }
    defer {
      reader.stop()
      report.fileBytes = reader.compressedBytes
      report.fileSHA256 = stopped ? nil : fileDigest.finalizeHex()
    }
    do {
      while !stopped, let header = try reader.nextEntry() {
        report.entries += 1
        if report.entries > limits.entries {
          add(.limitExceeded, nil, "more than \(limits.entries) entries")
          return
        }
        try process(header, reader: reader)
        if delegate?.wantsToStop == true { stopped = true }
      }
    } catch let error as ArchiveError {
      addContainerIssue(error)
      return
    } catch is LimitReached {
      return
    } catch {
      add(.malformedTarHeader, nil, "\(error)")
      return
    }
    if !stopped { finalChecks() }
  }

  private func addContainerIssue(_ error: ArchiveError) {
    for problem in error.tarProblems { add(IssueCode(problem), nil, problem.description) }
    let code: IssueCode
    switch error.kind {
    case .notGzip: code = .notGzip
    case .truncated: code = .truncated
    case .corruptCompression: code = .corruptCompression
    case .trailingData: code = .trailingData
    case .notTar: code = .notTar
    case .dataAfterEnd: code = .dataAfterEnd
    case .malformedTar: code = .malformedTarHeader
    case .limitExceeded: code = .limitExceeded
    case .io, .usage:
      report.readError = error.description
      return
    }
    add(code, nil, error.message)
  }

  private func process(_ header: TarEntryHeader, reader: TarGzReader) throws {
    let shownName = header.path ?? String(decoding: header.rawPath, as: UTF8.self)
    for warning in header.warnings { add(.malformedTarHeader, shownName, warning) }
    if !header.isPOSIX {
      add(.malformedTarHeader, shownName, "not a POSIX ustar or pax header (GNU or v7 tar)")
    }
    addTarAuditIssues(header.audit, shownName)
    guard header.type == .regular, !header.audit.hasIrregularTypeflag else {
      let type = header.type == .regular ? "typeflag \(TarHeaderProblem.name(of: header.audit.typeflag))" : nil
      add(.notRegularFile, shownName, "a \(type ?? describe(header.type)) entry; a bundle holds regular files only")
      try skip(reader)
      return
    }
    if let problem = PathRules.problem(entryName: header.rawPath, limits: limits) {
      let code: IssueCode = problem.contains("top-level directory") ? .outsideRoot : .unsafePath
      add(code, shownName, problem)
      try skip(reader)
      return
    }
    let relative = String(shownName.dropFirst(BundleLayout.root.count + 1))
    if !seenNames.insert(relative).inserted {
      add(.duplicateEntry, relative, "the archive holds this path more than once")
      try skip(reader)
      return
    }
    let folded = relative.lowercased()
    if let other = seenFoldedNames[folded] {
      add(.duplicateEntry, relative, "differs only in letter case from '\(other)'")
    } else {
      seenFoldedNames[folded] = relative
    }
    if header.isSparse || header.audit.isSparse {
      add(.sparseEntry, relative, "sparse entries are not allowed")
      try skip(reader)
      return
    }
    if header.size > limits.entryBytes {
      add(.limitExceeded, relative, "entry of \(header.size) bytes is larger than the limit of \(limits.entryBytes)")
      throw LimitReached()
    }
    if report.entries == 1 {
      guard relative == BundleLayout.manifest else {
        add(.manifestNotFirst, relative, "the first entry must be \(BundleLayout.root)/\(BundleLayout.manifest)")
        try skip(reader)
        return
      }
      try readManifest(header, reader: reader)
      return
    }
    guard let manifest, var listed = expected[relative] else {
      if manifest != nil { add(.unlistedEntry, relative, "the manifest does not list this entry") }
      try skip(reader)
      return
    }
    checkOrder(relative)
    if header.size != listed.entry.size {
      add(.sizeMismatch, relative, "the archive entry is \(header.size) bytes, the manifest says \(listed.entry.size)")
    }
    let wantsData = delegate?.willReadEntry(listed.entry) ?? false
    var checker = ContentChecker(pass: self, entry: listed.entry, manifest: manifest)
    var digest = SHA256Digest()
    var size: Int64 = 0
    try reader.readData { chunk in
      size += Int64(chunk.count)
      try count(chunk.count)
      digest.update(chunk)
      checker.consume(chunk)
      if wantsData { delegate?.didReadData(chunk, of: listed.entry) }
    }
    checker.finish()
    if size != listed.entry.size && size != header.size {
      add(.sizeMismatch, relative, "read \(size) bytes, the manifest says \(listed.entry.size)")
    }
    let actual = digest.finalizeHex()
    if actual != listed.entry.sha256 {
      add(.digestMismatch, relative, "SHA-256 is \(actual), the manifest says \(listed.entry.sha256)")
    }
    listed.seen = true
    expected[relative] = listed
    delegate?.didFinishEntry(listed.entry)
  }

  private func skip(_ reader: TarGzReader) throws {
    try reader.readData { try count($0.count) }
  }

  private func count(_ bytes: Int) throws {
    decompressedBytes += Int64(bytes)
    report.bytes = decompressedBytes
    if decompressedBytes > limits.totalBytes {
      add(.limitExceeded, nil, "more than \(limits.totalBytes) bytes once decompressed")
      throw LimitReached()
    }
    if let manifest, decompressedBytes > manifest.totals.bytes + Int64(manifestBytesRead) + 1 << 20 {
      add(.limitExceeded, nil, "the entries hold more bytes than the manifest's total of \(manifest.totals.bytes)")
      throw LimitReached()
    }
  }

  private var manifestBytesRead = 0

  private func checkOrder(_ relative: String) {
    let group = BundleLayout.group(of: relative)
    if let previous = previousOrder {
      let inOrder =
        previous.group < group
        || (previous.group == group && Array(previous.path.utf8).lexicographicallyPrecedes(Array(relative.utf8)))
      if !inOrder {
        add(
          .entryOutOfOrder, relative,
          "entries must come in the order manifest, people, indexes, conversations, media, each by path")
      }
    }
    previousOrder = (group, relative)
  }

  // MARK: - Manifest

  private func readManifest(_ header: TarEntryHeader, reader: TarGzReader) throws {
    let name = BundleLayout.manifest
    if header.size > limits.manifestBytes {
      add(.manifestTooLarge, name, "\(header.size) bytes is more than the limit of \(limits.manifestBytes)")
      throw LimitReached()
    }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(Int(max(0, header.size)))
    try reader.readData { chunk in
      try count(chunk.count)
      bytes.append(contentsOf: chunk)
    }
    manifestBytesRead = bytes.count
    let bundleID = SHA256Digest.hex(of: bytes)
    report.bundleID = bundleID
    var options = JSONParser.Options.strict
    options.maxDepth = limits.jsonDepth
    let value: JSONValue
    do {
      value = try JSONParser.parse(bytes, options: options)
    } catch {
      add(.manifestNotJSON, name, error.description)
      return
    }
    let decoded: Manifest
    do {
      decoded = try Manifest(json: value)
    } catch {
      switch error {
      case .notThisFormat, .malformedVersion: add(.unsupportedFormat, name, error.description)
      case .newerMajorVersion: add(.newerMajorVersion, name, error.description)
      case .unknownRequiredFeature: add(.unknownRequiredFeature, name, error.description)
      case .schema(let problem): add(.manifestSchema, name, problem.description)
      }
      return
    }
    report.formatVersion = decoded.formatVersion.description
    for key in decoded.unknownKeys {
      add(.unknownManifestField, name, "unknown field \"\(key)\" (written by a newer version?)")
    }
    if bytes.last != 0x0A || bytes.dropLast().contains(0x0A) {
      add(.manifestSchema, name, "the manifest must be one line of JSON ending in a newline")
    }
    checkListing(decoded)
    checkConversations(decoded)
    for entry in decoded.missing {
      missingInManifest.add(
        missingLine(entry.message, entry.conversation, entry.field, entry.reason, entry.name, entry.sourceReference))
    }
    manifest = decoded
    report.manifest = decoded
    delegate?.didReadManifest(decoded, bundleID: bundleID, bytes: bytes)
  }

  private func checkListing(_ manifest: Manifest) {
    let name = BundleLayout.manifest
    var previous: String?
    var mediaCount: Int64 = 0
    var mediaBytes: Int64 = 0
    var totalBytes: Int64 = 0
    for entry in manifest.files {
      if entry.path == BundleLayout.manifest {
        add(.unsafeListedPath, name, "the manifest lists itself")
        continue
      }
      if let problem = PathRules.problem(relativePath: entry.path, limits: limits) {
        add(.unsafeListedPath, name, "'\(entry.path)': \(problem)")
        continue
      }
      if !BundleLayout.isKnownShape(entry.path) {
        add(.unsafeListedPath, name, "'\(entry.path)' is not a path the format defines")
        continue
      }
      if expected[entry.path] != nil {
        add(.duplicateListing, name, "'\(entry.path)' is listed more than once")
        continue
      }
      if let previous, !Array(previous.utf8).lexicographicallyPrecedes(Array(entry.path.utf8)) {
        add(.manifestSchema, name, "files must be sorted by path; '\(entry.path)' comes after '\(previous)'")
      }
      previous = entry.path
      let group = BundleLayout.group(of: entry.path)
      let expectedRole: Manifest.FileEntry.Role =
        group == 1 ? .people : group == 2 || group == 3 ? .index : group == 4 ? .messages : .media
      if entry.role != expectedRole {
        add(.manifestSchema, name, "'\(entry.path)' has role \(entry.role.rawValue), expected \(expectedRole.rawValue)")
      }
      if entry.role == .media {
        if BundleLayout.mediaPath(sha256: entry.sha256) != entry.path {
          add(.manifestSchema, name, "media '\(entry.path)' is not named by its SHA-256 \(entry.sha256)")
        }
        mediaCount += 1
        mediaBytes += entry.size
      }
      if entry.size < 0 || entry.size > limits.entryBytes {
        add(.limitExceeded, name, "'\(entry.path)' declares \(entry.size) bytes")
      }
      totalBytes += entry.size
      expected[entry.path] = ExpectedEntry(entry: entry)
    }
    for required in [BundleLayout.people, BundleLayout.conversationIndex, BundleLayout.messageIndex]
    where expected[required] == nil {
      add(.manifestSchema, name, "the manifest does not list \(required)")
    }
    let totals = manifest.totals
    func compare(_ label: String, _ declared: Int64, _ actual: Int64) {
      if declared != actual {
        add(.totalsMismatch, name, "totals.\(label) is \(declared), the manifest lists \(actual)")
      }
    }
    compare("files", totals.files, Int64(manifest.files.count))
    compare("bytes", totals.bytes, totalBytes)
    compare("media", totals.media, mediaCount)
    compare("media_bytes", totals.mediaBytes, mediaBytes)
    compare("conversations", totals.conversations, Int64(manifest.conversations.count))
    compare("missing", totals.missing, Int64(manifest.missing.count))
    compare("skipped", totals.skipped, Int64(manifest.skipped.count))
    compare(
      "messages", totals.messages, manifest.conversations.reduce(0) { $0 + $1.messageCount })
    if totals.bytes > limits.totalBytes {
      add(
        .limitExceeded, name, "the bundle declares \(totals.bytes) bytes, more than the limit of \(limits.totalBytes)")
    }
  }

  private func checkConversations(_ manifest: Manifest) {
    let name = BundleLayout.manifest
    var ids: Set<String> = []
    for conversation in manifest.conversations {
      if !ids.insert(conversation.id).inserted {
        add(.conversationMismatch, name, "conversation '\(conversation.id)' is declared twice")
        continue
      }
      if conversation.path != BundleLayout.conversationPath(id: conversation.id) {
        add(
          .conversationMismatch, name,
          "conversation '\(conversation.id)' has path '\(conversation.path)', expected '\(BundleLayout.conversationPath(id: conversation.id))'"
        )
        continue
      }
      if let other = conversationsByPath[conversation.path] {
        add(
          .conversationMismatch, name,
          "conversations '\(other.id)' and '\(conversation.id)' share the file '\(conversation.path)'")
        continue
      }
      guard expected[conversation.path]?.entry.role == .messages else {
        add(
          .conversationMismatch, name,
          "conversation '\(conversation.id)': '\(conversation.path)' is not listed as a messages file")
        continue
      }
      conversationsByPath[conversation.path] = conversation
    }
    for (path, entry) in expected where entry.entry.role == .messages && conversationsByPath[path] == nil {
      add(.conversationMismatch, path, "no conversation in the manifest declares this file")
    }
  }

  // MARK: - Content

  func markReferenced(sha256: String) -> Manifest.FileEntry? {
    let path = BundleLayout.mediaPath(sha256: sha256)
    guard var listed = expected[path], listed.entry.role == .media else { return nil }
    listed.referenced = true
    expected[path] = listed
    return listed.entry
  }

  func conversation(at path: String) -> ConversationEntry? { conversationsByPath[path] }

  func recordIndexLine(conversation: String, digest: [UInt8]) -> Bool {
    guard indexLineDigests[conversation] == nil else { return false }
    indexLineDigests[conversation] = digest
    return true
  }

  func takeIndexLine(conversation: String) -> [UInt8]? {
    indexLineDigests.removeValue(forKey: conversation)
  }

  func addMessageIndexLine(fromConversation line: [UInt8]) { fromConversations.add(line) }
  /// A line of the message index, without its newline (which the digest adds).
  func addMessageIndexLine(fromIndex line: ArraySlice<UInt8>) { fromIndex.add(line, newline: true) }
  func messageIndexRead() { indexFileComplete = true }
  func addMissing(fromMessage line: [UInt8]) { missingInMessages.add(line) }
  func countMessage() { report.messages += 1 }
  func countConversation() { report.conversations += 1 }

  private func finalChecks() {
    guard let manifest else {
      if report.bundleID == nil,
        report.issues.isEmpty || !report.issues.contains(where: { $0.code == .manifestNotFirst })
      {
        add(.manifestNotFirst, nil, "the archive holds no \(BundleLayout.root)/\(BundleLayout.manifest)")
      }
      return
    }
    var unreferenced = 0
    for path in expected.keys.sorted() {
      guard let entry = expected[path] else { continue }
      if !entry.seen {
        add(.missingEntry, path, "listed in the manifest but not in the archive")
      } else if entry.entry.role == .media {
        report.media += 1
        if !entry.referenced {
          unreferenced += 1
          add(.unreferencedMedia, path, "no message refers to this file")
        }
      }
    }
    for conversation in indexLineDigests.keys.sorted() {
      add(
        .indexMismatch, BundleLayout.conversationIndex, "conversation '\(conversation)' has an index line but no file")
    }
    let allConversationsRead = conversationsByPath.keys.allSatisfy { expected[$0]?.seen == true }
    if indexFileComplete && allConversationsRead && fromIndex != fromConversations {
      add(
        .indexMismatch, BundleLayout.messageIndex,
        "the message-id index (\(fromIndex.count) lines) does not match the conversation files (\(fromConversations.count) messages)"
      )
    }
    if allConversationsRead && missingInManifest != missingInMessages {
      let counts =
        missingInManifest.count == missingInMessages.count
        ? "the same number (\(missingInManifest.count)) but different entries"
        : "\(missingInManifest.count) in the manifest, \(missingInMessages.count) in the messages"
      add(.missingListMismatch, BundleLayout.manifest, "the missing-media list disagrees with the messages: \(counts)")
    }
    if allConversationsRead && report.messages != manifest.totals.messages {
      add(
        .totalsMismatch, BundleLayout.manifest,
        "totals.messages is \(manifest.totals.messages), the files hold \(report.messages)")
    }
  }

  private func describe(_ type: TarEntryHeader.EntryType) -> String {
    switch type {
    case .regular: "regular file"
    case .directory: "directory"
    case .symbolicLink: "symbolic link"
    case .hardLink: "hard link"
    case .characterDevice: "character device"
    case .blockDevice: "block device"
    case .fifo: "FIFO"
    case .socket: "socket"
    case .unknown(let value): "type \(value)"
    }
  }
}

func missingLine(
  _ message: String, _ conversation: String, _ field: String, _ reason: String, _ name: String?, _ reference: String?
) -> [UInt8] {
  JSONWriter.serialize(
    .array([
      .string(message), .string(conversation), .string(field), .string(reason), name.map(JSONValue.string) ?? .null,
      reference.map(JSONValue.string) ?? .null,
    ]))
}
