import ChatBundle
import SwiftASN1

/// `MessageImprint ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier, hashedMessage OCTET
/// STRING }`. For a bundle the hash is SHA-256 and the hashed message is the bundle id's
/// 32 bytes: the id is already the SHA-256 of the manifest, so it is not hashed again.
public struct MessageImprint: Sendable, Equatable {
  public let algorithm: ASN1ObjectIdentifier
  public let hashedMessage: [UInt8]

  public init(algorithm: ASN1ObjectIdentifier, hashedMessage: [UInt8]) {
    self.algorithm = algorithm
    self.hashedMessage = hashedMessage
  }

  /// The imprint a token for `bundleID` must carry; nil when it is not a bundle id.
  public init?(bundleID: String) {
    guard let bytes = TimestampRecord.imprint(of: bundleID) else { return nil }
    self.init(algorithm: TimestampOID.sha256, hashedMessage: bytes)
  }

  init(derEncoded node: ASN1Node) throws {
    (algorithm, hashedMessage) = try DER.sequence(node, identifier: .sequence) { nodes in
      let algorithm = try DERField.digestAlgorithm(
        try DERField.next(&nodes, "the imprint's algorithm"), "the imprint's algorithm")
      let hashed = try DERField.octets(try DERField.next(&nodes, "the imprint's hash"), "the imprint's hash")
      return (algorithm, hashed)
    }
  }

  func serialize(into coder: inout DER.Serializer) throws {
    try coder.appendConstructedNode(identifier: .sequence) { coder in
      // SHA-256 with NULL parameters, as openssl and most TSAs send it.
      try coder.appendConstructedNode(identifier: .sequence) { coder in
        try coder.serialize(algorithm)
        try coder.serialize(ASN1Null())
      }
      try coder.serialize(ASN1OctetString(contentBytes: hashedMessage[...]))
    }
  }

  /// The algorithm by name (`SHA-256`), or its OID when it is not one of the known ones.
  public var algorithmName: String { DigestAlgorithm(algorithm)?.name ?? algorithm.description }
}
