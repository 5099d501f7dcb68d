import ArchiveIO

/// Feeds the messages, people and media of verified parent bundles into a `BundleBuilder`,
/// each message's line byte for byte, for `merge` and `slice`. Memory stays bounded: the
/// builder sorts on disk, media are copied to scratch files, and what is kept per parent
/// is what its manifest already holds.
final class Repacker {
  let builder: BundleBuilder
  private let scratch: String
  /// For a slice: which parent messages the new bundle keeps.
  var keeps: ((Message, ConversationInfo) -> Bool)?
  /// For a redaction: what a person's or a conversation's name becomes.
  var renames: ((String) -> String)?
  /// For a redaction: the line and message that replace a parent's, or nil to keep it.
  var rewrites: ((ParentMessage) throws -> (line: [UInt8], message: Message)?)?
  private var wantedMedia: Set<String> = []
  private var carriedMedia: Set<String> = []
  /// The parents' `detail` of missing media, for the builder's manifest; a box of its own,
  /// since the builder keeps the closure that reads it.
  private final class MissingDetails {
    var byKey: [[UInt8]: String] = [:]
  }
  private let missingDetails = MissingDetails()
  /// A detail for the manifest's missing list, unless the parent gave one.
  func noteMissing(_ missing: Manifest.MissingMedia, detail: String) {
    let key = Self.missingKey(missing)
    if missingDetails.byKey[key] == nil { missingDetails.byKey[key] = detail }
  }
  private var parentsTaken = 0

  /// The parents' media are copied to a scratch directory that the builder reads when it
  /// finishes: keep the repacker alive until then (`withExtendedLifetime`).
  init(builder: BundleBuilder, scratchParent: String) throws {
    self.builder = builder
    scratch = try ScratchRegistry.shared.makeDirectory(in: scratchParent, prefix: ".chatbundle-parents")
    builder.missingDetail = { [missingDetails] missing in missingDetails.byKey[Self.missingKey(missing)] }
  }

  deinit { ScratchRegistry.shared.remove(scratch) }

  /// The manifest of a bundle, read from its first entry only; the full pass checks the rest.
  static func manifest(of path: String) throws -> ManifestRecord {
    var options = BundleReadingOptions()
    options.stopsAfterConversationIndex = true
    var found: ManifestRecord?
    let report = BundleReader(path: path, options: options).run { event in
      if case .manifest(let record) = event { found = record }
    }
    if let readError = report.readError { throw ChatBundleError.io(path: path, message: readError) }
    guard let found, report.errorCount == 0 else { throw invalid(path, report) }
    return found
  }

  /// Verifies a bundle whose content is taken from another file with the same id.
  static func verify(_ path: String) throws {
    let report = BundleVerifier(path: path).verify()
    if let readError = report.readError { throw ChatBundleError.io(path: path, message: readError) }
    guard report.isValid else { throw invalid(path, report) }
  }

  static func invalid(_ path: String, _ report: VerificationReport) -> ChatBundleError {
    let first = report.issues.first { $0.severity == .error }.map { ": \($0.description)" } ?? ""
    return ChatBundleError.invalidOption(
      "\(path) is not a valid bundle (\(report.errorCount) errors\(first)); run 'chatbundle verify \(path)'")
  }

  /// Takes one parent whole (or, with `keeps`, its part), verifying it as it goes; fails
  /// unless the parent is valid and still the bundle `expected` names.
  func take(parent path: String, expected: ManifestRecord) throws {
    let manifest = expected.manifest
    for input in manifest.source.inputs { builder.carryInput(input) }
    for removal in manifest.source.credentialsRemoved { builder.carryCredentialRemoval(removal) }
    if keeps == nil { for record in manifest.skipped { builder.carrySkipped(record) } }
    for missing in manifest.missing {
      if let detail = missing.detail { missingDetails.byKey[Self.missingKey(missing)] = detail }
    }
    for conversation in manifest.conversations {
      if let name = conversation.name {
        builder.nameIfUnnamed(conversation.sourceID ?? conversation.id, renames?(name) ?? name)
      }
    }
    var origins: [String: Int] = [:]
    parentsTaken += 1
    let pass = ParentPass(path: path, scratch: scratch, mediaPrefix: "parent-\(parentsTaken)-media")
    var handlers = ParentPass.Handlers()
    handlers.person = { [builder, renames] id, name in builder.nameIfUnnamed(id, renames?(name) ?? name) }
    handlers.message = { [self] parent in
      let info = ConversationInfo(parent.conversation)
      if let keeps, !keeps(parent.message, info) { return }
      let (line, message) = try rewrites?(parent) ?? (parent.line, parent.message)
      for (_, reference) in message.mediaReferences {
        if let sha = reference.sha256 { wantedMedia.insert(sha) }
      }
      let path = parent.conversation.path
      let origin =
        origins[path]
        ?? {
          let index = builder.addOrigin(label: "bundle \(expected.bundleID) \(path)")
          origins[path] = index
          return index
        }()
      try builder.add(message, conversation: info, input: origin, line: parent.lineNumber, exactLine: line + [0x0A])
    }
    handlers.wantsMedia = { [self] entry in
      wantedMedia.contains(entry.sha256) && !carriedMedia.contains(entry.sha256)
    }
    handlers.media = { [self] entry, localPath in
      carriedMedia.insert(entry.sha256)
      _ = try builder.storeCarriedMedia(localPath: localPath, entry: entry)
    }
    let (_, bundleID) = try pass.run(handlers)
    guard bundleID == expected.bundleID else {
      throw ChatBundleError.io(path: path, message: "the bundle changed while it was being read; run again")
    }
  }

  private static func missingKey(_ missing: Manifest.MissingMedia) -> [UInt8] {
    Array([missing.message.text, missing.conversation.text, missing.field].joined(separator: "\u{0}").utf8)
  }
}

extension ConversationInfo {
  /// The conversation as a derived bundle's builder and `verify --parent`'s scope check
  /// see it: what the parent's manifest declares.
  init(_ entry: ConversationEntry) {
    self.init(
      id: entry.id, kind: entry.kind, participants: entry.participants, sourceID: entry.sourceID,
      externalMembers: entry.externalMembers)
  }
}
