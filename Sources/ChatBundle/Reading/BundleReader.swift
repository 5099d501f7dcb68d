import ArchiveIO

/// Reads a bundle in one forward pass and hands out what it finds as `BundleEvent`s,
/// verifying everything on the way: the container (gzip and tar strictness), every entry's
/// type and path, the manifest against every entry (listed, present, size, SHA-256,
/// order), each line against its schema and order rules, and the indexes and the missing
/// list against what the messages give. Nothing is extracted; memory is bounded by the
/// manifest and the limits, never by the number of messages or the size of the bundle.
///
/// Every consumer — `verify`, extract, inspect, the site, the exports — iterates the same
/// events; what it asks for (`BundleReadingOptions`) changes what is delivered, never
/// what is checked. The last event is `.finished` with the verdict.
public final class BundleReader: Sequence, IteratorProtocol {
  public let path: String
  public let options: BundleReadingOptions
  /// The verdict so far; complete once `.finished` has been delivered.
  public private(set) var report = VerificationReport()

  private var pending: [BundleEvent] = []
  private var delivered = 0
  private var state = State.notStarted
  private var archive: TarGzReader?
  private var stoppedEarly = false

  // What the manifest declares, once read.
  var manifest: Manifest?
  var ledger = EntryLedger()
  var conversationsByPath: [String: ConversationEntry] = [:]
  /// SHA-256 of each conversation's index line, until its file has been read.
  private var indexLineDigests: [Identifier: [UInt8]] = [:]
  private var messageIndexCheck: MessageIndexCheck?
  /// The message-id index file's SHA-256, once it has been read whole.
  private var messageIndexDigest: [UInt8]?
  /// The manifest's missing list, each canonical line with how many times it is still owed
  /// by the messages (negative: found in messages more often than listed).
  var missingOwed: [[UInt8]: Int] = [:]

  private var decompressedBytes: Int64 = 0
  private var manifestBytes: Int64 = 0
  private var unlistedEntries = 0

  private enum State {
    case notStarted
    case betweenEntries
    case inEntry(OpenEntry)
    case finished
  }

  /// A listed entry whose data is being read. A class: its checker's buffers and running
  /// statistics are mutated in place block after block, never copied.
  private final class OpenEntry {
    let entry: Manifest.FileEntry
    let headerSize: Int64
    var checker: LineChecker?
    let conversation: ConversationEntry?
    let delivers: Bool
    /// The entry's SHA-256: on a queue of its own for an entry whose lines are checked (this
    /// thread is busy with them), here for a media file, where hashing is all there is to do
    /// and a copy of each block for another thread would only add work.
    var digest: SHA256Digest?
    let backgroundDigest: BackgroundDigest?
    var size: Int64 = 0

    init(entry: Manifest.FileEntry, headerSize: Int64, conversation: ConversationEntry?, delivers: Bool) {
      let checksLines = LineChecker.checks(entry)
      digest = checksLines ? nil : SHA256Digest()
      backgroundDigest = checksLines ? BackgroundDigest() : nil
      self.entry = entry
      self.headerSize = headerSize
      self.conversation = conversation
      self.delivers = delivers
    }
  }

  /// The pass stops here: a limit was reached or nothing further can be checked.
  struct Stop: Error {}

  public init(path: String, options: BundleReadingOptions = BundleReadingOptions()) {
    self.path = path
    self.options = options
  }

  deinit { archive?.stop() }

  public func next() -> BundleEvent? {
    while delivered == pending.count {
      pending.removeAll(keepingCapacity: true)
      delivered = 0
      if case .finished = state { return nil }
      step()
    }
    defer { delivered += 1 }
    return pending[delivered]
  }

  /// Reads to the end, handing each event to `handle`, and returns the verdict. A throw
  /// from `handle` ends the pass and is rethrown.
  @discardableResult
  public func run(_ handle: (BundleEvent) throws -> Void) rethrows -> VerificationReport {
    while let event = next() { try handle(event) }
    return report
  }

  // MARK: - Steps

