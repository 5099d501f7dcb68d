/// A JSON value that keeps what a round trip through `Double` or a dictionary would lose:
/// the exact text of numbers (ids beyond 2^53, coordinates) and the order of object keys.
public enum JSONValue: Sendable, Hashable {
  case null
  case bool(Bool)
  /// A number, as its literal text in the source (validated JSON number syntax).
  case number(String)
  case string(String)
  case array([JSONValue])
  case object(JSONObject)

  public static func integer<T: BinaryInteger>(_ value: T) -> JSONValue { .number(String(value)) }

  public var stringValue: String? {
    if case .string(let value) = self { return value }
    return nil
  }

  public var objectValue: JSONObject? {
    if case .object(let value) = self { return value }
    return nil
  }

  public var arrayValue: [JSONValue]? {
    if case .array(let value) = self { return value }
    return nil
  }

  public var boolValue: Bool? {
    if case .bool(let value) = self { return value }
    return nil
  }

  /// The number's literal text, if this is a number.
  public var numberLiteral: String? {
    if case .number(let value) = self { return value }
    return nil
  }

  /// The value as a 64-bit integer when it is an integer literal that fits.
  public var int64Value: Int64? {
    if case .number(let literal) = self { return Int64(literal) }
    return nil
  }

  public var doubleValue: Double? {
    if case .number(let literal) = self { return Double(literal) }
    return nil
  }

  /// A short name for the value's type, for error messages.
  public var typeName: String {
    switch self {
    case .null: "null"
    case .bool: "boolean"
    case .number: "number"
    case .string: "string"
    case .array: "array"
    case .object: "object"
    }
  }
}

/// A JSON object whose members keep their order.
public struct JSONObject: Sendable, Hashable {
  public struct Member: Sendable, Hashable {
    public var key: String
    public var value: JSONValue
    public init(_ key: String, _ value: JSONValue) {
      self.key = key
      self.value = value
    }
  }

  public var members: [Member]

  public init(_ members: [Member] = []) { self.members = members }

  public init(_ pairs: KeyValuePairs<String, JSONValue>) {
    members = pairs.map { Member($0.key, $0.value) }
  }

  /// The first member with this key, compared as bytes; objects here are small, so a scan
  /// is cheapest.
  public subscript(key: String) -> JSONValue? {
    // Lengths first: comparing unequal small strings takes the slow path, and a message is
    // read by looking up some twenty keys.
    let length = key.utf8.count
    let first = key.utf8.first
    for member in members
    where member.key.utf8.count == length && member.key.utf8.first == first && member.key.hasSameBytes(as: key) {
      return member.value
    }
    return nil
  }

  public var keys: [String] { members.map(\.key) }

  /// Appends a member, or does nothing for nil, so optional fields can be written inline.
  public mutating func append(_ key: String, _ value: JSONValue?) {
    if let value { members.append(Member(key, value)) }
  }

  public mutating func append(_ key: String, _ value: String?) {
    if let value { members.append(Member(key, .string(value))) }
  }

  public mutating func append<T: BinaryInteger>(_ key: String, _ value: T?) {
    if let value { members.append(Member(key, .number(String(value)))) }
  }
}

extension String {
  /// Whether the two strings are the same bytes, not merely canonically equivalent text
  /// (which is what `==` asks).
  package func hasSameBytes(as other: String) -> Bool {
    guard utf8.count == other.utf8.count else { return false }
    if let same = utf8.withContiguousStorageIfAvailable({ left in
      other.utf8.withContiguousStorageIfAvailable { left.elementsEqual($0) }
    }), let same {
      return same
    }
    return utf8.elementsEqual(other.utf8)
  }
}
