import ArchiveIO

/// A message of a parent bundle with the exact bytes of its line, which a derived bundle
/// carries unchanged and `verify --parent` compares.
struct ParentMessage {
  var message: Message
  /// The line without its `\n`.
  var line: [UInt8]
  var lineNumber: Int64
  var conversation: ConversationEntry
}

/// One verifying pass over a parent bundle for a derivation (merge, slice) or its check:
/// each message with its exact line, each person, and the media files the caller wants,
/// copied to a scratch directory. Fails unless the bundle is valid; everything it handed
/// over before is then to be thrown away, which the callers do by never committing.
final class ParentPass {
  let path: String
  private let scratch: String
  /// The reader hands a block's messages over before the block's bytes, so messages wait
  /// here (at most one block's worth) until their lines are complete.
  private var waiting: [(Message, Int64)] = []
  private var waitingStart = 0
  private var lines = LineAccumulator(maximumLineBytes: BundleLimits().lineBytes)
  private var conversation: ConversationEntry?
  private var mediaWriter: BufferedWriter?
  private var mediaFiles = 0

  private let mediaPrefix: String

  /// - Parameters:
  ///   - scratch: where wanted media files are copied to.
  ///   - mediaPrefix: what their names begin with, different for each pass in one directory.
  init(path: String, scratch: String, mediaPrefix: String = "parent-media") {
    self.path = path
    self.scratch = scratch
    self.mediaPrefix = mediaPrefix
  }

  struct Handlers {
    var manifest: (ManifestRecord) throws -> Void = { _ in }
    var message: (ParentMessage) throws -> Void = { _ in }
    var person: (Identifier, String) throws -> Void = { _, _ in }
    /// Whether to copy this media file out; asked when its entry begins.
    var wantsMedia: (Manifest.FileEntry) -> Bool = { _ in false }
    /// A wanted media file, copied whole to `localPath`.
    var media: (Manifest.FileEntry, String) throws -> Void = { _, _ in }
  }

  /// Runs the pass; returns the report of a valid bundle and its id.
  func run(_ handlers: Handlers) throws -> (report: VerificationReport, bundleID: String) {
    var options = BundleReadingOptions(data: EntrySelection(roles: [.messages, .media]))
    options.scratchDirectory = scratch
    let report = try BundleReader(path: path, options: options).run { event in
      try handle(event, handlers)
    }
    if let readError = report.readError { throw ChatBundleError.io(path: path, message: readError) }
    guard report.isValid, let bundleID = report.bundleID else { throw Repacker.invalid(path, report) }
    return (report, bundleID)
  }

  private func handle(_ event: BundleEvent, _ handlers: Handlers) throws {
    switch event {
    case .manifest(let record): try handlers.manifest(record)
    case .person(let id, let name): try handlers.person(id, name)
    case .conversationStarted(let entry):
      conversation = entry
      lines = LineAccumulator(maximumLineBytes: BundleLimits().lineBytes)
      waiting.removeAll(keepingCapacity: true)
      waitingStart = 0
    case .message(let message, let line): waiting.append((message, line))
    case .entryStarted(let entry):
      guard entry.role == .media, handlers.wantsMedia(entry) else { return }
      mediaFiles += 1
      mediaWriter = try BufferedWriter(creating: scratch + "/\(mediaPrefix)-\(mediaFiles)", hashing: false)
    case .data(let bytes):
      if let mediaWriter {
        try mediaWriter.write(bytes)
      } else if let conversation {
        try takeLines(bytes, conversation: conversation, handlers)
      }
    case .entryFinished(let entry):
      if let writer = mediaWriter {
        _ = try writer.close()
        mediaWriter = nil
        try handlers.media(entry, scratch + "/\(mediaPrefix)-\(mediaFiles)")
      }
    case .conversationFinished: conversation = nil
    case .issue, .finished: break
    }
  }

  private func takeLines(_ bytes: [UInt8], conversation: ConversationEntry, _ handlers: Handlers) throws {
    var completed: [(ArraySlice<UInt8>, Int64)] = []
    bytes.withUnsafeBytes { chunk in lines.push(chunk) { line, number in completed.append((line, number)) } }
    for (line, number) in completed {
      // A line that failed its checks has no message; the pass fails at its end.
      while waitingStart < waiting.count, waiting[waitingStart].1 < number { waitingStart += 1 }
      guard waitingStart < waiting.count, waiting[waitingStart].1 == number else { continue }
      let message = waiting[waitingStart].0
      waitingStart += 1
      try handlers.message(
        ParentMessage(message: message, line: Array(line), lineNumber: number, conversation: conversation))
    }
    if waitingStart == waiting.count {
      waiting.removeAll(keepingCapacity: true)
      waitingStart = 0
    }
  }
}
