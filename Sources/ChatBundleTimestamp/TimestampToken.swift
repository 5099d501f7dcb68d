import SwiftASN1
import X509

/// A `TimeStampToken` (RFC 3161 §2.4.2): a CMS ContentInfo holding SignedData whose
/// encapsulated content is a DER `TSTInfo` (eContentType id-ct-TSTInfo), signed by the TSA
/// alone.
///
///     SignedData ::= SEQUENCE {
///       version          CMSVersion,
///       digestAlgorithms DigestAlgorithmIdentifiers,
///       encapContentInfo EncapsulatedContentInfo,
///       certificates     [0] IMPLICIT CertificateSet OPTIONAL,
///       crls             [1] IMPLICIT RevocationInfoChoices OPTIONAL,
///       signerInfos      SignerInfos }
///
/// Reading it checks only its form; `TimestampVerifier` checks what it says.
public struct TimestampToken: Sendable {
  public let der: [UInt8]
  public let eContentType: ASN1ObjectIdentifier
  /// The TSTInfo's DER, exactly as signed.
  public let content: [UInt8]
  public let info: TSTInfo
  /// The certificates the token carries, DER.
  public let certificates: [[UInt8]]
  let signer: TimestampSignerInfo

  public init(derEncoded bytes: [UInt8]) throws(TimestampError) {
    let root = try DERField.parse(bytes, "the token")
    let parsed: (ASN1ObjectIdentifier, [UInt8], [[UInt8]], TimestampSignerInfo) = try DERField.read("the token") {
      try DER.sequence(root, identifier: .sequence) { nodes in
        let contentType = try ASN1ObjectIdentifier(derEncoded: try DERField.next(&nodes, "the token's content type"))
        guard contentType == TimestampOID.signedData else {
          throw TimestampError.malformed("the token is not CMS SignedData (content type \(contentType))")
        }
        let signedData = try DER.explicitlyTagged(
          try DERField.next(&nodes, "the token's content"), tagNumber: 0, tagClass: .contextSpecific
        ) { $0 }
        guard nodes.next() == nil else { throw TimestampError.malformed("the token has unexpected fields") }
        return try Self.readSignedData(signedData)
      }
    }
    der = bytes
    (eContentType, content, certificates, signer) = parsed
    guard eContentType == TimestampOID.tstInfo else {
      throw .malformed("the token's content is not a TSTInfo (eContentType \(eContentType))")
    }
    info = try TSTInfo(derEncoded: content)
  }

  private static func readSignedData(
    _ node: ASN1Node
  ) throws -> (ASN1ObjectIdentifier, [UInt8], [[UInt8]], TimestampSignerInfo) {
    try DER.sequence(node, identifier: .sequence) { nodes in
      _ = try DERField.smallInteger(
        try DERField.next(&nodes, "the SignedData version"), "the SignedData version", in: 0...5)
      let digestSet = try DERField.next(&nodes, "the digest algorithms")
      guard digestSet.identifier == .set else { throw TimestampError.malformed("the digest algorithms are not a SET") }
      let encapsulated = try DERField.next(&nodes, "the encapsulated content")
      let (eContentType, eContent) = try DER.sequence(encapsulated, identifier: .sequence) { fields in
        let type = try ASN1ObjectIdentifier(derEncoded: try DERField.next(&fields, "the eContentType"))
        guard let wrapped = fields.next() else { throw TimestampError.malformed("the token has no eContent") }
        let content = try DER.explicitlyTagged(wrapped, tagNumber: 0, tagClass: .contextSpecific) {
          try DERField.octets($0, "the eContent")
        }
        guard fields.next() == nil else { throw TimestampError.malformed("the encapsulated content has extra fields") }
        return (type, content)
      }
      var next = try DERField.next(&nodes, "the signer infos")
      var certificates: [[UInt8]] = []
      if next.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) {
        guard case .constructed(let choices) = next.content else {
          throw TimestampError.malformed("the token's certificates are malformed")
        }
        // Only plain certificates (a SEQUENCE); the other CertificateChoices are skipped.
        for choice in choices where choice.identifier == .sequence { certificates.append(Array(choice.encodedBytes)) }
        next = try DERField.next(&nodes, "the signer infos")
      }
      if next.identifier == ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific) {
        next = try DERField.next(&nodes, "the signer infos")
      }
      guard next.identifier == .set, case .constructed(let signers) = next.content else {
        throw TimestampError.malformed("the signer infos are not a SET")
      }
      let infos = try signers.map { try TimestampSignerInfo(derEncoded: $0) }
      guard infos.count == 1, let signer = infos.first else {
        throw TimestampError.malformed("the token has \(infos.count) signers; a timestamp has exactly one, the TSA")
      }
      guard nodes.next() == nil else { throw TimestampError.malformed("the SignedData has unexpected fields") }
      return (eContentType, eContent, certificates, signer)
    }
  }
}
