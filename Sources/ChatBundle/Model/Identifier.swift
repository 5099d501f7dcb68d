/// A message, conversation, user or platform id: text that compares, hashes and sorts as
/// its exact UTF-8 bytes (spec §6.1).
///
/// Swift's `String` compares by canonical equivalence, so `"café"` written with U+00E9 and
/// with `e` + U+0301 are equal as strings. They are two different ids in a bundle, and a
/// verifier, a writer or a site that took them for one would merge two conversations or
/// pass a message filed under the wrong one. Every id in the model is therefore this type,
/// and dictionaries and sets of ids are keyed by it, never by `String`.
public struct Identifier: Sendable, Hashable, Comparable, CustomStringConvertible, ExpressibleByStringLiteral {
  public static let maximumBytes = 512

  /// The id as text, for display and for writing; never compare it as a `String`.
  public let text: String

  /// Wraps text without checking it; `problem(_:)` says whether it may stand in a bundle.
  public init(_ text: String) { self.text = text }

  public init(stringLiteral value: String) { self.init(value) }

  /// The id, or a description of why `text` cannot be one.
  public static func validated(_ text: String) -> Result<Identifier, RecordError> {
    if let problem = problem(text) { return .failure(RecordError(field: "", message: problem)) }
    return .success(Identifier(text))
  }

  /// The id when `text` is acceptable as one, nil otherwise.
  public static func ifValid(_ text: String?) -> Identifier? {
    guard let text, problem(text) == nil else { return nil }
    return Identifier(text)
  }

  /// Why `text` is not acceptable as an id, or nil when it is: ids are non-empty, at most
  /// 512 bytes of UTF-8, with no C0 control character and no DEL.
  public static func problem(_ text: String) -> String? {
    if text.isEmpty { return "must not be empty" }
    if text.utf8.count > maximumBytes { return "is longer than \(maximumBytes) bytes" }
    // Control characters are single bytes in UTF-8, and no other character's bytes are
    // below 0x80, so the bytes tell without decoding.
    if Identifier(text).withBytes({ bytes in bytes.contains { $0 < 0x20 || $0 == 0x7F } }) {
      return "contains a control character"
    }
    return nil
  }

  public var bytes: [UInt8] { Array(text.utf8) }

  public var description: String { text }

  /// Calls `body` with the id's UTF-8 bytes, without copying them for a native string.
  public func withBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
    if let result = try text.utf8.withContiguousStorageIfAvailable(body) { return result }
    var copy = text
    return try copy.withUTF8(body)
  }

  public static func == (lhs: Identifier, rhs: Identifier) -> Bool {
    lhs.text.utf8.count == rhs.text.utf8.count && lhs.withBytes { left in rhs.withBytes { left.elementsEqual($0) } }
  }

  public func hash(into hasher: inout Hasher) {
    withBytes { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
  }

  /// Bytewise order, the order of every sorted list of ids in a bundle.
  public static func < (lhs: Identifier, rhs: Identifier) -> Bool {
    lhs.withBytes { left in rhs.withBytes { right in left.lexicographicallyPrecedes(right) } }
  }
}

extension Identifier {
  /// `ids` sorted bytewise with repeats removed, as every list of ids in a bundle is.
  public static func sortedUnique(_ ids: some Sequence<Identifier>) -> [Identifier] {
    Array(Set(ids)).sorted()
  }
}
