/// An RFC 6901 JSON pointer ("/source/raw/payload/bodies/0/msg"): where a redaction record
/// says a value was. Object members are found by their exact bytes and, since keys may
/// repeat only in lenient JSON, by their first occurrence, as `JSONObject` looks them up.
public struct JSONPointer: Sendable, Hashable, CustomStringConvertible {
  /// The unescaped reference tokens; empty for the whole document.
  public var tokens: [String]

  public init(tokens: [String]) { self.tokens = tokens }

  /// Parses the pointer's text; nil unless it is empty or starts with "/" and every "~" is
  /// followed by "0" or "1".
  public init?(_ text: String) {
    guard !text.isEmpty else {
      tokens = []
      return
    }
    guard text.utf8.first == UInt8(ascii: "/") else { return nil }
    var tokens: [String] = []
    for raw in text.utf8.dropFirst().split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) {
      var token: [UInt8] = []
      var iterator = raw.makeIterator()
      while let byte = iterator.next() {
        guard byte == UInt8(ascii: "~") else {
          token.append(byte)
          continue
        }
        switch iterator.next() {
        case UInt8(ascii: "0"): token.append(UInt8(ascii: "~"))
        case UInt8(ascii: "1"): token.append(UInt8(ascii: "/"))
        default: return nil
        }
      }
      tokens.append(String(decoding: token, as: UTF8.self))
    }
    self.tokens = tokens
  }

  public var description: String {
    tokens.map { "/" + $0.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1") }
      .joined()
  }

  public func appending(_ token: String) -> JSONPointer { JSONPointer(tokens: tokens + [token]) }

  /// The value the pointer names in `document`, or nil when there is none.
  public func value(in document: JSONValue) -> JSONValue? {
    var current = document
    for token in tokens {
      switch current {
      case .object(let object):
        guard let next = object.members.first(where: { $0.key.hasSameBytes(as: token) })?.value else { return nil }
        current = next
      case .array(let elements):
        guard let index = Self.arrayIndex(token), index < elements.count else { return nil }
        current = elements[index]
      default:
        return nil
      }
    }
    return current
  }

  /// Replaces the value the pointer names; false when there is none.
  public func replace(in document: inout JSONValue, with replacement: (JSONValue) throws -> JSONValue) rethrows
    -> Bool
  {
    try Self.replace(tokens[...], in: &document, with: replacement)
  }

  private static func replace(
    _ tokens: ArraySlice<String>, in value: inout JSONValue, with replacement: (JSONValue) throws -> JSONValue
  ) rethrows -> Bool {
    guard let token = tokens.first else {
      value = try replacement(value)
      return true
    }
    switch value {
    case .object(var object):
      guard let index = object.members.firstIndex(where: { $0.key.hasSameBytes(as: token) }) else { return false }
      value = .null  // so that the object is not copied while it is changed
      let found = try replace(tokens.dropFirst(), in: &object.members[index].value, with: replacement)
      value = .object(object)
      return found
    case .array(var elements):
      guard let index = arrayIndex(token), index < elements.count else { return false }
      value = .null
      let found = try replace(tokens.dropFirst(), in: &elements[index], with: replacement)
      value = .array(elements)
      return found
    default:
      return false
    }
  }

  /// "0" or a decimal without a leading zero, as RFC 6901 §4 allows.
  private static func arrayIndex(_ token: String) -> Int? {
    guard !token.isEmpty, token.utf8.count <= 9, token.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
      token == "0" || token.utf8.first != 0x30
    else { return nil }
    return Int(token)
  }
}
