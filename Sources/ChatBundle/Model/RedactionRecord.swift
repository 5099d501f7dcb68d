/// One change a redaction made to a message (spec §8.12, since 1.5), stored in the
/// message's own `redactions`, so that the log travels with the message through a slice
/// or a merge of the redacted bundle.
///
/// The record says where the change is and why, and commits to what was removed without
/// revealing it: `commitment` is SHA-256 of a secret salt followed by the removed bytes.
/// Whoever holds the salts file can later prove to someone entitled to the original what
/// was there; nobody else can test guesses, not even for short numbers.
public struct RedactionRecord: Sendable, Hashable {
  /// Where the removed value was in the parent's line, as an RFC 6901 JSON pointer; empty
  /// when the whole message was replaced by a marker.
  public var path: String
  /// For a span of a string: its first byte and its length, in the string's UTF-8 bytes
  /// as the parent held it. Nil when the value at `path` was removed whole.
  public var span: Span?
  public var reason: String
  /// SHA-256 (64 lowercase hex digits) of the salt followed by what was removed.
  public var commitment: String

  public struct Span: Sendable, Hashable {
    public var start: Int64
    public var length: Int64

    public init(start: Int64, length: Int64) {
      self.start = start
      self.length = length
    }
  }

  public init(path: String, span: Span? = nil, reason: String, commitment: String) {
    self.path = path
    self.span = span
    self.reason = reason
    self.commitment = commitment
  }

  /// Whether the record replaces the whole message.
  public var isWholeMessage: Bool { path.isEmpty }

  /// Where the record is, as reports name it.
  public var place: String { isWholeMessage ? "the whole message" : path }

  public func jsonValue() -> JSONValue {
    var object = JSONObject()
    object.append("path", path)
    object.append("at", span?.start)
    object.append("bytes", span?.length)
    object.append("reason", reason)
    object.append("commitment", commitment)
    return .object(object)
  }

  init(_ fields: FieldReader) throws(RecordError) {
    let path = try fields.requiredString("path")
    let start = try fields.integer("at", in: 0...Int64(Int32.max))
    let length = try fields.integer("bytes", in: 1...Int64(Int32.max))
    guard (start == nil) == (length == nil) else {
      throw RecordError(field: fields.prefix, message: "needs both at and bytes, or neither")
    }
    let reason = try fields.requiredString("reason")
    guard !reason.isEmpty else { throw RecordError(field: fields.path("reason"), message: "must not be empty") }
    let commitment = try fields.requiredString("commitment")
    guard SHA256Digest.isValidHex(commitment) else {
      throw RecordError(field: fields.path("commitment"), message: "must be 64 lowercase hex digits")
    }
    self.init(
      path: path, span: start.flatMap { start in length.map { Span(start: start, length: $0) } }, reason: reason,
      commitment: commitment)
  }
}