  private func step() {
    do {
      switch state {
      case .notStarted: try open()
      case .betweenEntries: try readHeader()
      case .inEntry(let entry): try readBlock(of: entry)
      case .finished: return
      }
    } catch let error as ArchiveError {
      addContainerIssue(error)
      finish()
    } catch is Stop {
      finish()
    } catch {
      add(.malformedTarHeader, nil, "\(error)")
      finish()
    }
  }

  private func open() throws {
    do {
      // Inflating on a second thread takes a tenth of the pass off the thread that parses;
      // the file's digest goes with it and comes back with `stop()`.
      archive = try TarGzReader(
        path: path, readingAheadWith: FileDigest(), limits: options.limits.tarReaderLimits)
      state = .betweenEntries
    } catch let error as ArchiveError {
      addContainerIssue(error)
      finish()
    } catch {
      report.readError = "\(error)"
      finish()
    }
  }

  private func readHeader() throws {
    guard let archive, let header = try archive.nextEntry() else {
      finalChecks()
      readAttachments()
      finish()
      return
    }
    report.entries += 1
    if report.entries > options.limits.entries {
      add(.limitExceeded, nil, "more than \(options.limits.entries) entries")
      throw Stop()
    }
    try process(header)
  }

  private func readBlock(of open: OpenEntry) throws {
    guard let archive else { return }
    guard let block = try archive.nextDataBlock() else {
      try finishEntry(open)
      return
    }
    try count(block.count)
    open.size += Int64(block.count)
    open.digest?.update(block)
    open.backgroundDigest?.update(block)
    if let findings = open.checker?.consume(block) { try apply(findings, in: open) }
    if open.delivers { pending.append(.data(Array(block))) }
  }

  private func finish() {
    archive?.stop()
    report.fileBytes = archive?.compressedBytes ?? 0
    let fileDigest = archive?.observer as? FileDigest
    report.fileSHA256 = stoppedEarly ? nil : fileDigest?.finalizeHex()
    archive = nil
    messageIndexCheck = nil
    pending.append(.finished(report))
    state = .finished
  }

  // MARK: - Entries

  private func process(_ header: TarEntryHeader) throws {
    let limits = options.limits
    let shownName = header.path ?? String(decoding: header.rawPath, as: UTF8.self)
    for warning in header.warnings { add(.malformedTarHeader, shownName, warning) }
    if !header.isPOSIX {
      add(.malformedTarHeader, shownName, "not a POSIX ustar or pax header (GNU or v7 tar)")
    }
    addTarAuditIssues(header.audit, shownName)
    guard header.type == .regular, !header.audit.hasIrregularTypeflag else {
      let type = header.type == .regular ? "typeflag \(TarHeaderProblem.name(of: header.audit.typeflag))" : nil
      add(
        .notRegularFile, shownName, "a \(type ?? Self.describe(header.type)) entry; a bundle holds regular files only")
      return try skipEntry(first: report.entries == 1)
    }
    if let problem = PathRules.problem(entryName: header.rawPath, limits: limits) {
      add(problem == .outsideRoot ? .outsideRoot : .unsafePath, shownName, problem.description)
      return try skipEntry(first: report.entries == 1)
    }
    let relative = String(shownName.dropFirst(BundleLayout.root.count + 1))
    switch ledger.checkName(relative) {
    case .new: break
    case .repeated:
      add(.duplicateEntry, relative, "the archive holds this path more than once")
      return try skipEntry(first: false)
    case .caseVariant(let other):
      add(.duplicateEntry, relative, "differs only in letter case from '\(other)'")
    }
    if header.isSparse || header.audit.isSparse {
      add(.sparseEntry, relative, "sparse entries are not allowed")
      return try skipEntry(first: report.entries == 1)
    }
    if header.size > limits.entryBytes {
      add(.limitExceeded, relative, "entry of \(header.size) bytes is larger than the limit of \(limits.entryBytes)")
      throw Stop()
    }
    if report.entries == 1 {
      guard relative == BundleLayout.manifest else {
        add(.manifestNotFirst, relative, "the first entry must be \(BundleLayout.root)/\(BundleLayout.manifest)")
        throw Stop()
      }
      try readManifest(header)
      return
    }
    guard let manifest, let entry = ledger[relative] else {
      unlistedEntries += 1
      add(.unlistedEntry, relative, "the manifest does not list this entry")
      if unlistedEntries > limits.unlistedEntries {
        add(.limitExceeded, nil, "more than \(limits.unlistedEntries) entries the manifest does not list")
        throw Stop()
      }
      return try skipEntry(first: false)
    }
    if !ledger.checkOrder(relative) {
      add(
        .entryOutOfOrder, relative,
        "entries must come in the order manifest, people, indexes, conversations, media, each by path")
    }
    if header.size != entry.size {
      add(.sizeMismatch, relative, "the archive entry is \(header.size) bytes, the manifest says \(entry.size)")
    }
    let conversation = entry.role == .messages ? conversationsByPath[entry.path] : nil
    let open = OpenEntry(
      entry: entry, headerSize: header.size, conversation: conversation, delivers: options.data.contains(entry))
    if LineChecker.checks(entry) {
      var parsing = limits.strictParsing
      if !options.buildsSourceRecords { parsing.unbuiltPath = ["source", "raw"] }
      open.checker = LineChecker(
        entry: entry, conversation: conversation, limits: limits, parseOptions: parsing,
        formatVersion: manifest.formatVersion, features: manifest.requiredFeatures,
        batch: ParallelBatch(threads: options.threads), parsesAhead: !options.data.contains(entry),
        deliversMessages: options.deliversMessages)
    }
    if let conversation { pending.append(.conversationStarted(conversation)) }
    if open.delivers { pending.append(.entryStarted(entry)) }
    state = .inEntry(open)
  }

