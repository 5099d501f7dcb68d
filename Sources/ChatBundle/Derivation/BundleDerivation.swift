/// Writes a bundle derived from verified bundles (spec §7.15): the union of several
/// (`merge`) or a part of one (`slice`). Every message is carried as its parent's exact
/// line, media are stored once, and the manifest's `lineage` names each parent, so
/// `verify --parent` can prove the derivation against the parents themselves.
public struct BundleDerivation {
  public var output: String
  public var existing: OutputPlacement.Existing = .replaceRegularFile
  public var temporaryDirectory: String?
  public var signingKeys: [SigningKey] = []
  public var custody: Custody?
  public var sortMemoryBytes = 64 << 20

  public init(output: String) { self.output = output }

  /// What was derived, and from which parents (by path and bundle id).
  public struct Summary: Sendable {
    public var pack: PackSummary
    public var parents: [(path: String, bundleID: String)]
  }

  /// The union of `inputs`. Copies of one message id that differ are refused, naming both
  /// bundles, unless `preferred` (a path among the inputs or a bundle id) says whose copy
  /// wins. The same inputs in any order, or named twice, give the same bytes.
  public func merge(_ inputs: [String], preferred: String? = nil) throws -> Summary {
    guard !inputs.isEmpty else { throw ChatBundleError.invalidOption("merge needs at least one bundle") }
    var parents: [(path: String, record: ManifestRecord)] = []
    for path in inputs {
      let record = try Repacker.manifest(of: path)
      if parents.contains(where: { $0.record.bundleID == record.bundleID }) {
        // The same bundle named twice is read once, but every file named is verified.
        try Repacker.verify(path)
      } else {
        parents.append((path, record))
      }
    }
    parents.sort { compareBytes(Array($0.record.bundleID.utf8), Array($1.record.bundleID.utf8)) < 0 }
    var preferredID: String?
    if let preferred {
      guard
        let index = parents.firstIndex(where: {
          $0.record.bundleID == preferred.lowercased() || $0.path == preferred
        })
      else {
        throw ChatBundleError.invalidOption(
          "--prefer \(preferred) is neither one of the bundles to merge nor the bundle id of one")
      }
      preferredID = parents[index].record.bundleID
      // The preferred parent's copies are read first, and the first copy is kept.
      parents.insert(parents.remove(at: index), at: 0)
    }
    let head = parents[0]
    for parent in parents.dropFirst() {
      for (what, mine, theirs) in [
        ("platform", head.record.manifest.source.platform.text, parent.record.manifest.source.platform.text),
        ("time zone", head.record.manifest.source.timeZone, parent.record.manifest.source.timeZone),
      ] where mine != theirs {
        throw ChatBundleError.invalidOption(
          "\(head.path) has the \(what) \(mine) and \(parent.path) the \(what) \(theirs); "
            + "only bundles of one source can be merged")
      }
    }
    var options = packOptions(like: head.record.manifest)
    options.scope = ExportScope.union(parents.map(\.record.manifest.scope))
    options.keepFirstDuplicate = preferredID != nil
    let builder = try BundleBuilder(options: options, outputPath: output, existing: existing)
    let repacker = try Repacker(builder: builder, scratchParent: temporaryDirectory ?? parentDirectory(of: output))
    for parent in parents { try repacker.take(parent: parent.path, expected: parent.record) }
    builder.coverage = try Coverage.merged(parents.map { ($0.path, $0.record.manifest.coverage) })
    builder.lineage = Lineage(
      operation: .merge, parents: parents.map { Self.parentEntry($0.record) }, preferred: preferredID)
    do {
      // Copies of one id are compared when the builder sorts, at the end; the media it
      // writes are in the repacker's scratch directory.
      return try withExtendedLifetime(repacker) { try finish(builder, parents: parents) }
    } catch ChatBundleError.conflictingDuplicate(let id, let first, let second) {
      throw ChatBundleError.invalidOption(
        "message id \(id) differs between \(Self.name(first, parents)) and \(Self.name(second, parents)); "
          + "pass --prefer with the bundle whose copies win")
    }
  }

  /// The part of `input` inside `scope` (`--since`, `--until`, `--conversation`,
  /// `--member`, as `pack` reads them), with the parent's scope narrowed by it.
  public func slice(_ input: String, scope slice: ExportScope) throws -> Summary {
    let record = try Repacker.manifest(of: input)
    var options = packOptions(like: record.manifest)
    options.scope = record.manifest.scope.narrowed(by: slice)
    let builder = try BundleBuilder(options: options, outputPath: output, existing: existing)
    let repacker = try Repacker(builder: builder, scratchParent: temporaryDirectory ?? parentDirectory(of: output))
    repacker.keeps = { [builder] message, conversation in builder.accepts(message, in: conversation) }
    try repacker.take(parent: input, expected: record)
    builder.coverage = record.manifest.coverage?.sliced(since: options.scope.since, until: options.scope.until)
    builder.lineage = Lineage(operation: .slice, parents: [Self.parentEntry(record)])
    return try withExtendedLifetime(repacker) { try finish(builder, parents: [(input, record)]) }
  }

