import ArchiveIO

/// Proves that a derived bundle is what its lineage says (spec §7.15.2): that it holds
/// exactly the parents' messages a merge or slice keeps, each byte for byte, their media
/// and nothing else, and that what its manifest says of the parents, the scope and the
/// coverage is what the parents give. Every bundle is verified as it is read; the messages
/// of all of them are sorted by id on disk, so memory does not grow with their size.
///
/// What it does not prove: that the parents themselves are genuine (verify each with its
/// sender's key), nor who made the derived bundle (its signature says that).
public struct LineageVerifier {
  public var bundle: String
  public var parents: [String]
  public var scratchDirectory: String?
  public var sortMemoryBytes = 16 << 20
  /// Issues kept in the report; further ones are only counted.
  public var maximumIssues = 100
  /// For a redacted bundle: the salts file's key, to open every commitment as well.
  public var salts: RedactionSalts?
  /// Parents given by their manifest alone (`manifest.json`, whose SHA-256 is the bundle
  /// id), when the bundles are not at hand: the lineage's statement of them, the media, the
  /// conversations, the scope and the coverage are checked; the messages cannot be.
  public var parentManifests: [String] = []

  public init(bundle: String, parents: [String]) {
    self.bundle = bundle
    self.parents = parents
  }

  public struct Report: Sendable {
    public var bundleID = ""
    public var operation: Lineage.Operation?
    public var parents: [(path: String, bundleID: String)] = []
    public var issues: [LineageIssue] = []
    public var droppedIssues = 0
    /// Message ids compared, over the bundle and its parents.
    public var messageIDs: Int64 = 0
    /// The bundle's messages found byte-identical in a parent.
    public var identical: Int64 = 0
    /// Parent messages a slice leaves out, as its scope says.
    public var outsideScope: Int64 = 0
    /// For a redaction: the messages it changed, the records they carry, and how many
    /// commitments were opened with the salts.
    public var redactedMessages: Int64 = 0
    public var redactionRecords: Int64 = 0
    public var commitmentsOpened: Int64 = 0
    /// False when the parents were given by their manifests alone: no message was compared.
    public var messagesCompared = true
    public var isValid: Bool { issues.isEmpty && droppedIssues == 0 }
  }

  private struct Read {
    var record: ManifestRecord
    /// Nil for a parent given by its manifest alone.
    var people: [Identifier: String]? = [:]
  }

  /// Runs the check; throws when a bundle cannot be read or is not valid on its own.
  public func verify() throws -> Report {
    let scratchDirectory = LazyScratchDirectory(in: self.scratchDirectory, prefix: ".chatbundle-lineage")
    defer { scratchDirectory.remove() }
    let scratch = try scratchDirectory.path()
    let sorter = ExternalSorter(directory: scratch, name: "lineage", memoryBudget: sortMemoryBytes)
    var report = Report()
    func add(_ issue: LineageIssue) {
      if report.issues.count < maximumIssues { report.issues.append(issue) } else { report.droppedIssues += 1 }
    }

    let derived = try read(bundle, index: 0, into: sorter, scratch: scratch)
    report.bundleID = derived.record.bundleID
    var readParents: [Read] = []
    for (offset, path) in parents.enumerated() {
      let parent = try read(path, index: offset + 1, into: sorter, scratch: scratch)
      if readParents.contains(where: { $0.record.bundleID == parent.record.bundleID }) {
        throw ChatBundleError.invalidOption("\(path) is the same bundle as another --parent; name each parent once")
      }
      readParents.append(parent)
      report.parents.append((path, parent.record.bundleID))
    }
    for path in parentManifests {
      let parent = try Self.readManifest(path)
      if readParents.contains(where: { $0.record.bundleID == parent.record.bundleID }) {
        throw ChatBundleError.invalidOption("\(path) is the manifest of another parent given; name each parent once")
      }
      readParents.append(parent)
      report.parents.append((path, parent.record.bundleID))
      report.messagesCompared = false
    }
    let manifest = derived.record.manifest
    guard let lineage = manifest.lineage, lineage.operation != .seal else {
      add(
        LineageIssue(
          .notDerived,
          manifest.lineage == nil
            ? "\(bundle) states no lineage: it was packed from a source, not derived from other bundles"
            : "\(bundle) is a sealed bundle of a continuous archive; it has no parents (check its chain with "
              + "'chatbundle archive verify')"))
      return report
    }
    report.operation = lineage.operation
    checkParents(lineage, readParents, add)
    guard report.issues.isEmpty else { return report }
    guard report.messagesCompared else {
      checkTotals(manifest, readParents, lineage: lineage, add)
      checkMedia(manifest, readParents, add)
      checkMetadata(derived, readParents, lineage: lineage, add)
      return report
    }
    let counts = try compareMessages(sorter.sorted(), derived: derived, parents: readParents, lineage: lineage, add)
    report.messageIDs = counts.messageIDs
    report.identical = counts.identical
    report.outsideScope = counts.outsideScope
    report.redactedMessages = counts.redactedMessages
    report.redactionRecords = counts.redactionRecords
    report.commitmentsOpened = counts.commitmentsOpened
    if lineage.operation == .redact, lineage.redactions != counts.redactionRecords {
      add(
        LineageIssue(
          .metadataChanged,
          "the lineage counts \(lineage.redactions ?? 0) redactions; the messages carry \(counts.redactionRecords) "
            + "new records"))
    }
    if lineage.operation == .redact, Set(lineage.reasons) != counts.reasons {
      add(LineageIssue(.metadataChanged, "the lineage's reasons are not the reasons of the messages' new records"))
    }
    checkMedia(manifest, readParents, add)
    checkMetadata(derived, readParents, lineage: lineage, add)
    return report
  }

