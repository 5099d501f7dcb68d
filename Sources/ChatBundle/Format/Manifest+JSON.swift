extension Manifest {
  /// Features this reader understands; `required_features` may list only these.
  public static let supportedFeatures: Set<String> = [messageRevisionsFeature, redactionsFeature]
  /// Messages that are later versions of other messages (`edit_target`, since 1.3).
  public static let messageRevisionsFeature = "message-revisions"
  /// Messages changed by a redaction (`redactions`, kind `redacted`, since 1.5): a reader
  /// that does not know them would take a marker for what the message said.
  public static let redactionsFeature = "redactions"

  static let knownKeys: Set<String> = [
    "format", "format_version", "required_features", "created", "generator", "source", "scope",
    "hash_algorithm", "totals", "conversations", "files", "missing", "skipped", "custody", "coverage",
    "lineage",
  ]

  /// The manifest's JSON, keys in the order the spec lists them.
  public func jsonValue() -> JSONValue {
    var object = JSONObject()
    object.append("format", Manifest.formatName)
    object.append("format_version", formatVersion.description)
    object.append("required_features", JSONValue.array(requiredFeatures.map(JSONValue.string)))
    object.append("created", UTCTime.timestamp(milliseconds: created * 1000))
    object.append(
      "generator", JSONValue.object(JSONObject(["name": .string(generatorName), "version": .string(generatorVersion)])))
    var sourceObject = JSONObject()
    sourceObject.append("platform", source.platform.text)
    sourceObject.append("time_zone", source.timeZone)
    sourceObject.append(
      "inputs",
      JSONValue.array(
        source.inputs.map { input in
          .object(
            JSONObject([
              "name": .string(input.name), "size": .integer(input.size), "sha256": .string(input.sha256),
              "records": .integer(input.records),
            ]))
        }))
    if !source.credentialsRemoved.isEmpty {
      sourceObject.append(
        "credentials_removed",
        JSONValue.array(
          source.credentialsRemoved.map { removal in
            .object(
              JSONObject([
                "kind": .string(removal.kind), "name": .string(removal.name), "count": .integer(removal.count),
              ]))
          }))
    }
    object.append("source", JSONValue.object(sourceObject))
    object.append("scope", scope.jsonValue())
    object.append("hash_algorithm", "sha256")
    object.append("totals", totals.jsonValue())
    object.append("conversations", JSONValue.array(conversations.map { $0.jsonValue() }))
    object.append("files", JSONValue.array(files.map { $0.jsonValue() }))
    object.append("missing", JSONValue.array(missing.map { $0.jsonValue() }))
    object.append("skipped", JSONValue.array(skipped.map { $0.jsonValue() }))
    // Absent rather than null, so that bundles without them keep their 1.0 bytes.
    if let custody { object.append("custody", custody.jsonValue()) }
    if let coverage { object.append("coverage", coverage.jsonValue()) }
    if let lineage { object.append("lineage", lineage.jsonValue()) }
    return .object(object)
  }

  public func serialized() -> [UInt8] {
    var bytes = JSONWriter.serialize(jsonValue())
    bytes.append(0x0A)
    return bytes
  }

  /// Why a manifest cannot be read, sorted by how the verifier reports it.
  public enum DecodingProblem: Error, Equatable, CustomStringConvertible {
    case notThisFormat(String)
    case malformedVersion(String)
    case newerMajorVersion(FormatVersion)
    case unknownRequiredFeature(String)
    case schema(RecordError)

    public var description: String {
      switch self {
      case .notThisFormat(let text): "not a chatbundle manifest: \(text)"
      case .malformedVersion(let text): "format_version \"\(text)\" is not MAJOR.MINOR"
      case .newerMajorVersion(let version):
        "bundle format \(version) is newer than this tool, which reads \(FormatVersion.current.major).x; upgrade chatbundle"
      case .unknownRequiredFeature(let name): "the bundle requires feature \"\(name)\", which this tool does not know"
      case .schema(let error): error.description
      }
    }
  }

  /// Reads a manifest, refusing newer major versions and unknown required features.
  public init(json value: JSONValue) throws(DecodingProblem) {
    self.init()
    do {
      let fields = try FieldReader(value)
      let format = try fields.string("format")
      guard format == Manifest.formatName else {
        throw DecodingProblem.notThisFormat("format is \(format.map { "\"\($0)\"" } ?? "absent")")
      }
      let versionText = try fields.requiredString("format_version")
      guard let version = FormatVersion(versionText) else { throw DecodingProblem.malformedVersion(versionText) }
      guard version.major == FormatVersion.current.major else {
        if version.major > FormatVersion.current.major { throw DecodingProblem.newerMajorVersion(version) }
        throw DecodingProblem.notThisFormat("format \(version) predates 1.0 and is not supported")
      }
      formatVersion = version
      guard let features = try fields.identifierArray("required_features")?.map(\.text) else {
        throw RecordError(field: "required_features", message: "is required")
      }
      if let unknown = features.first(where: { !Manifest.supportedFeatures.contains($0) }) {
        throw DecodingProblem.unknownRequiredFeature(unknown)
      }
      requiredFeatures = features
      let createdText = try fields.requiredString("created")
      guard let createdMilliseconds = UTCTime.parse(createdText), createdMilliseconds % 1000 == 0,
        UTCTime.timestamp(milliseconds: createdMilliseconds) == createdText
      else {
        throw RecordError(field: "created", message: "must be RFC 3339 UTC to the second, like 2025-03-10T09:00:00Z")
      }
      created = createdMilliseconds / 1000
      guard let generator = try fields.nested("generator") else {
        throw RecordError(field: "generator", message: "is required")
      }
      generatorName = try generator.requiredString("name")
      generatorVersion = try generator.requiredString("version")
      guard let sourceFields = try fields.nested("source") else {
        throw RecordError(field: "source", message: "is required")
      }
      source.platform = try sourceFields.requiredIdentifier("platform")
      source.timeZone = try sourceFields.requiredString("time_zone")
      guard let inputs = try sourceFields.array("inputs") else {
        throw RecordError(field: "source.inputs", message: "is required")
      }
      for (index, element) in inputs.enumerated() {
        let input = try FieldReader(element, prefix: "source.inputs[\(index)]")
        source.inputs.append(
          InputFile(
            name: try input.requiredString("name"), size: try required(input, "size"),
            sha256: try requiredDigest(input, "sha256"), records: try required(input, "records")))
      }
      try requireBytewiseOrder(source.inputs.map(\.name), field: "source.inputs", strictly: false)
      for (index, element) in (try sourceFields.array("credentials_removed") ?? []).enumerated() {
        let removal = try FieldReader(element, prefix: "source.credentials_removed[\(index)]")
        source.credentialsRemoved.append(
          CredentialRemoval(
            kind: try removal.requiredString("kind"), name: try removal.requiredString("name"),
            count: try required(removal, "count")))
      }
      if version < FormatVersion.withAnnotations, sourceFields.has("credentials_removed") {
        throw RecordError(
          field: "source.credentials_removed", message: "needs format_version \(FormatVersion.withAnnotations) or later"
        )
      }
      guard let scopeFields = try fields.nested("scope") else {
        throw RecordError(field: "scope", message: "is required")
      }
      scope = try ExportScope(scopeFields)
      guard try fields.requiredString("hash_algorithm") == "sha256" else {
        throw RecordError(field: "hash_algorithm", message: "must be \"sha256\" in format 1.x")
      }
      guard let totalFields = try fields.nested("totals") else {
        throw RecordError(field: "totals", message: "is required")
      }
      totals = try Totals(totalFields)
      guard let conversationElements = try fields.array("conversations") else {
        throw RecordError(field: "conversations", message: "is required")
      }
      for (index, element) in conversationElements.enumerated() {
        conversations.append(try ConversationEntry(FieldReader(element, prefix: "conversations[\(index)]")))
      }
      try requireBytewiseOrder(conversations.map(\.id.text), field: "conversations", strictly: true)
      if version < FormatVersion.withExternalMembers,
        let index = conversations.firstIndex(where: { $0.externalMembers != nil })
      {
        throw RecordError(
          field: "conversations[\(index)].external_members",
          message: "needs format_version \(FormatVersion.withExternalMembers) or later")
      }
      guard let fileElements = try fields.array("files") else {
        throw RecordError(field: "files", message: "is required")
      }
      files.reserveCapacity(fileElements.count)
      for (index, element) in fileElements.enumerated() {
        files.append(try FileEntry(FieldReader(element, prefix: "files[\(index)]")))
      }
      guard let missingElements = try fields.array("missing"), let skippedElements = try fields.array("skipped") else {
        throw RecordError(field: fields.has("missing") ? "skipped" : "missing", message: "is required")
      }
      for (index, element) in missingElements.enumerated() {
        missing.append(try MissingMedia(FieldReader(element, prefix: "missing[\(index)]")))
      }
      for (index, element) in skippedElements.enumerated() {
        skipped.append(try SkippedRecord(FieldReader(element, prefix: "skipped[\(index)]")))
      }
      if let custodyFields = try fields.nested("custody") { custody = try Custody(custodyFields) }
      if let coverageFields = try fields.nested("coverage") { coverage = try Coverage(coverageFields) }
      if version < FormatVersion.withCustodyAndCoverage, let key = ["custody", "coverage"].first(where: fields.has) {
        throw RecordError(field: key, message: "needs format_version \(FormatVersion.withCustodyAndCoverage) or later")
      }
      if let lineageFields = try fields.nested("lineage") {
        guard version >= FormatVersion.withLineage else {
          throw RecordError(field: "lineage", message: "needs format_version \(FormatVersion.withLineage) or later")
        }
        lineage = try Lineage(lineageFields)
      }
      unknownKeys = fields.object.keys.filter { !Manifest.knownKeys.contains($0) }
    } catch let error as RecordError {
      throw .schema(error)
    } catch let problem as DecodingProblem {
      throw problem
    } catch {
      throw .schema(RecordError(field: "", message: "\(error)"))
    }
  }
}

