/// Receives a bundle's content during the verifying pass, so that inspect, extract and the
/// site generator read the bundle once, with verification, and never hold it whole.
///
/// Everything is delivered before it is known to be valid: a delegate that writes must
/// write to a temporary place and commit only when the report says valid.
public protocol BundleReadingDelegate: AnyObject {
  func didReadManifest(_ manifest: Manifest, bundleID: String, bytes: [UInt8])
  /// Called for each listed entry after the manifest; return false to skip its data.
  func willReadEntry(_ entry: Manifest.FileEntry) -> Bool
  func didReadData(_ chunk: UnsafeRawBufferPointer, of entry: Manifest.FileEntry)
  func didFinishEntry(_ entry: Manifest.FileEntry)
  func didReadMessage(_ message: Message, line: Int64, in conversation: ConversationEntry)
  func didReadPerson(id: Identifier, name: String)
  /// Return true to end the pass early (inspect stops after the indexes).
  var wantsToStop: Bool { get }
  /// Return false when messages may arrive with `raw` set to `null`: every source record is
  /// still checked as strict JSON, but not built, which saves most of a message's parsing.
  var wantsSourceRecords: Bool { get }
}

extension BundleReadingDelegate {
  public func didReadManifest(_ manifest: Manifest, bundleID: String, bytes: [UInt8]) {}
  public func willReadEntry(_ entry: Manifest.FileEntry) -> Bool { false }
  public func didReadData(_ chunk: UnsafeRawBufferPointer, of entry: Manifest.FileEntry) {}
  public func didFinishEntry(_ entry: Manifest.FileEntry) {}
  public func didReadMessage(_ message: Message, line: Int64, in conversation: ConversationEntry) {}
  public func didReadPerson(id: Identifier, name: String) {}
  public var wantsToStop: Bool { false }
  public var wantsSourceRecords: Bool { true }
}