  /// Reads past an entry's data, for the container checks only. Nothing can be checked
  /// without a manifest, so an entry that takes the manifest's place ends the pass.
  private func skipEntry(first: Bool) throws {
    if first {
      add(.manifestNotFirst, nil, "the first entry must be \(BundleLayout.root)/\(BundleLayout.manifest)")
      throw Stop()
    }
    try archive?.readData { try count($0.count) }
  }

  private func finishEntry(_ open: OpenEntry) throws {
    state = .betweenEntries
    let entry = open.entry
    if let (findings, totals) = open.checker?.finish() {
      try apply(findings, in: open)
      if let totals, let conversation = open.conversation { checkTotals(totals, of: conversation) }
    }
    if open.size != entry.size && open.size != open.headerSize {
      add(.sizeMismatch, entry.path, "read \(open.size) bytes, the manifest says \(entry.size)")
    }
    let actual = open.backgroundDigest?.finalizeBytes() ?? open.digest?.finalizeBytes() ?? []
    let actualHex = SHA256Digest.hex(actual)
    if actualHex != entry.sha256 {
      add(.digestMismatch, entry.path, "SHA-256 is \(actualHex), the manifest says \(entry.sha256)")
    }
    if entry.path == BundleLayout.messageIndex { messageIndexDigest = actual }
    ledger.markSeen(entry.path)
    if open.delivers { pending.append(.entryFinished(entry)) }
    if let conversation = open.conversation { pending.append(.conversationFinished(conversation)) }
    if options.stopsAfterConversationIndex && BundleLayout.group(of: entry.path) >= .conversationIndex {
      stoppedEarly = true
      throw Stop()
    }
  }

  private func apply(_ findings: [LineChecker.Finding], in open: OpenEntry) throws {
    for finding in findings {
      switch finding {
      case .issue(let issue): add(issue)
      case .message(let message, let line):
        report.messages += 1
        if let message { pending.append(.message(message, line: line)) }
      case .person(let id, let name): pending.append(.person(id: id, name: name))
      case .storedMedia(let sha, let size, let field, let line):
        guard let stored = ledger.referMedia(sha256: sha) else {
          add(
            .unresolvedMedia, open.entry.path, line: line,
            "\(field) refers to \(sha), which the manifest does not list as media")
          continue
        }
        if size != stored.size {
          add(
            .unresolvedMedia, open.entry.path, line: line,
            "\(field) says \(size ?? -1) bytes, the stored file has \(stored.size)")
        }
      case .missingMedia(let line): missingOwed[line, default: 0] -= 1
      case .indexedMessage(let id, let line):
        guard let conversation = open.conversation else { continue }
        try messageIndexCheck?.add(id: id, conversation: conversation.id, line: line)
      case .conversationIndexLine(let id, let digest, let line):
        if indexLineDigests[id] != nil {
          add(.indexMismatch, open.entry.path, line: line, "conversation '\(id)' has two index lines")
        } else {
          indexLineDigests[id] = digest
        }
      }
    }
  }