private func required(_ fields: FieldReader, _ key: String, in range: ClosedRange<Int64> = 0...Int64.max)
  throws(RecordError) -> Int64
{
  guard let value = try fields.integer(key, in: range) else {
    throw RecordError(field: fields.path(key), message: "is required")
  }
  return value
}

/// Lists of ids and names are sorted bytewise (and, where they are keys, without repeats)
/// so that a manifest has one form for one content.
private func requireBytewiseOrder(_ values: [String], field: String, strictly: Bool) throws(RecordError) {
  for index in values.indices.dropFirst() {
    let previous = Array(values[index - 1].utf8)
    let current = Array(values[index].utf8)
    if previous == current ? strictly : !previous.lexicographicallyPrecedes(current) {
      throw RecordError(
        field: "\(field)[\(index)]", message: "must be sorted bytewise\(strictly ? " without repeats" : "")")
    }
  }
}

func requiredDigest(_ fields: FieldReader, _ key: String) throws(RecordError) -> String {
  let text = try fields.requiredString(key)
  guard SHA256Digest.isValidHex(text) else {
    throw RecordError(field: fields.path(key), message: "must be 64 lowercase hex digits")
  }
  return text
}

extension ExportScope {
  func jsonValue() -> JSONValue {
    var object = JSONObject()
    object.append("since", since.map { JSONValue.string(UTCTime.timestamp(milliseconds: $0)) } ?? .null)
    object.append("until", until.map { JSONValue.string(UTCTime.timestamp(milliseconds: $0)) } ?? .null)
    object.append("conversations", conversations.map(JSONValue.identifiers) ?? .null)
    object.append("members", members.map(JSONValue.identifiers) ?? .null)
    return .object(object)
  }

