import SwiftASN1
import X509

/// A CMS `SignerInfo` (RFC 5652 §5.3), as a timestamp token's one signer has it:
///
///     SignerInfo ::= SEQUENCE {
///       version            CMSVersion,
///       sid                SignerIdentifier,   -- IssuerAndSerialNumber | [0] SubjectKeyIdentifier
///       digestAlgorithm    DigestAlgorithmIdentifier,
///       signedAttrs        [0] IMPLICIT SignedAttributes OPTIONAL,
///       signatureAlgorithm SignatureAlgorithmIdentifier,
///       signature          SignatureValue,
///       unsignedAttrs      [1] IMPLICIT UnsignedAttributes OPTIONAL }
struct TimestampSignerInfo: Sendable {
  enum Identifier: Sendable {
    case issuerAndSerial(issuer: DistinguishedName, serial: [UInt8])
    case keyIdentifier([UInt8])
  }

  let identifier: Identifier
  let digestAlgorithm: ASN1ObjectIdentifier
  /// Each signed attribute's values, by type; a type given twice is refused when read.
  let signedAttributes: [ASN1ObjectIdentifier: [ASN1Node]]?
  /// What the signature covers: the signed attributes' DER with the SET OF tag (§5.4).
  let signedAttributesDER: [UInt8]
  let signatureAlgorithm: ASN1ObjectIdentifier
  let signatureParameters: ASN1Node?
  let signature: [UInt8]

  init(derEncoded node: ASN1Node) throws {
    let signedAttributesTag = ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)
    (
      identifier, digestAlgorithm, signedAttributes, signedAttributesDER, signatureAlgorithm, signatureParameters,
      signature
    ) =
      try DER.sequence(node, identifier: .sequence) { nodes in
        let version = try DERField.smallInteger(
          try DERField.next(&nodes, "the signer's version"), "the signer's version", in: 0...1000)
        let sid = try DERField.next(&nodes, "the signer's identifier")
        let identifier: Identifier
        switch sid.identifier {
        case .sequence:
          guard version == 1 else { throw TimestampError.malformed("the signer is version \(version), not 1") }
          identifier = try DER.sequence(sid, identifier: .sequence) { fields in
            let issuer = try DistinguishedName(derEncoded: try DERField.next(&fields, "the signer's issuer"))
            let serial = try DERField.integerBytes(
              try DERField.next(&fields, "the signer's serial"), "the signer's serial")
            return .issuerAndSerial(issuer: issuer, serial: serial)
          }
        case ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific):
          guard version == 3 else { throw TimestampError.malformed("the signer is version \(version), not 3") }
          guard case .primitive(let keyID) = sid.content else {
            throw TimestampError.malformed("the signer's key identifier is malformed")
          }
          identifier = .keyIdentifier(Array(keyID))
        default:
          throw TimestampError.malformed("the signer's identifier is neither issuer and serial nor a key identifier")
        }
        let digestAlgorithm = try DERField.digestAlgorithm(
          try DERField.next(&nodes, "the signer's digest algorithm"), "the signer's digest algorithm")
        var node = try DERField.next(&nodes, "the signer's signature algorithm")
        var attributes: [ASN1ObjectIdentifier: [ASN1Node]]?
        var attributesDER: [UInt8] = []
        if node.identifier == signedAttributesTag {
          guard case .constructed(let children) = node.content else {
            throw TimestampError.malformed("the signed attributes are malformed")
          }
          var found: [ASN1ObjectIdentifier: [ASN1Node]] = [:]
          for child in children {
            let (type, values) = try DER.sequence(child, identifier: .sequence) { fields in
              let type = try ASN1ObjectIdentifier(derEncoded: &fields)
              let set = try DERField.next(&fields, "an attribute's values")
              guard set.identifier == .set, case .constructed(let values) = set.content, fields.next() == nil else {
                throw TimestampError.malformed("a signed attribute is malformed")
              }
              return (type, Array(values))
            }
            guard found[type] == nil else {
              throw TimestampError.malformed("the signed attribute \(type) appears twice")
            }
            found[type] = values
          }
          attributes = found
          attributesDER = Array(node.encodedBytes)
          // [0] IMPLICIT (0xA0) becomes SET (0x31); the length and content stay.
          attributesDER[0] = 0x31
          node = try DERField.next(&nodes, "the signer's signature algorithm")
        }
        let (signatureAlgorithm, parameters) = try DERField.algorithm(node, "the signer's signature algorithm")
        let signature = try DERField.octets(try DERField.next(&nodes, "the signature"), "the signature")
        if let unsigned = nodes.next() {
          guard unsigned.identifier == ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific), nodes.next() == nil
          else { throw TimestampError.malformed("the signer has unexpected fields") }
        }
        return (identifier, digestAlgorithm, attributes, attributesDER, signatureAlgorithm, parameters, signature)
      }
  }

  /// The one value of a signed attribute; nil when absent, malformed when it has several.
  func attribute(_ type: ASN1ObjectIdentifier, _ what: String) throws -> ASN1Node? {
    guard let values = signedAttributes?[type] else { return nil }
    guard values.count == 1, let value = values.first else {
      throw TimestampError.malformed("the \(what) attribute has \(values.count) values, not 1")
    }
    return value
  }
}
