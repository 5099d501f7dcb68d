import ChatBundle
import Foundation

/// Hands what the verifier reads to the site generator on a second thread, in order.
///
/// Verifying (inflate, SHA-256, JSON, schema checks) and rendering (HTML, search tokens,
/// page files) each take about half the work, so on two cores they overlap. Events travel
/// in batches through a queue bounded in batches and bytes, so memory stays flat whatever
/// the bundle's size; the generator sees exactly the sequence of calls it would see
/// without the pipeline.
final class RenderPipeline: BundleReadingDelegate, @unchecked Sendable {
  private enum Event {
    case manifest(Manifest, bundleID: String, bytes: [UInt8])
    case person(id: String, name: String)
    case beginEntry(Manifest.FileEntry)
    case data([UInt8], Manifest.FileEntry)
    case finishEntry(Manifest.FileEntry)
    case message(Message, line: Int64, conversation: ConversationEntry)
  }

  static let eventsPerBatch = 512
  static let bytesPerBatch = 1 << 20
  static let queuedBatches = 4

  private let generator: SiteGenerator
  private let condition = NSCondition()
  private var queue: [[Event]] = []
  private var closed = false
  private var workerDone = false
  private var batch: [Event] = []
  private var batchBytes = 0

  init(generator: SiteGenerator) {
    self.generator = generator
    batch.reserveCapacity(Self.eventsPerBatch)
    let thread = Thread { [self] in work() }
    thread.stackSize = 8 << 20
    thread.start()
  }

  // MARK: - Producer side (the verifier's thread)

  func didReadManifest(_ manifest: Manifest, bundleID: String, bytes: [UInt8]) {
    append(.manifest(manifest, bundleID: bundleID, bytes: bytes), bytes: bytes.count)
  }

  func didReadPerson(id: String, name: String) {
    append(.person(id: id, name: name), bytes: 0)
  }

  func willReadEntry(_ entry: Manifest.FileEntry) -> Bool {
    guard SiteGenerator.wantsData(of: entry) else { return false }
    append(.beginEntry(entry), bytes: 0)
    return true
  }

  func didReadData(_ chunk: UnsafeRawBufferPointer, of entry: Manifest.FileEntry) {
    append(.data(Array(chunk), entry), bytes: chunk.count)
  }

  func didFinishEntry(_ entry: Manifest.FileEntry) {
    append(.finishEntry(entry), bytes: 0)
  }

  func didReadMessage(_ message: Message, line: Int64, in conversation: ConversationEntry) {
    append(.message(message, line: line, conversation: conversation), bytes: 0)
  }

  /// Sends what is left and waits until the generator has handled every event.
  func finish() {
    send()
    condition.lock()
    closed = true
    condition.broadcast()
    while !workerDone { condition.wait() }
    condition.unlock()
  }

  private func append(_ event: Event, bytes: Int) {
    batch.append(event)
    batchBytes += bytes
    if batch.count >= Self.eventsPerBatch || batchBytes >= Self.bytesPerBatch { send() }
  }

  private func send() {
    guard !batch.isEmpty else { return }
    condition.lock()
    while queue.count >= Self.queuedBatches { condition.wait() }
    queue.append(batch)
    condition.broadcast()
    condition.unlock()
    batch = []
    batch.reserveCapacity(Self.eventsPerBatch)
    batchBytes = 0
  }

  // MARK: - Consumer side

  private func work() {
    while true {
      condition.lock()
      while queue.isEmpty && !closed { condition.wait() }
      if queue.isEmpty {
        workerDone = true
        condition.broadcast()
        condition.unlock()
        return
      }
      let events = queue.removeFirst()
      condition.broadcast()
      condition.unlock()
      for event in events { deliver(event) }
    }
  }

  private func deliver(_ event: Event) {
    switch event {
    case .manifest(let manifest, let bundleID, let bytes):
      generator.didReadManifest(manifest, bundleID: bundleID, bytes: bytes)
    case .person(let id, let name):
      generator.didReadPerson(id: id, name: name)
    case .beginEntry(let entry):
      _ = generator.willReadEntry(entry)
    case .data(let bytes, let entry):
      bytes.withUnsafeBytes { generator.didReadData($0, of: entry) }
    case .finishEntry(let entry):
      generator.didFinishEntry(entry)
    case .message(let message, let line, let conversation):
      generator.didReadMessage(message, line: line, in: conversation)
    }
  }
}