  init(_ fields: FieldReader?) throws(RecordError) {
    self.init()
    guard let fields else { return }
    func time(_ key: String) throws(RecordError) -> Int64? {
      guard let value = fields.object[key], value != .null else { return nil }
      guard case .string(let text) = value, let parsed = UTCTime.parse(text),
        UTCTime.timestamp(milliseconds: parsed) == text
      else {
        throw RecordError(field: fields.path(key), message: "must be null or an RFC 3339 UTC time")
      }
      return parsed
    }
    func list(_ key: String) throws(RecordError) -> [Identifier]? {
      guard let value = fields.object[key], value != .null else { return nil }
      let values = try fields.identifierArray(key)
      try requireBytewiseOrder((values ?? []).map(\.text), field: fields.path(key), strictly: true)
      return values
    }
    since = try time("since")
    until = try time("until")
    conversations = try list("conversations")
    members = try list("members")
  }
}

extension Manifest.Totals {
  func jsonValue() -> JSONValue {
    .object(
      JSONObject([
        "files": .integer(files), "bytes": .integer(bytes), "conversations": .integer(conversations),
        "messages": .integer(messages), "media": .integer(media), "media_bytes": .integer(mediaBytes),
        "missing": .integer(missing), "skipped": .integer(skipped), "duplicates": .integer(duplicates),
      ]))
  }

