/// A shared place.
public struct Location: Sendable, Hashable {
  public var address: String?
  public var name: String?
  /// Degrees, as the source's number literal (kept exact).
  public var latitude: String
  public var longitude: String

  public init(address: String? = nil, name: String? = nil, latitude: String, longitude: String) {
    self.address = address
    self.name = name
    self.latitude = latitude
    self.longitude = longitude
  }
}
