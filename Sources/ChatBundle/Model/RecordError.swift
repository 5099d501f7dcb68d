/// A record that does not match its schema: which field, and what is wrong with it.
public struct RecordError: Error, CustomStringConvertible, Sendable, Equatable {
  public var field: String
  public var message: String

  public init(field: String, message: String) {
    self.field = field
    self.message = message
  }

  public var description: String { field.isEmpty ? message : "\(field): \(message)" }
}

/// Typed access to the fields of a JSON object, with errors that name the field.
struct FieldReader {
  let object: JSONObject
  let prefix: String

  init(_ value: JSONValue, prefix: String = "") throws(RecordError) {
    guard case .object(let object) = value else {
      throw RecordError(field: prefix, message: "expected an object, found \(value.typeName)")
    }
    self.object = object
    self.prefix = prefix
  }

  func path(_ key: String) -> String { prefix.isEmpty ? key : "\(prefix).\(key)" }

  func has(_ key: String) -> Bool { object[key] != nil }

  func string(_ key: String) throws(RecordError) -> String? {
    guard let value = object[key] else { return nil }
    guard case .string(let text) = value else {
      throw RecordError(field: path(key), message: "expected a string, found \(value.typeName)")
    }
    return text
  }

  func requiredString(_ key: String) throws(RecordError) -> String {
    guard let text = try string(key) else { throw RecordError(field: path(key), message: "is required") }
    return text
  }

  /// An identifier: a non-empty string of at most 512 bytes with no control characters.
  func identifier(_ key: String) throws(RecordError) -> Identifier? {
    guard let text = try string(key) else { return nil }
    if let problem = Identifier.problem(text) { throw RecordError(field: path(key), message: problem) }
    return Identifier(text)
  }

  func requiredIdentifier(_ key: String) throws(RecordError) -> Identifier {
    guard let id = try identifier(key) else { throw RecordError(field: path(key), message: "is required") }
    return id
  }

  /// The `kind` member: one of the kinds of spec §8.2.
  func kind() throws(RecordError) -> MessageKind {
    let name = try requiredString("kind")
    guard let kind = MessageKind(rawValue: name) else {
      throw RecordError(field: path("kind"), message: "unknown kind \"\(name)\"")
    }
    return kind
  }

  func integer(_ key: String, in range: ClosedRange<Int64> = 0...Int64.max) throws(RecordError) -> Int64? {
    guard let value = object[key] else { return nil }
    guard case .number(let literal) = value, let number = Int64(literal) else {
      throw RecordError(field: path(key), message: "expected an integer, found \(value.typeName) \(shortText(value))")
    }
    guard range.contains(number) else {
      throw RecordError(field: path(key), message: "\(number) is out of range")
    }
    return number
  }

  func numberLiteral(_ key: String) throws(RecordError) -> String? {
    guard let value = object[key] else { return nil }
    guard case .number(let literal) = value else {
      throw RecordError(field: path(key), message: "expected a number, found \(value.typeName)")
    }
    return literal
  }

  func bool(_ key: String) throws(RecordError) -> Bool? {
    guard let value = object[key] else { return nil }
    guard case .bool(let flag) = value else {
      throw RecordError(field: path(key), message: "expected true or false, found \(value.typeName)")
    }
    return flag
  }

  func array(_ key: String) throws(RecordError) -> [JSONValue]? {
    guard let value = object[key] else { return nil }
    guard case .array(let elements) = value else {
      throw RecordError(field: path(key), message: "expected an array, found \(value.typeName)")
    }
    return elements
  }

  func identifierArray(_ key: String) throws(RecordError) -> [Identifier]? {
    guard let elements = try array(key) else { return nil }
    var result: [Identifier] = []
    result.reserveCapacity(elements.count)
    for (index, element) in elements.enumerated() {
      guard case .string(let text) = element, Identifier.problem(text) == nil else {
        throw RecordError(field: "\(path(key))[\(index)]", message: "expected an identifier string")
      }
      result.append(Identifier(text))
    }
    return result
  }

  func nested(_ key: String) throws(RecordError) -> FieldReader? {
    guard let value = object[key] else { return nil }
    return try FieldReader(value, prefix: path(key))
  }
}

private func shortText(_ value: JSONValue) -> String {
  let bytes = JSONWriter.serialize(value)
  return String(decoding: bytes.prefix(40), as: UTF8.self)
}
