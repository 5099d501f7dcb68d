/// Reads what `inspect` shows: the manifest, the people and the conversation index, which
/// come first in every bundle, so a quick look stops long before the messages.
public final class BundleInspector: BundleReadingDelegate {
  public private(set) var manifest: Manifest?
  public private(set) var bundleID: String?
  public private(set) var people: [Identifier: String] = [:]
  /// Per-conversation index lines, parsed.
  public private(set) var conversationIndex: [Identifier: JSONObject] = [:]
  private var indexLines = LineAccumulator(maximumLineBytes: 16 << 20)
  private var declared: Set<Identifier> = []
  private var indexDone = false
  private let readEverything: Bool

  /// - Parameter readEverything: keep reading (and so verifying) to the end.
  public init(readEverything: Bool) {
    self.readEverything = readEverything
  }

  public func didReadManifest(_ manifest: Manifest, bundleID: String, bytes: [UInt8]) {
    self.manifest = manifest
    self.bundleID = bundleID
    declared = Set(manifest.conversations.map(\.id))
  }

  public func didReadPerson(id: Identifier, name: String) { people[id] = name }

  public func willReadEntry(_ entry: Manifest.FileEntry) -> Bool { entry.path == BundleLayout.conversationIndex }

  /// Index lines are parsed as they arrive and kept only for declared conversations, so a
  /// hostile index cannot make inspect hold more than the manifest already describes.
  public func didReadData(_ chunk: UnsafeRawBufferPointer, of entry: Manifest.FileEntry) {
    indexLines.push(chunk) { line, _ in
      guard let object = (try? JSONParser.parse(line))?.objectValue,
        let text = object["id"]?.stringValue, case let id = Identifier(text), declared.contains(id)
      else { return }
      conversationIndex[id] = object
    }
  }

  public func didFinishEntry(_ entry: Manifest.FileEntry) {
    guard entry.path == BundleLayout.conversationIndex else { return }
    indexDone = true
  }

  public var wantsToStop: Bool { indexDone && !readEverything }

  /// Runs the pass; the report is complete only with `readEverything`.
  public static func inspect(path: String, readEverything: Bool) -> (BundleInspector, VerificationReport) {
    let inspector = BundleInspector(readEverything: readEverything)
    let verifier = BundleVerifier(path: path)
    verifier.delegate = inspector
    let report = verifier.verify()
    return (inspector, report)
  }
}