  /// A parent's manifest file: its bundle id is the SHA-256 of its bytes. People's names
  /// are not in a manifest, so they are not checked against it.
  private static func readManifest(_ path: String) throws -> Read {
    let bytes: [UInt8]
    do { bytes = try readWholeFile(path) } catch { throw ChatBundleError.io(path: path, message: "\(error)") }
    guard bytes.count <= BundleLimits().manifestBytes, let value = try? JSONParser.parse(bytes) else {
      throw ChatBundleError.invalidOption("\(path) is not a bundle manifest (chatbundle/manifest.json of a bundle)")
    }
    do {
      let manifest = try Manifest(json: value)
      return Read(
        record: ManifestRecord(manifest: manifest, bundleID: SHA256Digest.hex(of: bytes), bytes: bytes),
        people: nil)
    } catch {
      throw ChatBundleError.invalidOption("\(path) is not a valid bundle manifest: \(error)")
    }
  }

  /// What the parents' totals allow, when the messages themselves cannot be compared.
  private func checkTotals(_ manifest: Manifest, _ parents: [Read], lineage: Lineage, _ add: (LineageIssue) -> Void) {
    let counts = parents.map(\.record.manifest.totals.messages)
    let mine = manifest.totals.messages
    let sum = counts.reduce(Int64(0)) { $0.addingClamped($1) }
    switch lineage.operation {
    case .redact where counts.first != mine:
      add(LineageIssue(.messageLost, "the bundle holds \(mine) messages; a redaction keeps all \(counts.first ?? 0)"))
    case .slice where mine > counts.first ?? 0:
      add(LineageIssue(.messageAdded, "the slice holds \(mine) messages, more than its parent's \(counts.first ?? 0)"))
    case .merge where mine < (counts.max() ?? 0) || mine > sum:
      add(
        LineageIssue(
          .messageLost,
          "the merge holds \(mine) messages; its parents' \(counts) allow \(counts.max() ?? 0) to "
            + "\(sum)"))
    default:
      break
    }
  }

  /// Reads one bundle whole, verifying it, and sorts its message lines by id: the key is
  /// the id, a zero byte and the bundle's index, the payload the line number and the line.
  private func read(_ path: String, index: Int, into sorter: ExternalSorter, scratch: String) throws -> Read {
    var read: Read?
    var people: [Identifier: String] = [:]
    var handlers = ParentPass.Handlers()
    handlers.manifest = { record in read = Read(record: record) }
    handlers.person = { id, name in people[id] = name }
    handlers.message = { parent in
      var key = parent.message.id.bytes
      key.append(0)
      appendBigEndian(UInt64(index), to: &key)
      var payload: [UInt8] = []
      payload.reserveCapacity(8 + parent.line.count)
      appendBigEndian(UInt64(parent.lineNumber), to: &payload)
      payload += parent.line
      try sorter.add(key: key, payload: payload)
    }
    _ = try ParentPass(path: path, scratch: scratch).run(handlers)
    guard var result = read else { throw ChatBundleError.io(path: path, message: "no manifest") }
    result.people = people
    return result
  }

