/// An application-defined event: a name and key/value fields, and a file when the event
/// carries one (a WeCom call's recording).
public struct CustomEvent: Sendable, Hashable {
  public var event: String?
  /// Key/value pairs in source order. Messages only: a part has no member for them.
  public var fields: [KeyValue]
  /// Stored as the enclosing message's or part's `media`.
  @OutOfLine public var attachment: MediaReference?

  public init(event: String?, fields: [KeyValue], attachment: MediaReference? = nil) {
    self.event = event
    self.fields = fields
    self.attachment = attachment
  }
}

public struct KeyValue: Sendable, Hashable {
  public var key: String
  public var value: String
  public init(_ key: String, _ value: String) {
    self.key = key
    self.value = value
  }
}