  /// A conversation file against its index line and the manifest's declaration.
  private func checkTotals(_ totals: LineChecker.ConversationTotals, of conversation: ConversationEntry) {
    report.conversations += 1
    if let recorded = indexLineDigests.removeValue(forKey: conversation.id) {
      if recorded != totals.indexLineDigest {
        add(
          .indexMismatch, BundleLayout.conversationIndex,
          "the line for '\(conversation.id)' does not match its messages")
      }
    } else {
      add(.indexMismatch, BundleLayout.conversationIndex, "no index line for conversation '\(conversation.id)'")
    }
    if totals.messageCount != conversation.messageCount || totals.firstTimestamp != conversation.firstTimestamp
      || totals.lastTimestamp != conversation.lastTimestamp
    {
      add(
        .conversationMismatch, conversation.path,
        "the manifest says \(conversation.messageCount) messages from \(conversation.firstTimestamp) to \(conversation.lastTimestamp); the file has \(totals.messageCount) from \(totals.firstTimestamp) to \(totals.lastTimestamp)"
      )
    }
  }

  /// Counts decompressed entry data against the limits, which hold however small the file.
  private func count(_ bytes: Int) throws {
    decompressedBytes = decompressedBytes.addingClamped(Int64(bytes))
    report.bytes = decompressedBytes
    if decompressedBytes > options.limits.totalBytes {
      add(.limitExceeded, nil, "more than \(options.limits.totalBytes) bytes once decompressed")
      throw Stop()
    }
    // A bundle cannot hold more than its manifest declares; reading on would only serve a
    // decompression bomb.
    if let manifest, decompressedBytes > manifest.totals.bytes.addingClamped(manifestBytes).addingClamped(1 << 20) {
      add(.limitExceeded, nil, "the entries hold more bytes than the manifest's total of \(manifest.totals.bytes)")
      throw Stop()
    }
  }

  // MARK: - Manifest

  private func readManifest(_ header: TarEntryHeader) throws {
    let name = BundleLayout.manifest
    let limits = options.limits
    if header.size > limits.manifestBytes {
      add(.manifestTooLarge, name, "\(header.size) bytes is more than the limit of \(limits.manifestBytes)")
      throw Stop()
    }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(Int(Swift.max(0, header.size)))
    try archive?.readData { chunk in
      try count(chunk.count)
      // The header may understate the size; the limit holds whatever it says.
      guard Int64(bytes.count + chunk.count) <= limits.manifestBytes else {
        add(.manifestTooLarge, name, "more than the limit of \(limits.manifestBytes) bytes")
        throw Stop()
      }
      bytes.append(contentsOf: chunk)
    }
    manifestBytes = Int64(bytes.count)
    let bundleID = SHA256Digest.hex(of: bytes)
    report.bundleID = bundleID
    // Members this version does not know are checked but not built: a manifest cannot make
    // the reader hold more than the tables it uses.
    var parsing = limits.strictParsing
    parsing.builtTopLevelMembers = Manifest.knownKeys
    let value: JSONValue
    do {
      value = try JSONParser.parse(bytes, options: parsing)
    } catch {
      add(.manifestNotJSON, name, error.description)
      throw Stop()
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
      throw Stop()
    }
    report.formatVersion = decoded.formatVersion.description
    for key in decoded.unknownKeys {
      add(.unknownManifestField, name, "unknown field \"\(key)\" (written by a newer version?)")
    }
    if LocalClock(identifier: decoded.source.timeZone) == nil {
      add(
        .unknownTimeZone, name,
        "source.time_zone \"\(decoded.source.timeZone)\" is not a time zone this system knows; local times cannot be shown without another zone"
      )
    }
    if bytes.last != 0x0A || bytes.dropLast().contains(0x0A) {
      add(.manifestSchema, name, "the manifest must be one line of JSON ending in a newline")
    }
    checkListing(decoded)
    checkConversations(decoded)
    for entry in decoded.missing { missingOwed[MissingMediaLine.bytes(entry), default: 0] += 1 }
    messageIndexCheck = MessageIndexCheck(
      conversations: decoded.conversations, scratchDirectory: options.scratchDirectory,
      memoryBudget: options.sortMemoryBytes)
    manifest = decoded
    report.manifest = decoded
    pending.append(.manifest(ManifestRecord(manifest: decoded, bundleID: bundleID, bytes: bytes)))
  }

