import ArchiveIO
import ChatBundle

/// A bundle taken apart into its manifest and files, to be damaged on purpose and put back
/// together: the raw material for one fixture per verify issue code.
public struct FixtureBundle {
  public var manifest: Manifest
  /// Entries after the manifest, in archive order, by path relative to the root.
  public var files: [(path: String, bytes: [UInt8])]
  /// When set, written instead of the manifest's serialisation.
  public var manifestBytes: [UInt8]?

  /// The sample bundle, packed and read back.
  public static func sample() throws -> FixtureBundle {
    let directory = try TemporaryDirectory("fixture")
    try SampleBundle.pack(to: directory.file("sample.tar.gz"))
    return try load(directory.file("sample.tar.gz"))
  }

  /// The manifest's bytes exactly as the bundle at `path` holds them.
  public static func manifestBytes(of path: String) throws -> [UInt8] {
    let reader = try TarGzReader(path: path)
    while let header = try reader.nextEntry() {
      var bytes: [UInt8] = []
      try reader.readData { bytes.append(contentsOf: $0) }
      if header.path == BundleLayout.entryName(BundleLayout.manifest) { return bytes }
    }
    throw ChatBundleError.io(path: path, message: "no manifest")
  }

  public static func load(_ path: String) throws -> FixtureBundle {
    let reader = try TarGzReader(path: path)
    var manifest: Manifest?
    var files: [(String, [UInt8])] = []
    while let header = try reader.nextEntry() {
      var bytes: [UInt8] = []
      try reader.readData { bytes.append(contentsOf: $0) }
      let relative = String((header.path ?? "").dropFirst(BundleLayout.root.count + 1))
      if relative == BundleLayout.manifest {
        manifest = try Manifest(json: JSONParser.parse(bytes))
      } else {
        files.append((relative, bytes))
      }
    }
    guard let manifest else { throw ChatBundleError.io(path: path, message: "no manifest") }
    return FixtureBundle(manifest: manifest, files: files, manifestBytes: nil)
  }

  public func bytes(of path: String) -> [UInt8]? { files.first { $0.path == path }?.bytes }

  public mutating func replace(_ path: String, with bytes: [UInt8]) {
    guard let index = files.firstIndex(where: { $0.path == path }) else { return }
    files[index].bytes = bytes
  }

  /// Edits a file's lines (without their newlines).
  public mutating func editLines(_ path: String, _ edit: (inout [[UInt8]]) -> Void) {
    guard let bytes = bytes(of: path) else { return }
    var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
    if lines.last == [] { lines.removeLast() }
    edit(&lines)
    replace(path, with: lines.flatMap { $0 + [0x0A] })
  }

  /// Makes the manifest agree with the files' current sizes and digests, so that only the
  /// damage a fixture means to test is left.
  public mutating func reseal() {
    for (index, entry) in manifest.files.enumerated() {
      guard let bytes = bytes(of: entry.path) else { continue }
      manifest.files[index].size = Int64(bytes.count)
      manifest.files[index].sha256 = SHA256Digest.hex(of: bytes)
    }
    manifest.totals.bytes = manifest.files.reduce(0) { $0 + $1.size }
  }

  /// Works out the conversation index, the manifest's per-conversation counts and
  /// `totals.messages` again from the conversation files, as a forger who changed messages
  /// would, and reseals; the message-id index is left for the caller to set. Only what
  /// `verify` cross-checks can then tell the bundle is wrong.
  public mutating func rederiveConversationFacts() throws {
    var indexLines: [(Identifier, [UInt8])] = []
    var total: Int64 = 0
    for (position, conversation) in manifest.conversations.enumerated() {
      var statistics = ConversationStatistics(conversation: conversation.id)
      var offset: Int64 = 0
      var number: Int64 = 0
      for line in (bytes(of: conversation.path) ?? []).split(separator: 0x0A) {
        number += 1
        statistics.add(try Message(json: JSONParser.parse(Array(line))), offset: offset, line: number)
        offset += Int64(line.count) + 1
      }
      manifest.conversations[position].messageCount = statistics.messageCount
      manifest.conversations[position].firstTimestamp = statistics.firstTimestamp
      manifest.conversations[position].lastTimestamp = statistics.lastTimestamp
      total += statistics.messageCount
      indexLines.append((conversation.id, statistics.indexLine()))
    }
    replace(BundleLayout.conversationIndex, with: indexLines.sorted { $0.0 < $1.0 }.flatMap(\.1))
    manifest.totals.messages = total
    reseal()
  }

  /// Writes the message-id index again from the conversation files, then the rest as
  /// `rederiveConversationFacts` does: what a forger who added or removed messages does.
  public mutating func rederiveAllIndexes() throws {
    var lines: [(Identifier, [UInt8])] = []
    for conversation in manifest.conversations {
      var number: Int64 = 0
      for line in (bytes(of: conversation.path) ?? []).split(separator: 0x0A) {
        number += 1
        let message = try Message(json: JSONParser.parse(Array(line)))
        lines.append(
          (
            message.id,
            ConversationStatistics.messageIndexLine(id: message.id, conversation: conversation.id, line: number)
          ))
      }
    }
    replace(BundleLayout.messageIndex, with: lines.sorted { $0.0 < $1.0 }.flatMap(\.1))
    try rederiveConversationFacts()
  }

  public var conversationPaths: [String] { files.map(\.path).filter { $0.hasPrefix("conversations/") } }
  public var mediaPaths: [String] { files.map(\.path).filter { $0.hasPrefix("media/") } }

  /// The bundle as an uncompressed tar (for damage below the gzip layer); `before` may
  /// add headers in front of each entry after the manifest, given its relative path.
  public func tar(end: Bool = true, before: (String, inout RawTar) -> Void = { _, _ in }) -> RawTar {
    var tar = RawTar()
    tar.add(BundleLayout.entryName(BundleLayout.manifest), manifestBytes ?? manifest.serialized())
    for file in files {
      before(file.path, &tar)
      tar.add(BundleLayout.entryName(file.path), file.bytes)
    }
    if end { tar.end() }
    return tar
  }

  public func gzipped() throws -> [UInt8] { try tar().gzipped() }
}
