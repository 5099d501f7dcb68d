/// Reads what `inspect` shows: the manifest, the people and the conversation index, which
/// come first in every bundle, so a quick look stops long before the messages.
public final class BundleInspector {
  public private(set) var manifest: Manifest?
  public private(set) var bundleID: String?
  public private(set) var people: [Identifier: String] = [:]
  /// Per-conversation index lines, parsed.
  public private(set) var conversationIndex: [Identifier: JSONObject] = [:]
  private var indexLines = LineAccumulator(maximumLineBytes: BundleLimits().lineBytes)
  private var declared: Set<Identifier> = []
  private var readingIndex = false

  private func handle(_ event: BundleEvent) {
    switch event {
    case .manifest(let record):
      manifest = record.manifest
      bundleID = record.bundleID
      declared = Set(record.manifest.conversations.map(\.id))
    case .person(let id, let name):
      people[id] = name
    case .entryStarted(let entry):
      readingIndex = entry.path == BundleLayout.conversationIndex
    case .data(let bytes) where readingIndex:
      // Index lines are parsed as they arrive and kept only for declared conversations, so
      // a hostile index cannot make inspect hold more than the manifest already describes.
      bytes.withUnsafeBytes { chunk in
        indexLines.push(chunk) { line, _ in
          guard let object = (try? JSONParser.parse(line))?.objectValue, let text = object["id"]?.stringValue,
            case let id = Identifier(text), declared.contains(id)
          else { return }
          conversationIndex[id] = object
        }
      }
    case .entryFinished:
      readingIndex = false
    default:
      break
    }
  }

  /// Runs the pass; the report is complete only with `readEverything`.
  public static func inspect(path: String, readEverything: Bool) -> (BundleInspector, VerificationReport) {
    let inspector = BundleInspector()
    var options = BundleReadingOptions(data: EntrySelection(paths: [BundleLayout.conversationIndex]))
    options.stopsAfterConversationIndex = !readEverything
    let report = BundleReader(path: path, options: options).run { inspector.handle($0) }
    return (inspector, report)
  }
}
