import SwiftASN1

/// `Accuracy ::= SEQUENCE { seconds INTEGER OPTIONAL, millis [0] INTEGER (1..999) OPTIONAL,
/// micros [1] INTEGER (1..999) OPTIONAL }`: how far genTime may be from the true time.
public struct TimestampAccuracy: Sendable, Equatable {
  public let seconds: Int
  public let millis: Int
  public let micros: Int

  init(derEncoded node: ASN1Node) throws {
    (seconds, millis, micros) = try DER.sequence(node, identifier: .sequence) { nodes in
      var seconds = 0
      var millis = 0
      var micros = 0
      var node = nodes.next()
      if let current = node, current.identifier == .integer {
        seconds = try DERField.smallInteger(current, "the accuracy's seconds", in: 0...Int(Int32.max))
        node = nodes.next()
      }
      if let current = node, current.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) {
        millis = try DERField.smallInteger(
          Self.retagged(current), "the accuracy's millis", in: 1...999)
        node = nodes.next()
      }
      if let current = node, current.identifier == ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific) {
        micros = try DERField.smallInteger(
          Self.retagged(current), "the accuracy's micros", in: 1...999)
        node = nodes.next()
      }
      guard node == nil else { throw TimestampError.malformed("the accuracy has unexpected fields") }
      return (seconds, millis, micros)
    }
  }

  /// An IMPLICIT [n] INTEGER read as an INTEGER.
  private static func retagged(_ node: ASN1Node) throws -> ASN1Node {
    guard case .primitive(let bytes) = node.content else {
      throw TimestampError.malformed("the accuracy is malformed")
    }
    var coder = DER.Serializer()
    coder.appendPrimitiveNode(identifier: .integer) { $0.append(contentsOf: bytes) }
    return try DER.parse(coder.serializedBytes)
  }

  /// `±1.000500 s`.
  public var description: String {
    let fraction = String(millis * 1000 + micros)
    return "±\(seconds).\(String(repeating: "0", count: 6 - fraction.count))\(fraction) s"
  }
}
