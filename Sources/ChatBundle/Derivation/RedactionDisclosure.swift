import ArchiveIO

/// What a redaction removed from one message, with the salts that open its commitments
/// (spec §8.12.3): the redacting party gives it to someone entitled to the original, who
/// checks it against the redacted bundle alone, without the parent and without the key.
///
/// A disclosure proves that the redacted bundle committed to exactly this text at this
/// place. It does not prove that the parent was genuine; that is the parent's signature.
public struct RedactionDisclosure: Sendable {
  public struct Entry: Sendable {
    public var record: RedactionRecord
    public var salt: [UInt8]
    /// What was removed, as UTF-8: the span's text, the media reference's JSON, or the
    /// parent's whole line.
    public var removed: String
  }

  public var bundleID: String
  public var message: Identifier
  public var entries: [Entry]

  static let formatMember = "chatbundle_disclosure"

  /// Reads `bundle` and its `parent` (both verified) and opens every new record of
  /// `message` with `salts`; fails when the salts do not open one.
  public static func make(
    bundle: String, parent: String, salts: RedactionSalts, message: Identifier, temporaryDirectory: String? = nil
  ) throws -> RedactionDisclosure {
    let derived = try line(of: message, in: bundle, temporaryDirectory: temporaryDirectory)
    let original = try line(of: message, in: parent, temporaryDirectory: temporaryDirectory)
    guard let redacted = derived.line else {
      throw ChatBundleError.invalidOption("message \(message) is not in \(bundle)")
    }
    guard let parentLine = original.line else {
      throw ChatBundleError.invalidOption("message \(message) is not in \(parent)")
    }
    let value = try JSONParser.parse(redacted)
    let parentValue = try JSONParser.parse(parentLine)
    let earlier = try Message(json: parentValue, formatVersion: .current).redactions
    let current = try Message(json: value, formatVersion: .current)
    guard let added = RedactionApplier.newRecords(of: current, parentRecords: earlier), !added.isEmpty else {
      throw ChatBundleError.invalidOption("message \(message) of \(bundle) was not changed by its redaction")
    }
    var entries: [Entry] = []
    for record in added {
      guard
        let (removed, salt) = RedactionApplier.opened(
          record, salts: salts, parentID: original.bundleID, message: message, parent: parentValue, line: parentLine)
      else {
        throw ChatBundleError.invalidOption(
          "the salts do not open the record at \(record.place) of message \(message): they are not the salts of "
            + "this redaction, or \(parent) is not its parent")
      }
      entries.append(Entry(record: record, salt: salt, removed: String(decoding: removed, as: UTF8.self)))
    }
    return RedactionDisclosure(bundleID: derived.bundleID, message: message, entries: entries)
  }

  /// The line of one message, found in a verifying pass over the bundle.
  private static func line(of message: Identifier, in path: String, temporaryDirectory: String?) throws -> (
    line: [UInt8]?, bundleID: String
  ) {
    let scratchDirectory = LazyScratchDirectory(in: temporaryDirectory, prefix: ".chatbundle-disclosure")
    defer { scratchDirectory.remove() }
    let scratch = try scratchDirectory.path()
    var found: [UInt8]?
    var handlers = ParentPass.Handlers()
    handlers.message = { parent in if parent.message.id == message { found = parent.line } }
    let (_, bundleID) = try ParentPass(path: path, scratch: scratch).run(handlers)
    return (found, bundleID)
  }

  public var fileBytes: [UInt8] {
    var object = JSONObject()
    object.append(Self.formatMember, 1)
    object.append("bundle_id", bundleID)
    object.append("message", message.text)
    object.append(
      "records",
      JSONValue.array(
        entries.map { entry in
          guard case .object(var record) = entry.record.jsonValue() else { return .null }
          record.append("salt", SHA256Digest.hex(entry.salt))
          record.append("removed", entry.removed)
          return .object(record)
        }))
    var bytes = JSONWriter.serialize(.object(object))
    bytes.append(0x0A)
    return bytes
  }

  public init(bundleID: String, message: Identifier, entries: [Entry]) {
    self.bundleID = bundleID
    self.message = message
    self.entries = entries
  }

  /// Reads a disclosure file; the error names the file and what is wrong.
  public init(fileBytes bytes: [UInt8], path: String) throws {
    func refuse(_ problem: String) -> ChatBundleError {
      ChatBundleError.invalidOption("\(path) is not a redaction disclosure: \(problem)")
    }
    guard let value = try? JSONParser.parse(bytes), let object = value.objectValue,
      object[Self.formatMember]?.int64Value == 1
    else { throw refuse("it is not one (made by 'chatbundle disclose')") }
    guard let bundleID = object["bundle_id"]?.stringValue, SHA256Digest.isValidHex(bundleID) else {
      throw refuse("bundle_id is not a bundle id")
    }
    guard let message = object["message"]?.stringValue, !message.isEmpty else { throw refuse("message is missing") }
    guard let elements = object["records"]?.arrayValue, !elements.isEmpty else { throw refuse("records is empty") }
    var entries: [Entry] = []
    for (index, element) in elements.enumerated() {
      let record: RedactionRecord
      do {
        record = try RedactionRecord(FieldReader(element, prefix: "records[\(index)]"))
      } catch {
        throw refuse("\(error)")
      }
      guard let salt = element.objectValue?["salt"]?.stringValue.flatMap(SHA256Digest.bytes(hex:)), salt.count == 32,
        let removed = element.objectValue?["removed"]?.stringValue
      else { throw refuse("records[\(index)] needs salt (64 hex digits) and removed") }
      entries.append(Entry(record: record, salt: salt, removed: removed))
    }
    self.init(bundleID: bundleID, message: Identifier(message), entries: entries)
  }

  /// Checks the disclosure against the redacted bundle (verified as it is read): each
  /// record is the message's, and its commitment opens to the disclosed text.
  public func check(against bundle: String, temporaryDirectory: String? = nil) throws -> [String] {
    let derived = try Self.line(of: message, in: bundle, temporaryDirectory: temporaryDirectory)
    var problems: [String] = []
    guard derived.bundleID == bundleID else {
      return ["the disclosure is of bundle \(bundleID); \(bundle) is \(derived.bundleID)"]
    }
    guard let line = derived.line else { return ["message \(message) is not in \(bundle)"] }
    let records = try Message(json: JSONParser.parse(line), formatVersion: .current).redactions
    for entry in entries {
      let place = entry.record.place
      if !records.contains(entry.record) {
        problems.append("the record at \(place) is not one of message \(message)'s")
      } else if RedactionSalts.commitment(salt: entry.salt, removed: Array(entry.removed.utf8))
        != entry.record.commitment
      {
        problems.append("the commitment of the record at \(place) does not open to the disclosed text")
      }
    }
    return problems
  }
}
