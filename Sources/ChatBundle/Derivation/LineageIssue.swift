/// What `verify --parent` can find wrong with a derived bundle against its parents
/// (spec §7.15.2). Each is an error: the bundle may be valid on its own, but it is not
/// what its lineage says it is.
public enum LineageIssueCode: String, Sendable, CaseIterable {
  /// The bundle states no lineage, or a sealed bundle's, which has no parents to check.
  case notDerived = "L01"
  /// A bundle given as a parent is not among the lineage's parents, or a listed parent was
  /// not given.
  case parentNotListed = "L02"
  /// The lineage's statement of a parent (created, messages) is not the parent's.
  case parentStatementMismatch = "L03"
  /// A message's line differs from every parent's copy of it (or from the preferred copy).
  case messageChanged = "L04"
  /// A message is in no parent.
  case messageAdded = "L05"
  /// A parent's message that the derivation keeps is not in the bundle.
  case messageLost = "L06"
  /// A parent's message outside a slice's scope is in the slice.
  case messageOutsideScope = "L07"
  /// A media file no parent holds.
  case mediaNotInParent = "L08"
  /// A conversation, a person's name, the scope, the coverage or the source is not what the
  /// parents give for it.
  case metadataChanged = "L09"
  /// A redacted message is not its parent's with its new redaction records applied, or a
  /// record is malformed (§8.12.2).
  case redactionMismatch = "L10"
  /// With the salts file given: a record's commitment does not open to what the parent
  /// held there.
  case commitmentMismatch = "L11"

  public var slug: String {
    switch self {
    case .notDerived: "not_derived"
    case .parentNotListed: "parent_not_listed"
    case .parentStatementMismatch: "parent_statement_mismatch"
    case .messageChanged: "message_changed"
    case .messageAdded: "message_added"
    case .messageLost: "message_lost"
    case .messageOutsideScope: "message_outside_scope"
    case .mediaNotInParent: "media_not_in_parent"
    case .metadataChanged: "metadata_changed"
    case .redactionMismatch: "redaction_mismatch"
    case .commitmentMismatch: "commitment_mismatch"
    }
  }
}

public struct LineageIssue: Sendable, Equatable, CustomStringConvertible {
  public var code: LineageIssueCode
  public var message: String

  public init(_ code: LineageIssueCode, _ message: String) {
    self.code = code
    self.message = message
  }

  public var description: String { "error \(code.rawValue) \(code.slug): \(message)" }
}
