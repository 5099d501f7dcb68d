/// Where a bundle came from when it was not packed from a source alone (since 1.4): the
/// bundles it was derived from, by which operation, and for a sealed bundle of a continuous
/// archive, the bundle sealed before it. The manifest holds it, so the bundle id and every
/// signature cover it; `verify --parent` checks it against the parents themselves.
public struct Lineage: Sendable, Equatable {
  public enum Operation: String, Sendable, CaseIterable {
    /// A period packed from a continuous archive (`archive seal`); no parents, a chain.
    case seal
    /// The union of several bundles (`merge`).
    case merge
    /// A part of one bundle (`slice`); the manifest's `scope` states which part.
    case slice
    /// One bundle with messages, spans or media redacted (`redact`), as its log lists.
    case redact
  }

  /// A bundle this one was derived from.
  public struct Parent: Sendable, Equatable {
    public var bundleID: String
    /// The parent's `created`, seconds since the epoch.
    public var created: Int64
    public var messages: Int64

    public init(bundleID: String, created: Int64, messages: Int64) {
      self.bundleID = bundleID
      self.created = created
      self.messages = messages
    }
  }

  public var operation: Operation
  /// Sorted bytewise by bundle id, without repeats; empty for a sealed bundle.
  public var parents: [Parent]
  /// For a merge: the parent whose copy won where copies of one message differed.
  public var preferred: String?
  /// For a sealed bundle: the continuous archive's id, fixed when it was created.
  public var archive: String?
  /// For a sealed bundle: its place in the archive's chain, from 1.
  public var sequence: Int64?
  /// For a sealed bundle after the first: the bundle id of the one sealed before it.
  public var previous: String?
  /// For a redacted bundle: how many redaction records it added to its messages (§8.12).
  public var redactions: Int64?
  /// For a redacted bundle: the reasons its records give, sorted bytewise, each once (1.5),
  /// so that a reader sees why without reading every message.
  public var reasons: [String] = []

  public init(
    operation: Operation, parents: [Parent] = [], preferred: String? = nil, archive: String? = nil,
    sequence: Int64? = nil, previous: String? = nil, redactions: Int64? = nil
  ) {
    self.operation = operation
    self.parents = parents.sorted { compareBytes(Array($0.bundleID.utf8), Array($1.bundleID.utf8)) < 0 }
    self.preferred = preferred
    self.archive = archive
    self.sequence = sequence
    self.previous = previous
    self.redactions = redactions
  }

  func jsonValue() -> JSONValue {
    var object = JSONObject()
    object.append("operation", operation.rawValue)
    object.append(
      "parents",
      JSONValue.array(
        parents.map { parent in
          var entry = JSONObject()
          entry.append("bundle_id", parent.bundleID)
          entry.append("created", UTCTime.timestamp(milliseconds: parent.created * 1000))
          entry.append("messages", JSONValue.integer(parent.messages))
          return .object(entry)
        }))
    object.append("preferred", preferred)
    object.append("archive", archive)
    object.append("sequence", sequence)
    object.append("previous", previous)
    object.append("redactions", redactions)
    if !reasons.isEmpty { object.append("reasons", JSONValue.array(reasons.map(JSONValue.string))) }
    return .object(object)
  }

  init(_ fields: FieldReader) throws(RecordError) {
    let name = try fields.requiredString("operation")
    guard let operation = Operation(rawValue: name) else {
      throw RecordError(field: fields.path("operation"), message: "unknown operation \"\(name)\"")
    }
    guard let parentElements = try fields.array("parents") else {
      throw RecordError(field: fields.path("parents"), message: "is required")
    }
    var parents: [Parent] = []
    for (index, element) in parentElements.enumerated() {
      let parent = try FieldReader(element, prefix: fields.path("parents[\(index)]"))
      let id = try requiredDigest(parent, "bundle_id")
      let createdText = try parent.requiredString("created")
      guard let milliseconds = UTCTime.parse(createdText), milliseconds % 1000 == 0,
        UTCTime.timestamp(milliseconds: milliseconds) == createdText
      else {
        throw RecordError(field: parent.path("created"), message: "must be RFC 3339 UTC to the second")
      }
      guard let messages = try parent.integer("messages") else {
        throw RecordError(field: parent.path("messages"), message: "is required")
      }
      if let last = parents.last, !Array(last.bundleID.utf8).lexicographicallyPrecedes(Array(id.utf8)) {
        throw RecordError(
          field: parent.path("bundle_id"), message: "parents must be sorted by bundle id without repeats")
      }
      parents.append(Parent(bundleID: id, created: milliseconds / 1000, messages: messages))
    }
    self.init(operation: operation, parents: parents)
    preferred = try fields.has("preferred") ? requiredDigest(fields, "preferred") : nil
    archive = try fields.identifier("archive")?.text
    sequence = try fields.integer("sequence", in: 1...Int64.max)
    previous = try fields.has("previous") ? requiredDigest(fields, "previous") : nil
    redactions = try fields.integer("redactions")
    for (index, element) in (try fields.array("reasons") ?? []).enumerated() {
      guard case .string(let reason) = element, !reason.isEmpty else {
        throw RecordError(field: fields.path("reasons[\(index)]"), message: "must be a non-empty string")
      }
      if let last = reasons.last, !Array(last.utf8).lexicographicallyPrecedes(Array(reason.utf8)) {
        throw RecordError(field: fields.path("reasons"), message: "must be sorted bytewise without repeats")
      }
      reasons.append(reason)
    }
    try checkShape(fields)
  }

  /// The members each operation has and has not, so that a lineage means one thing.
  private func checkShape(_ fields: FieldReader) throws(RecordError) {
    func refuse(_ key: String, _ message: String) -> RecordError {
      RecordError(field: fields.path(key), message: message)
    }
    let sealOnly = [("archive", archive != nil), ("sequence", sequence != nil), ("previous", previous != nil)]
    switch operation {
    case .seal:
      if !parents.isEmpty { throw refuse("parents", "must be empty for a sealed bundle") }
      if archive == nil { throw refuse("archive", "is required for a sealed bundle") }
      guard let sequence else { throw refuse("sequence", "is required for a sealed bundle") }
      if (sequence == 1) != (previous == nil) {
        throw refuse(
          "previous", sequence == 1 ? "must be absent for the first sealed bundle" : "is required after the first")
      }
    case .merge, .slice, .redact:
      if let present = sealOnly.first(where: \.1) { throw refuse(present.0, "belongs to sealed bundles only") }
      let count = operation == .merge ? 1...Int.max : 1...1
      guard count.contains(parents.count) else {
        throw refuse("parents", operation == .merge ? "must not be empty" : "must hold exactly one parent")
      }
    }
    if preferred != nil, operation != .merge || !parents.contains(where: { $0.bundleID == preferred }) {
      throw refuse("preferred", "must name a parent of a merge")
    }
    if operation != .redact && !reasons.isEmpty { throw refuse("reasons", "belongs to redactions only") }
    if (operation == .redact) != (redactions != nil) {
      throw refuse("redactions", operation == .redact ? "is required for a redaction" : "belongs to redactions only")
    }
  }
}
