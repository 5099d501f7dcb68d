/// Where a forwarded message came from, as far as the source says.
public struct ForwardOrigin: Sendable, Hashable {
  /// The original sender's or channel's name as the service showed it.
  public var name: String?
  /// The original sender's or channel's id.
  public var id: Identifier?
  /// When the original was sent, UTC milliseconds.
  public var timestamp: Int64?

  public init(name: String? = nil, id: Identifier? = nil, timestamp: Int64? = nil) {
    self.name = name
    self.id = id
    self.timestamp = timestamp
  }

  public var isEmpty: Bool { name == nil && id == nil && timestamp == nil }
}