  init(_ fields: FieldReader) throws(RecordError) {
    self.init()
    func count(_ key: String) throws(RecordError) -> Int64 {
      guard let value = try fields.integer(key) else {
        throw RecordError(field: fields.path(key), message: "is required")
      }
      return value
    }
    files = try count("files")
    bytes = try count("bytes")
    conversations = try count("conversations")
    messages = try count("messages")
    media = try count("media")
    mediaBytes = try count("media_bytes")
    missing = try count("missing")
    skipped = try count("skipped")
    duplicates = try count("duplicates")
  }
}

extension Manifest.FileEntry {
  func jsonValue() -> JSONValue {
    var object = JSONObject()
    object.append("path", path)
    object.append("size", size)
    object.append("sha256", sha256)
    object.append("role", role.rawValue)
    object.append("media_type", mediaType)
    return .object(object)
  }

  init(_ fields: FieldReader) throws(RecordError) {
    let roleName = try fields.requiredString("role")
    guard let role = Role(rawValue: roleName) else {
      throw RecordError(field: fields.path("role"), message: "unknown role \"\(roleName)\"")
    }
    guard let size = try fields.integer("size") else {
      throw RecordError(field: fields.path("size"), message: "is required")
    }
    self.init(
      path: try fields.requiredString("path"), size: size, sha256: try requiredDigest(fields, "sha256"), role: role,
      mediaType: try fields.string("media_type"))
  }
}

extension Manifest.MissingMedia {
  func jsonValue() -> JSONValue {
    var object = JSONObject()
    object.append("message", message.text)
    object.append("conversation", conversation.text)
    object.append("field", field)
    object.append("name", name)
    object.append("source_ref", sourceReference)
    object.append("reason", reason)
    object.append("detail", detail)
    return .object(object)
  }

  init(_ fields: FieldReader) throws(RecordError) {
    self.init(
      message: try fields.requiredIdentifier("message"), conversation: try fields.requiredIdentifier("conversation"),
      field: try fields.requiredString("field"), name: try fields.string("name"),
      sourceReference: try fields.string("source_ref"), reason: try fields.requiredString("reason"),
      detail: try fields.string("detail"))
    if !MissingReason.isWellFormed(reason) {
      throw RecordError(field: fields.path("reason"), message: "must be a reason code like not_found")
    }
  }
}

extension Manifest.SkippedRecord {
  func jsonValue() -> JSONValue {
    var object = JSONObject()
    object.append("input", input)
    object.append("line", line)
    object.append("message_id", messageID)
    object.append("reason", reason)
    return .object(object)
  }

  init(_ fields: FieldReader) throws(RecordError) {
    self.init(
      input: try fields.requiredString("input"), line: try required(fields, "line"),
      reason: try fields.requiredString("reason"), messageID: try fields.string("message_id"))
  }
}

extension ConversationEntry {
  func jsonValue() -> JSONValue {
    var object = JSONObject()
    object.append("id", id.text)
    object.append("kind", kind.rawValue)
    object.append("name", name)
    object.append("participants", participants.map(JSONValue.identifiers))
    object.append("external_members", externalMembers.map(JSONValue.identifiers))
    object.append("source_id", sourceID?.text)
    object.append("path", path)
    object.append("message_count", messageCount)
    object.append("first_ts", firstTimestamp)
    object.append("last_ts", lastTimestamp)
    return .object(object)
  }

  init(_ fields: FieldReader) throws(RecordError) {
    let kindName = try fields.requiredString("kind")
    guard let kind = Kind(rawValue: kindName) else {
      throw RecordError(field: fields.path("kind"), message: "unknown conversation kind \"\(kindName)\"")
    }
    self.init(
      id: try fields.requiredIdentifier("id"), kind: kind, name: try fields.string("name"),
      participants: try fields.identifierArray("participants"), sourceID: try fields.identifier("source_id"),
      path: try fields.requiredString("path"), messageCount: try required(fields, "message_count"),
      firstTimestamp: try required(fields, "first_ts", in: 0...BundleLimits.maximumTimestamp),
      lastTimestamp: try required(fields, "last_ts", in: 0...BundleLimits.maximumTimestamp),
      externalMembers: try fields.identifierArray("external_members"))
    if let externalMembers {
      guard !externalMembers.isEmpty else {
        throw RecordError(field: fields.path("external_members"), message: "must be absent rather than empty")
      }
      try requireBytewiseOrder(externalMembers.map(\.text), field: fields.path("external_members"), strictly: true)
    }
  }
}
