import Crypto
import SwiftASN1

/// An RFC 3161 `TimeStampReq` for a bundle id:
///
///     TimeStampReq ::= SEQUENCE {
///       version        INTEGER { v1(1) },
///       messageImprint MessageImprint,
///       reqPolicy      TSAPolicyId OPTIONAL,
///       nonce          INTEGER OPTIONAL,
///       certReq        BOOLEAN DEFAULT FALSE,
///       extensions     [0] IMPLICIT Extensions OPTIONAL }
///
/// chatbundle always sends a 64-bit random nonce and certReq TRUE, so that the token
/// carries the TSA's certificate.
public struct TimestampRequest: Sendable, Equatable {
  public let imprint: MessageImprint
  /// The nonce's DER INTEGER content bytes (positive, minimal).
  public let nonce: [UInt8]?
  public let certificateRequested: Bool
  public let policy: ASN1ObjectIdentifier?

  /// A request for `bundleID` with a fresh random nonce.
  public init(bundleID: String, policy: String? = nil) throws(TimestampError) {
    guard let imprint = MessageImprint(bundleID: bundleID) else {
      throw .unusable("\(bundleID) is not a bundle id (64 lowercase hex digits)")
    }
    var policyID: ASN1ObjectIdentifier?
    if let policy {
      do {
        policyID = try ASN1ObjectIdentifier(dotRepresentation: policy)
      } catch {
        throw .unusable("the policy \(policy) is not an object identifier (like 1.2.3.4)")
      }
    }
    // 8 bytes, the first 0x01...0x7F: positive and minimal as it stands.
    var generator = SystemRandomNumberGenerator()
    var bytes = (0..<8).map { _ in UInt8.random(in: 0...255, using: &generator) }
    bytes[0] = UInt8.random(in: 1...0x7F, using: &generator)
    self.init(imprint: imprint, nonce: bytes, certificateRequested: true, policy: policyID)
  }

  init(imprint: MessageImprint, nonce: [UInt8]?, certificateRequested: Bool, policy: ASN1ObjectIdentifier?) {
    self.imprint = imprint
    self.nonce = nonce
    self.certificateRequested = certificateRequested
    self.policy = policy
  }

  /// Reads a request (a `.tsq` file, ours or openssl's).
  public init(derEncoded bytes: [UInt8]) throws(TimestampError) {
    let root = try DERField.parse(bytes, "the query")
    self = try DERField.read("the query") {
      try DER.sequence(root, identifier: .sequence) { nodes in
        let version = try DERField.smallInteger(
          try DERField.next(&nodes, "the query's version"), "the query's version", in: 0...1000)
        guard version == 1 else { throw TimestampError.malformed("the query is version \(version), not 1") }
        let imprint = try MessageImprint(derEncoded: try DERField.next(&nodes, "the query's imprint"))
        var node = nodes.next()
        var policy: ASN1ObjectIdentifier?
        if let current = node, current.identifier == .objectIdentifier {
          policy = try ASN1ObjectIdentifier(derEncoded: current)
          node = nodes.next()
        }
        var nonce: [UInt8]?
        if let current = node, current.identifier == .integer {
          nonce = try DERField.integerBytes(current, "the query's nonce")
          node = nodes.next()
        }
        var certificateRequested = false
        if let current = node, current.identifier == .boolean {
          certificateRequested = try Bool(derEncoded: current)
          node = nodes.next()
        }
        if let current = node, current.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) {
          node = nodes.next()
        }
        guard node == nil else { throw TimestampError.malformed("the query has unexpected fields") }
        return TimestampRequest(
          imprint: imprint, nonce: nonce, certificateRequested: certificateRequested, policy: policy)
      }
    }
  }

  /// The DER bytes to send (`application/timestamp-query`).
  public var derBytes: [UInt8] {
    var coder = DER.Serializer()
    // Serializing integers, OIDs and octet strings we made cannot fail; an empty array
    // would only be sent if it did, and a TSA refuses that.
    try? coder.appendConstructedNode(identifier: .sequence) { coder in
      try coder.serialize(1)
      try imprint.serialize(into: &coder)
      if let policy { try coder.serialize(policy) }
      if let nonce { coder.appendPrimitiveNode(identifier: .integer) { $0.append(contentsOf: nonce) } }
      if certificateRequested { try coder.serialize(true) }
    }
    return coder.serializedBytes
  }

  /// The nonce as openssl prints it: `0x` and hex digits.
  public var nonceText: String? { nonce.map { "0x" + DERField.hex($0).uppercased() } }
}