  private func checkParents(_ lineage: Lineage, _ parents: [Read], _ add: (LineageIssue) -> Void) {
    let listed = Dictionary(lineage.parents.map { ($0.bundleID, $0) }, uniquingKeysWith: { first, _ in first })
    for (offset, parent) in parents.enumerated() {
      let id = parent.record.bundleID
      guard let statement = listed[id] else {
        add(
          LineageIssue(
            .parentNotListed, "\((self.parents + parentManifests)[offset]) (bundle \(id)) is not a parent of \(bundle)")
        )
        continue
      }
      let manifest = parent.record.manifest
      if statement.created != manifest.created || statement.messages != manifest.totals.messages {
        add(
          LineageIssue(
            .parentStatementMismatch,
            "the lineage says parent \(id) was created \(UTCTime.timestamp(milliseconds: statement.created * 1000)) "
              + "with \(statement.messages) messages; that bundle was created "
              + "\(UTCTime.timestamp(milliseconds: manifest.created * 1000)) with \(manifest.totals.messages)"))
      }
    }
    let given = Set(parents.map(\.record.bundleID))
    for parent in lineage.parents where !given.contains(parent.bundleID) {
      add(
        LineageIssue(
          .parentNotListed, "the parent \(parent.bundleID) was not given; pass it with --parent to check the derivation"
        ))
    }
  }

  private struct Counts {
    var messageIDs: Int64 = 0
    var identical: Int64 = 0
    var outsideScope: Int64 = 0
    var redactedMessages: Int64 = 0
    var redactionRecords: Int64 = 0
    var commitmentsOpened: Int64 = 0
    var reasons: Set<String> = []
  }

