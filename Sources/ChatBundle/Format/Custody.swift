/// Who exported a bundle, for whom, why and under which approval: free text the packer
/// states (`pack --exported-by … --requested-by … --purpose … --reference …`). It is part
/// of the manifest, so a signature covers it; nothing checks that it is true.
public struct Custody: Sendable, Equatable {
  public var exportedBy: String?
  public var requestedBy: String?
  /// The purpose or legal basis of the export.
  public var purpose: String?
  /// An approval, case or ticket reference.
  public var reference: String?

  /// The longest value a field may hold, in UTF-8 bytes.
  public static let maximumFieldBytes = 4096

  public init(exportedBy: String? = nil, requestedBy: String? = nil, purpose: String? = nil, reference: String? = nil) {
    self.exportedBy = exportedBy
    self.requestedBy = requestedBy
    self.purpose = purpose
    self.reference = reference
  }

  public var isEmpty: Bool { fields.allSatisfy { $0.value == nil } }

  /// The fields with their manifest keys, in the spec's order.
  public var fields: [(key: String, value: String?)] {
    [("exported_by", exportedBy), ("requested_by", requestedBy), ("purpose", purpose), ("reference", reference)]
  }

  /// Why a value cannot be recorded, or nil when it can.
  public static func problem(with value: String) -> String? {
    if value.isEmpty { return "is empty" }
    if value.utf8.count > maximumFieldBytes { return "is longer than \(maximumFieldBytes) bytes" }
    return nil
  }

  func jsonValue() -> JSONValue {
    var object = JSONObject()
    for field in fields { object.append(field.key, field.value) }
    return .object(object)
  }

  init(_ fields: FieldReader) throws(RecordError) {
    self.init()
    func text(_ key: String) throws(RecordError) -> String? {
      guard let value = try fields.string(key) else { return nil }
      if let problem = Custody.problem(with: value) { throw RecordError(field: fields.path(key), message: problem) }
      return value
    }
    exportedBy = try text("exported_by")
    requestedBy = try text("requested_by")
    purpose = try text("purpose")
    reference = try text("reference")
    if isEmpty { throw RecordError(field: "custody", message: "must be absent rather than empty") }
  }
}
