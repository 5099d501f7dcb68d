import ChatBundle

/// Typed, optional access to one object of a DiscordChatExporter file, with errors that
/// name the field by its path (`attachments[2].fileSizeBytes`).
///
/// DCE writes `null` for what it does not know (`timestampEdited`, `nickname`, `topic`)
/// and older versions leave members out, so both read as absent; a value of the wrong
/// type is an error, never a guess.
struct DiscordFields {
  let object: JSONObject
  let path: String

  init(_ value: JSONValue, path: String) throws(RecordError) {
    guard case .object(let object) = value else {
      throw RecordError(field: path, message: "expected an object, found \(value.typeName)")
    }
    self.object = object
    self.path = path
  }

  func field(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

  /// The value, with `null` read as absent.
  func value(_ key: String) -> JSONValue? {
    guard let value = object[key], value != .null else { return nil }
    return value
  }

  func string(_ key: String) throws(RecordError) -> String? {
    guard let value = value(key) else { return nil }
    guard case .string(let text) = value else {
      throw RecordError(field: field(key), message: "expected a string, found \(value.typeName)")
    }
    return text
  }

  /// A snowflake or other id: a string (DCE writes ids as strings, since they exceed
  /// 2^53), or an integer literal kept digit for digit.
  func identifier(_ key: String) throws(RecordError) -> Identifier? {
    guard let value = value(key) else { return nil }
    let text: String
    switch value {
    case .string(let string): text = string
    case .number(let literal) where !literal.isEmpty && literal.allSatisfy(\.isASCIIDigit): text = literal
    default:
      throw RecordError(field: field(key), message: "expected an id string, found \(value.typeName)")
    }
    if let problem = Identifier.problem(text) { throw RecordError(field: field(key), message: problem) }
    return Identifier(text)
  }

  func bool(_ key: String) throws(RecordError) -> Bool? {
    guard let value = value(key) else { return nil }
    guard case .bool(let flag) = value else {
      throw RecordError(field: field(key), message: "expected true or false, found \(value.typeName)")
    }
    return flag
  }

  /// A non-negative integer that fits in 64 bits; anything else (a fraction, an exponent,
  /// a number too large) is an error rather than a rounded value.
  func count(_ key: String) throws(RecordError) -> Int64? {
    guard let value = value(key) else { return nil }
    guard case .number(let literal) = value, let number = Int64(literal), number >= 0 else {
      throw RecordError(
        field: field(key), message: "expected a non-negative integer, found \(value.typeName) \(snippet(value))")
    }
    return number
  }

  /// An ISO 8601 time with its offset (`2023-01-06T14:22:25.25+00:00`), as UTC
  /// milliseconds; parsed by hand, so neither the locale nor floating point is involved.
  func time(_ key: String) throws(RecordError) -> Int64? {
    guard let text = try string(key) else { return nil }
    guard let milliseconds = UTCTime.parse(text), (0...BundleLimits.maximumTimestamp).contains(milliseconds) else {
      throw RecordError(
        field: field(key),
        message: "\"\(text.prefix(40))\" is not an ISO 8601 time with an offset between 1970 and 9999")
    }
    return milliseconds
  }

  /// The elements of an array of objects, each with its path.
  func objects(_ key: String) throws(RecordError) -> [DiscordFields] {
    guard let value = value(key) else { return [] }
    guard case .array(let elements) = value else {
      throw RecordError(field: field(key), message: "expected an array, found \(value.typeName)")
    }
    var result: [DiscordFields] = []
    result.reserveCapacity(elements.count)
    for (index, element) in elements.enumerated() {
      result.append(try DiscordFields(element, path: "\(field(key))[\(index)]"))
    }
    return result
  }

  func nested(_ key: String) throws(RecordError) -> DiscordFields? {
    guard let value = value(key) else { return nil }
    return try DiscordFields(value, path: field(key))
  }
}

/// The start of a value's JSON text, for an error message.
private func snippet(_ value: JSONValue) -> String {
  String(decoding: JSONWriter.serialize(value).prefix(40), as: UTF8.self)
}
