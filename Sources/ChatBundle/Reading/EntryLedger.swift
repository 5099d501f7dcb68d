/// The entries the manifest promises and what has been seen of them: for each listed
/// path its entry, whether the archive held it and whether a message referred to it; the
/// names the archive used; and the order they came in.
struct EntryLedger {
  struct Listed {
    var entry: Manifest.FileEntry
    var seen = false
    var referenced = false
  }

  private(set) var listed: [String: Listed] = [:]
  private var seenNames: Set<String> = []
  private var seenFoldedNames: [String: String] = [:]
  private var previous: (group: BundleLayout.Group, path: String)?

  mutating func list(_ entry: Manifest.FileEntry) { listed[entry.path] = Listed(entry: entry) }

  func isListed(_ path: String) -> Bool { listed[path] != nil }

  subscript(path: String) -> Manifest.FileEntry? { listed[path]?.entry }

  enum NameCheck { case new, repeated, caseVariant(of: String) }

  /// Records an archive entry's name: refused when repeated, flagged when it differs from
  /// an earlier one only in ASCII letter case.
  mutating func checkName(_ relative: String) -> NameCheck {
    guard seenNames.insert(relative).inserted else { return .repeated }
    let folded = relative.lowercased()
    if let other = seenFoldedNames[folded] { return .caseVariant(of: other) }
    seenFoldedNames[folded] = relative
    return .new
  }

  /// Whether `relative` comes after the previous listed entry in the order of spec §4.3.
  mutating func checkOrder(_ relative: String) -> Bool {
    let group = BundleLayout.group(of: relative)
    defer { previous = (group, relative) }
    guard let previous else { return true }
    return previous.group < group
      || (previous.group == group && Array(previous.path.utf8).lexicographicallyPrecedes(Array(relative.utf8)))
  }

  mutating func markSeen(_ path: String) { listed[path]?.seen = true }

  /// The listed media file a reference names, marked as referred to; nil when the
  /// manifest lists no media file by that digest.
  mutating func referMedia(sha256: String) -> Manifest.FileEntry? {
    let path = BundleLayout.mediaPath(sha256: sha256)
    guard let entry = listed[path]?.entry, entry.role == .media else { return nil }
    listed[path]?.referenced = true
    return entry
  }

  var paths: [String] { listed.keys.sorted() }

  func allSeen(_ paths: some Sequence<String>) -> Bool { paths.allSatisfy { listed[$0]?.seen == true } }
}
