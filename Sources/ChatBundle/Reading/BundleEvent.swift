/// What a `BundleReader` reports as it reads a bundle, in archive order.
///
/// Everything is delivered before it is known to be valid: a consumer that writes must
/// write to a scratch place and commit only when the last event, `.finished`, says valid.
/// Every payload is `Sendable`, so a consumer may handle the events on another thread.
public enum BundleEvent: Sendable {
  /// The manifest, decoded, with its exact bytes (whose SHA-256 is the bundle id).
  case manifest(ManifestRecord)
  /// A line of the people file.
  case person(id: Identifier, name: String)
  /// A listed entry whose bytes the consumer asked for begins; its `.data` follows.
  case entryStarted(Manifest.FileEntry)
  /// The next bytes of the entry last started.
  case data([UInt8])
  /// The entry last started has been read whole.
  case entryFinished(Manifest.FileEntry)
  /// A conversation's file begins; its messages follow, in file order.
  case conversationStarted(ConversationEntry)
  /// A message that passed the schema, with its 1-based line in the conversation file.
  case message(Message, line: Int64)
  case conversationFinished(ConversationEntry)
  /// A problem, as soon as it is found (also collected in the final report).
  case issue(VerificationIssue)
  /// The pass is over: the whole verdict.
  case finished(VerificationReport)
}

/// The manifest as read: decoded, and its bytes.
public struct ManifestRecord: Sendable {
  public var manifest: Manifest
  /// SHA-256 of `bytes`.
  public var bundleID: String
  public var bytes: [UInt8]
}