  /// Walks every message id of the bundle and its parents, in id order.
  private func compareMessages(
    _ sorted: SortedRecords, derived: Read, parents: [Read], lineage: Lineage, _ add: (LineageIssue) -> Void
  ) throws -> Counts {
    var report = Counts()
    let conversationPaths = Dictionary(
      derived.record.manifest.conversations.map { ($0.id, $0.path) }, uniquingKeysWith: { first, _ in first })
    let parentConversations = parents.map { parent in
      Dictionary(
        parent.record.manifest.conversations.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }
    let preferred = lineage.preferred.flatMap { id in parents.firstIndex { $0.record.bundleID == id } }.map { $0 + 1 }
    var scope = ExportScopeFilter(derived.record.manifest.scope)
    var currentID: [UInt8]?
    var group: [(index: Int, lineNumber: Int64, line: ArraySlice<UInt8>)] = []

    func location(_ entry: (index: Int, lineNumber: Int64, line: ArraySlice<UInt8>)) -> String {
      if entry.index == 0 {
        let path = conversationPaths[Identifier(messageConversation(entry.line) ?? "")] ?? "its conversation file"
        return "line \(entry.lineNumber) of \(path)"
      }
      return "parent \(parents[entry.index - 1].record.bundleID)"
    }

    func settle() throws {
      guard let id = currentID else { return }
      defer { group.removeAll(keepingCapacity: true) }
      report.messageIDs += 1
      let idText = String(decoding: id, as: UTF8.self)
      let mine = group.first { $0.index == 0 }
      let theirs = group.filter { $0.index != 0 }
      guard !theirs.isEmpty else {
        if let mine { add(LineageIssue(.messageAdded, "message \(idText) (\(location(mine))) is in no parent")) }
        return
      }
      var kept = true
      if lineage.operation == .slice, let copy = theirs.first {
        let parent = parents[copy.index - 1]
        let message = try Message(
          json: JSONParser.parse(copy.line), formatVersion: parent.record.manifest.formatVersion)
        let conversation = parentConversations[copy.index - 1][message.conversation].map(ConversationInfo.init)
        kept = conversation.map { scope.accepts(message, in: $0) } ?? false
      }
      guard let mine else {
        if kept {
          add(
            LineageIssue(
              .messageLost,
              "message \(idText) of parent \(parents[theirs[0].index - 1].record.bundleID) is not in \(bundle)"))
        } else {
          report.outsideScope += 1
        }
        return
      }
      if !kept {
        add(
          LineageIssue(
            .messageOutsideScope, "message \(idText) (\(location(mine))) is outside the slice's scope"))
        return
      }
      let copies = Set(theirs.map { Array($0.line) })
      let wanted: [ArraySlice<UInt8>]
      if let preferred, let preferredCopy = theirs.first(where: { $0.index == preferred }) {
        wanted = [preferredCopy.line]
      } else if copies.count > 1, theirs.count > 1 {
        // Copies that differ need a preferred parent; the first by bundle id wins otherwise.
        wanted = lineage.preferred == nil ? [] : [theirs[0].line]
      } else {
        wanted = theirs.map(\.line)
      }
      if wanted.contains(where: { $0.elementsEqual(mine.line) }) {
        report.identical += 1
      } else if lineage.operation == .redact, let copy = theirs.first {
        let parentID = parents[copy.index - 1].record.bundleID
        if let problem = try checkRedaction(mine.line, parent: copy.line, parentID: parentID, id: idText, &report) {
          add(LineageIssue(problem.code, "message \(idText) (\(location(mine))): \(problem.message)"))
        }
      } else {
        let reason =
          wanted.isEmpty
          ? "its parents' copies differ and the lineage names no preferred parent"
          : "it differs from the parent's copy"
        add(LineageIssue(.messageChanged, "message \(idText) (\(location(mine))): \(reason)"))
      }
    }

    while let record = try sorted.next() {
      // The id, a zero byte, then eight bytes of the bundle's index (which may hold zeros).
      let zero = record.key.count - 9
      guard zero >= 0, record.key[zero] == 0, record.payload.count >= 8 else {
        throw ChatBundleError.io(path: bundle, message: "corrupt lineage sort record")
      }
      let id = Array(record.key[..<zero])
      let index = Int(readBigEndian(UInt64.self, from: record.key[(zero + 1)...]))
      let lineNumber = Int64(readBigEndian(UInt64.self, from: record.payload[...]))
      if id != currentID {
        try settle()
        currentID = id
      }
      group.append((index, lineNumber, record.payload[8...]))
    }
    try settle()
    return report
  }

  /// Checks that a redacted line is its parent's with its new records applied, and with
  /// the salts that each record's commitment opens; returns what is wrong.
  private func checkRedaction(
    _ line: ArraySlice<UInt8>, parent parentLine: ArraySlice<UInt8>, parentID: String, id: String,
    _ counts: inout Counts
  ) throws -> (code: LineageIssueCode, message: String)? {
    let value = try JSONParser.parse(line)
    let parent = try JSONParser.parse(parentLine)
    let message = try Message(json: value, formatVersion: .current)
    let earlier = try Message(json: parent, formatVersion: .current).redactions
    guard let added = RedactionApplier.newRecords(of: message, parentRecords: earlier), !added.isEmpty else {
      return (.messageChanged, "it differs from the parent's copy and carries no new redaction record")
    }
    let expected: JSONValue
    do {
      expected = try RedactionApplier.apply(added, to: parent)
    } catch {
      return (.redactionMismatch, "its redaction records do not apply to the parent's copy: \(error)")
    }
    guard JSONWriter.serialize(expected).elementsEqual(line) else {
      return (
        .redactionMismatch,
        "it is not the parent's copy with its \(added.count) redaction records applied; something else changed"
      )
    }
    counts.redactedMessages += 1
    counts.redactionRecords += Int64(added.count)
    for record in added { counts.reasons.insert(record.reason) }
    guard let salts else { return nil }
    for record in added {
      guard
        RedactionApplier.opened(
          record, salts: salts, parentID: parentID, message: message.id, parent: parent, line: Array(parentLine))
          != nil
      else {
        return (
          .commitmentMismatch,
          "the commitment of the record at \(record.place) does not open with these salts to what the parent held there"
        )
      }
      counts.commitmentsOpened += 1
    }
    return nil
  }

  /// The conversation member of a message line, for naming where it is.
  private func messageConversation(_ line: ArraySlice<UInt8>) -> String? {
    (try? JSONParser.parse(line))?.objectValue?["conversation"]?.stringValue
  }

  private func checkMedia(_ manifest: Manifest, _ parents: [Read], _ add: (LineageIssue) -> Void) {
    var held: [String: Int64] = [:]
    for parent in parents {
      for file in parent.record.manifest.files where file.role == .media { held[file.sha256] = file.size }
    }
    for file in manifest.files where file.role == .media && held[file.sha256] != file.size {
      add(LineageIssue(.mediaNotInParent, "\(file.path) (\(file.size) bytes) is in no parent"))
    }
  }

  /// Conversations, names, the source, the scope and the coverage, recomputed from the
  /// parents as the derivation computes them, and compared.
  private func checkMetadata(_ derived: Read, _ parents: [Read], lineage: Lineage, _ add: (LineageIssue) -> Void) {
    let manifest = derived.record.manifest
    for parent in parents {
      let source = parent.record.manifest.source
      if source.platform != manifest.source.platform || source.timeZone != manifest.source.timeZone {
        add(
          LineageIssue(
            .metadataChanged,
            "the source is \(manifest.source.platform) in \(manifest.source.timeZone); parent "
              + "\(parent.record.bundleID) says \(source.platform) in \(source.timeZone)"))
      }
    }
    var names: [Identifier: Set<String>] = [:]
    var conversations: [Identifier: [ConversationEntry]] = [:]
    for parent in parents {
      for (id, name) in parent.people ?? [:] { names[id, default: []].insert(name) }
      for entry in parent.record.manifest.conversations {
        conversations[entry.id, default: []].append(entry)
        if let name = entry.name { names[entry.sourceID ?? entry.id, default: []].insert(name) }
      }
    }
    let redacts = lineage.operation == .redact
    func sameName(_ mine: String?, _ theirs: String?) -> Bool {
      guard let mine, let theirs else { return mine == theirs }
      return mine == theirs || (redacts && RedactionApplier.couldDerive(mine, from: theirs))
    }
    for entry in manifest.conversations {
      let same = (conversations[entry.id] ?? []).contains { parent in
        parent.kind == entry.kind && sameName(entry.name, parent.name) && parent.participants == entry.participants
          && parent.sourceID == entry.sourceID
      }
      if !same {
        add(
          LineageIssue(
            .metadataChanged,
            "conversation \(entry.id) is not declared so by any parent (kind, name, participants, source id)"))
      }
    }
    let peopleKnown = parents.allSatisfy { $0.people != nil }
    for (id, name) in (peopleKnown ? derived.people ?? [:] : [:]).sorted(by: { $0.key < $1.key })
    where !(names[id]?.contains { sameName(name, $0) } ?? false) {
      add(LineageIssue(.metadataChanged, "the name of \(id) is given by no parent"))
    }
    let scopes = parents.map(\.record.manifest.scope)
    let coverage: Coverage?
    let scope: ExportScope
    switch lineage.operation {
    case .merge:
      scope = ExportScope.union(scopes)
      coverage = try? Coverage.merged(parents.map { ($0.record.bundleID, $0.record.manifest.coverage) })
    case .redact:
      scope = scopes.first ?? ExportScope()
      coverage = parents.first?.record.manifest.coverage
    default:
      scope = (scopes.first ?? ExportScope()).narrowed(by: manifest.scope)
      coverage = parents.first?.record.manifest.coverage?.sliced(since: scope.since, until: scope.until)
    }
    if scope != manifest.scope {
      add(
        LineageIssue(.metadataChanged, "the scope is not the one the parents' scopes give for a \(lineage.operation)"))
    }
    if coverage != manifest.coverage {
      add(
        LineageIssue(
          .metadataChanged, "the coverage is not the one the parents' coverage gives for a \(lineage.operation)")
      )
    }
  }
}
