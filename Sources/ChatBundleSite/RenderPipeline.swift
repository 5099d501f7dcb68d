import ChatBundle
import Foundation

/// Hands what the verifier reads to the site generator on a second thread, in order.
///
/// Verifying (inflate, SHA-256, JSON, schema checks) and rendering (HTML, search tokens,
/// page files) each take about half the work, so on two cores they overlap. Events travel
/// in batches through a queue bounded in batches and bytes, so memory stays flat whatever
/// the bundle's size; the generator sees exactly the sequence of calls it would see
/// without the pipeline.
final class RenderPipeline: BundleReadingDelegate {
  private enum Event {
    case manifest(Manifest, bundleID: String, bytes: [UInt8])
    case person(id: Identifier, name: String)
    case beginEntry(Manifest.FileEntry)
    case data([UInt8], Manifest.FileEntry)
    case finishEntry(Manifest.FileEntry)
    case message(Message, line: Int64, conversation: ConversationEntry)
  }

  private let events: BatchQueue<Event>

  init(generator: SiteGenerator) {
    events = BatchQueue { event in Self.deliver(event, to: generator) }
  }

  // MARK: - Producer side (the verifier's thread)

  func didReadManifest(_ manifest: Manifest, bundleID: String, bytes: [UInt8]) {
    append(.manifest(manifest, bundleID: bundleID, bytes: bytes), bytes: bytes.count)
  }

  /// Pages and search show a message's fields, never its source record.
  var wantsSourceRecords: Bool { false }

  func didReadPerson(id: Identifier, name: String) {
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
    events.finish()
  }

  private func append(_ event: Event, bytes: Int) {
    events.append(event, bytes: bytes)
  }

  private static func deliver(_ event: Event, to generator: SiteGenerator) {
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