  // MARK: - The end

  private func finalChecks() {
    guard let manifest else {
      add(.manifestNotFirst, nil, "the archive holds no \(BundleLayout.root)/\(BundleLayout.manifest)")
      return
    }
    for path in ledger.paths {
      guard let listed = ledger.listed[path] else { continue }
      if !listed.seen {
        add(.missingEntry, path, "listed in the manifest but not in the archive")
      } else if listed.entry.role == .media {
        report.media += 1
        if !listed.referenced { add(.unreferencedMedia, path, "no message refers to this file") }
      }
    }
    for conversation in indexLineDigests.keys.sorted() {
      add(
        .indexMismatch, BundleLayout.conversationIndex, "conversation '\(conversation)' has an index line but no file")
    }
    let allConversationsRead = ledger.allSeen(conversationsByPath.keys)
    guard allConversationsRead else { return }
    if let digest = messageIndexDigest, let check = messageIndexCheck {
      do {
        switch try check.compare(withIndexDigest: digest) {
        case .matches: break
        case .differs:
          add(
            .indexMismatch, BundleLayout.messageIndex,
            "the message-id index does not hold exactly the \(check.count) messages of the conversation files")
        case .repeated(let id):
          add(.duplicateMessageID, BundleLayout.messageIndex, "message id \(id) is stored more than once")
        }
      } catch {
        report.readError = "cannot compare the message-id index: \(error)"
      }
    }
    if missingOwed.values.contains(where: { $0 != 0 }) {
      let listedOnly = missingOwed.values.filter { $0 > 0 }.reduce(0, +)
      let unlisted = missingOwed.values.filter { $0 < 0 }.reduce(0) { $0 - $1 }
      add(
        .missingListMismatch, BundleLayout.manifest,
        "the missing-media list disagrees with the messages: \(listedOnly) listed entries no message has, \(unlisted) missing references the list does not hold"
      )
    }
    if report.messages != manifest.totals.messages {
      add(
        .totalsMismatch, BundleLayout.manifest,
        "totals.messages is \(manifest.totals.messages), the files hold \(report.messages)")
    }
  }

  /// The records of the file's trailing gzip members, now that it has been read whole.
  private func readAttachments() {
    guard let archive else { return }
    archive.stop()
    for record in archive.attachmentRecords {
      switch BundleAttachment.decode(record) {
      case .success(let attachment): report.attachments.append(attachment)
      case .failure(let problem): add(.malformedAttachment, nil, problem.description)
      }
    }
  }

  // MARK: - Issues

  func add(_ issue: VerificationIssue) {
    if report.issues.count < options.maximumIssues {
      report.issues.append(issue)
    } else {
      report.droppedIssues += 1
    }
    pending.append(.issue(issue))
  }

  func add(_ code: IssueCode, _ path: String? = nil, line: Int64? = nil, _ message: String) {
    add(VerificationIssue(code, path: path, line: line, message))
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

  private static func describe(_ type: TarEntryHeader.EntryType) -> String {
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

extension Int64 {
  /// The sum, or `Int64.max` when it would overflow: totals from a bundle are checked
  /// against limits, and a sum past every limit needs no exact value to be refused.
  func addingClamped(_ other: Int64) -> Int64 {
    let (sum, overflow) = addingReportingOverflow(other)
    return overflow ? (other < 0 ? .min : .max) : sum
  }
}
