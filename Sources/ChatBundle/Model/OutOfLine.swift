/// An optional value kept out of line, behind one pointer: for the large, rarely present
/// members of the model (media references, forwarded histories), so that the structs that
/// hold them stay small to copy, which every message is, several times on its way from
/// the parser to a consumer.
@propertyWrapper
public struct OutOfLine<Value: Sendable & Hashable>: Sendable, Hashable {
  private final class Box: Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
  }

  private var box: Box?

  public init(wrappedValue: Value?) { box = wrappedValue.map(Box.init) }

  public var wrappedValue: Value? {
    get { box?.value }
    set { box = newValue.map(Box.init) }
  }

  public static func == (lhs: OutOfLine, rhs: OutOfLine) -> Bool { lhs.wrappedValue == rhs.wrappedValue }

  public func hash(into hasher: inout Hasher) { hasher.combine(wrappedValue) }
}
