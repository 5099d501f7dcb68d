/// The manifest's checks against itself (spec §13.3 step 4, items 7 to 10), which also
/// fill the tables the rest of the pass checks the entries against.
extension BundleReader {
  func checkListing(_ manifest: Manifest) {
    let name = BundleLayout.manifest
    let limits = options.limits
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
      if ledger.isListed(entry.path) {
        add(.duplicateListing, name, "'\(entry.path)' is listed more than once")
        continue
      }
      if let previous, !Array(previous.utf8).lexicographicallyPrecedes(Array(entry.path.utf8)) {
        add(.manifestSchema, name, "files must be sorted by path; '\(entry.path)' comes after '\(previous)'")
      }
      previous = entry.path
      if let expectedRole = BundleLayout.group(of: entry.path).role, entry.role != expectedRole {
        add(.manifestSchema, name, "'\(entry.path)' has role \(entry.role.rawValue), expected \(expectedRole.rawValue)")
      }
      if entry.role == .media {
        if BundleLayout.mediaPath(sha256: entry.sha256) != entry.path {
          add(.manifestSchema, name, "media '\(entry.path)' is not named by its SHA-256 \(entry.sha256)")
        }
        mediaCount += 1
        mediaBytes = mediaBytes.addingClamped(entry.size)
      }
      if entry.size > limits.entryBytes {
        add(.limitExceeded, name, "'\(entry.path)' declares \(entry.size) bytes")
      }
      totalBytes = totalBytes.addingClamped(entry.size)
      ledger.list(entry)
    }
    for required in [BundleLayout.people, BundleLayout.conversationIndex, BundleLayout.messageIndex]
    where !ledger.isListed(required) {
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
    compare("messages", totals.messages, manifest.conversations.reduce(0) { $0.addingClamped($1.messageCount) })
    if totals.bytes > limits.totalBytes {
      add(
        .limitExceeded, name, "the bundle declares \(totals.bytes) bytes, more than the limit of \(limits.totalBytes)")
    }
  }

  func checkConversations(_ manifest: Manifest) {
    let name = BundleLayout.manifest
    var ids: Set<Identifier> = []
    for conversation in manifest.conversations {
      if !ids.insert(conversation.id).inserted {
        add(.conversationMismatch, name, "conversation '\(conversation.id)' is declared twice")
        continue
      }
      let expectedPath = BundleLayout.conversationPath(id: conversation.id)
      if conversation.path != expectedPath {
        add(
          .conversationMismatch, name,
          "conversation '\(conversation.id)' has path '\(conversation.path)', expected '\(expectedPath)'")
        continue
      }
      if let other = conversationsByPath[conversation.path] {
        add(
          .conversationMismatch, name,
          "conversations '\(other.id)' and '\(conversation.id)' share the file '\(conversation.path)'")
        continue
      }
      guard ledger[conversation.path]?.role == .messages else {
        add(
          .conversationMismatch, name,
          "conversation '\(conversation.id)': '\(conversation.path)' is not listed as a messages file")
        continue
      }
      conversationsByPath[conversation.path] = conversation
    }
    for path in ledger.paths where ledger[path]?.role == .messages && conversationsByPath[path] == nil {
      add(.conversationMismatch, path, "no conversation in the manifest declares this file")
    }
  }
}