  /// What a redaction removed, beside the derivation's summary.
  public struct RedactionSummary: Sendable {
    public var wholeMessages: Int64
    public var spans: Int64
    public var mediaReferences: Int64
    public var messagesChanged: Int64
    /// Media files of the parent that the redacted bundle no longer holds.
    public var mediaLeftOut: Int64
    /// Pattern matches in identifiers and in numbers of raw records, which a redaction
    /// never changes, and where.
    public var identifierMatches: Int64
    public var identifierExamples: [String]
  }

  /// `input` with `request` redacted (spec §8.12): whole messages replaced by markers,
  /// media left out, pattern matches replaced in every string, `source.raw` included; each
  /// change logged in its message with a commitment under `salts`.
  public func redact(_ input: String, request: RedactionRequest, salts: RedactionSalts) throws -> (
    Summary, RedactionSummary
  ) {
    guard !request.isEmpty else {
      throw ChatBundleError.invalidOption("nothing to redact: give --message, --pattern or --media")
    }
    let record = try Repacker.manifest(of: input)
    var options = packOptions(like: record.manifest)
    options.scope = record.manifest.scope
    let builder = try BundleBuilder(options: options, outputPath: output, existing: existing)
    let repacker = try Repacker(builder: builder, scratchParent: temporaryDirectory ?? parentDirectory(of: output))
    let redactor = try LineRedactor(parentID: record.bundleID, salts: salts, request: request)
    repacker.renames = { name in redactor.redactName(name) }
    repacker.rewrites = { [weak repacker] parent in
      guard let redacted = try redactor.redact(line: parent.line, message: parent.message) else { return nil }
      let earlier = Dictionary(
        parent.message.mediaReferences.map { ($0.path.description, $0.reference) },
        uniquingKeysWith: { first, _ in first })
      for (path, reference) in redacted.message.mediaReferences
      where reference.missing == MissingReason.redacted.rawValue {
        guard let sha = earlier[path.description]?.sha256, let reason = redactor.mediaReasons[sha] else { continue }
        repacker?.noteMissing(
          Manifest.MissingMedia(
            message: parent.message.id, conversation: parent.message.conversation, field: path.description, name: nil,
            sourceReference: nil, reason: MissingReason.redacted.rawValue),
          detail: "redacted: \(reason)")
      }
      return redacted
    }
    try repacker.take(parent: input, expected: record)
    builder.coverage = record.manifest.coverage
    let counts = redactor.counts
    var lineage = Lineage(
      operation: .redact, parents: [Self.parentEntry(record)],
      redactions: counts.wholeMessages + counts.spans + counts.mediaReferences)
    lineage.reasons = counts.reasons.sorted { compareBytes(Array($0.utf8), Array($1.utf8)) < 0 }
    builder.lineage = lineage
    let notFound =
      request.messages.map(\.id).filter { !redactor.seenMessages.contains($0) }.map { "message \($0)" }
      + request.media.map(\.sha256).filter { !redactor.seenMedia.contains($0) }.map { "media \($0)" }
    // A mistyped id would leave in what the user meant to take out: nothing is written.
    guard notFound.isEmpty else {
      throw ChatBundleError.invalidOption(
        "\(notFound.joined(separator: ", ")) \(notFound.count == 1 ? "is" : "are") not in \(input); nothing was "
          + "written (inspect lists the media; the site shows each message's id in its link)")
    }
    let summary = try withExtendedLifetime(repacker) { try finish(builder, parents: [(input, record)]) }
    return (
      summary,
      RedactionSummary(
        wholeMessages: counts.wholeMessages, spans: counts.spans, mediaReferences: counts.mediaReferences,
        messagesChanged: counts.messagesChanged, mediaLeftOut: record.manifest.totals.media - summary.pack.media,
        identifierMatches: counts.identifierMatches, identifierExamples: counts.identifierExamples)
    )
  }

  private func packOptions(like manifest: Manifest) -> PackOptions {
    var options = PackOptions(platform: manifest.source.platform, timeZone: manifest.source.timeZone)
    options.temporaryDirectory = temporaryDirectory
    options.signingKeys = signingKeys
    options.custody = custody
    options.sortMemoryBytes = sortMemoryBytes
    return options
  }

  private func finish(_ builder: BundleBuilder, parents: [(path: String, record: ManifestRecord)]) throws -> Summary {
    let summary = try builder.finish(outputPath: output)
    return Summary(pack: summary, parents: parents.map { ($0.path, $0.record.bundleID) })
  }

  static func parentEntry(_ record: ManifestRecord) -> Lineage.Parent {
    Lineage.Parent(
      bundleID: record.bundleID, created: record.manifest.created, messages: record.manifest.totals.messages)
  }

  /// A copy's origin ("bundle <id> <conversation file>:<line>") with the bundle's path.
  private static func name(_ origin: String, _ parents: [(path: String, record: ManifestRecord)]) -> String {
    for parent in parents where origin.hasPrefix("bundle \(parent.record.bundleID) ") {
      let rest = origin.dropFirst("bundle \(parent.record.bundleID) ".count)
      return "\(parent.path) (\(rest))"
    }
    return origin
  }
}
