import ArchiveIO

/// A recall tombstone, seen ahead of the message it recalls.
public struct RecallNotice: Sendable, Hashable {
  /// The id of the recall message itself.
  public var id: Identifier
  public var target: Identifier
  /// Who recalled it: the tombstone's sender.
  public var by: Identifier?
  public var timestamp: Int64

  public init(id: Identifier, target: Identifier, by: Identifier?, timestamp: Int64) {
    self.id = id
    self.target = target
    self.by = by
    self.timestamp = timestamp
  }
}

/// A later version of a message (a record with `edit_target`), seen ahead of the original.
public struct RevisionNotice: Sendable, Hashable {
  /// The id of the revision record.
  public var id: Identifier
  public var target: Identifier
  /// When the edit was made.
  public var timestamp: Int64

  public init(id: Identifier, target: Identifier, timestamp: Int64) {
    self.id = id
    self.target = target
    self.timestamp = timestamp
  }
}

/// What a transcript must know about a message before it reaches it: whether it was
/// recalled, and its later versions.
public struct ScannedNotices: Sendable {
  /// By recalled message id; the first tombstone for a target wins.
  public var recalls: [Identifier: RecallNotice] = [:]
  /// By original message id; the latest revision wins.
  public var revisions: [Identifier: RevisionNotice] = [:]

  public init() {}
}

/// Collects a bundle's recall tombstones (and revision records) in a quick pass before
/// the verifying one.
///
/// A tombstone comes after the message it recalls, but a transcript must mark (or hide) the
/// original where it appears. This pass inflates the archive and parses only the message
/// lines that contain `"kind":"recall"` as the canonical writer spells it; it trusts
/// nothing it reads, since the verifying pass that follows judges the bundle. A consumer
/// that must not miss one (hiding recalled content) checks each tombstone of the verifying
/// pass against this list.
public enum RecallScanner {
  public struct TooMany: Error, CustomStringConvertible {
    public let limit: Int
    public var description: String { "the bundle has more than \(limit) recalled messages" }
  }

  /// Recall notices by target id; the first tombstone for a target wins.
  public static func scan(path: String, limits: BundleLimits = BundleLimits(), maximum: Int = 1_000_000) throws
    -> [Identifier: RecallNotice]
  {
    try scanNotices(path: path, limits: limits, maximum: maximum).recalls
  }

  /// Recalls and revisions. Revisions are looked for only in bundles that list the
  /// feature `message-revisions`, which the manifest, the first entry, says.
  public static func scanNotices(path: String, limits: BundleLimits = BundleLimits(), maximum: Int = 1_000_000)
    throws -> ScannedNotices
  {
    let reader = try TarGzReader(path: path)
    let prefix = BundleLayout.root + "/" + BundleLayout.conversationsDirectory
    var notices = ScannedNotices()
    var entries = 0
    var hasRevisions = false
    while let header = try reader.nextEntry() {
      entries += 1
      guard entries <= limits.entries else { break }
      if entries == 1, header.type == .regular, header.path == BundleLayout.root + "/" + BundleLayout.manifest {
        var tail: [UInt8] = []
        _ = try reader.readData { chunk in
          guard !hasRevisions else { return }
          let window = tail + chunk
          hasRevisions = contains(window, featureKey)
          tail = Array(window.suffix(featureKey.count - 1))
        }
        continue
      }
      // The conversation index counts each kind: with no recall counted, the pass ends
      // here, after a few entries, which keeps the common case nearly free.
      if header.type == .regular, header.path == BundleLayout.root + "/" + BundleLayout.conversationIndex {
        var counted = false
        var tail: [UInt8] = []
        _ = try reader.readData { chunk in
          guard !counted else { return }
          let window = tail + chunk
          counted = contains(window, countKey)
          tail = Array(window.suffix(countKey.count - 1))
        }
        if !counted && !hasRevisions { return notices }
        continue
      }
      guard header.type == .regular, header.path?.hasPrefix(prefix) == true else {
        try reader.skipData()
        continue
      }
      var pending: [UInt8] = []
      var failure: Error?
      _ = try reader.readData { chunk in
        var start = 0
        while start < chunk.count, failure == nil {
          let end = chunk[start...].firstIndex(of: 0x0A) ?? chunk.count
          if pending.count + (end - start) <= limits.lineBytes { pending.append(contentsOf: chunk[start..<end]) }
          guard end < chunk.count else { break }
          do {
            try take(pending, into: &notices, maximum: maximum)
          } catch {
            failure = error
          }
          pending.removeAll(keepingCapacity: true)
          start = end + 1
        }
      }
      if let failure { throw failure }
      try take(pending, into: &notices, maximum: maximum)
    }
    return notices
  }

  private static let marker = Array(#""kind":"recall""#.utf8)
  private static let revisionMarker = Array(#""edit_target":"#.utf8)
  private static let countKey = Array(#""recall":"#.utf8)
  private static let featureKey = Array(#""message-revisions""#.utf8)

  private static func take(_ line: [UInt8], into notices: inout ScannedNotices, maximum: Int) throws {
    let isRecall = contains(line, marker)
    guard isRecall || contains(line, revisionMarker), let value = try? JSONParser.parse(line),
      let message = try? Message(json: value)
    else { return }
    if case .recall(let target?) = message.body {
      guard notices.recalls[target] == nil else { return }
      guard notices.recalls.count < maximum else { throw TooMany(limit: maximum) }
      notices.recalls[target] = RecallNotice(
        id: message.id, target: target, by: message.sender, timestamp: message.timestamp)
    } else if let target = message.editTarget {
      // When the edit was made: the record's own edit time, else its time.
      let editedAt = message.edited?.timestamp ?? message.timestamp
      if let known = notices.revisions[target], known.timestamp > editedAt { return }
      guard notices.revisions.count < maximum || notices.revisions[target] != nil else {
        throw TooMany(limit: maximum)
      }
      notices.revisions[target] = RevisionNotice(id: message.id, target: target, timestamp: editedAt)
    }
  }

  private static func contains(_ line: [UInt8], _ pattern: [UInt8]) -> Bool {
    guard let first = pattern.first, line.count >= pattern.count else { return false }
    var index = 0
    let last = line.count - pattern.count
    while index <= last {
      guard let hit = line[index...last].firstIndex(of: first) else { return false }
      if line[hit..<(hit + pattern.count)].elementsEqual(pattern) { return true }
      index = hit + 1
    }
    return false
  }
}
