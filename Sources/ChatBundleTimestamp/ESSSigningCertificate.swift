import SwiftASN1
import X509

/// The ESS attribute that binds a CMS signature to one certificate (RFC 2634 §5.4,
/// RFC 5035 §3), so that a certificate with the same key but other contents cannot be
/// put in the signer's place:
///
///     SigningCertificate   ::= SEQUENCE { certs SEQUENCE OF ESSCertID, policies … OPTIONAL }
///     ESSCertID            ::= SEQUENCE { certHash OCTET STRING, -- SHA-1
///                                         issuerSerial IssuerSerial OPTIONAL }
///     SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2, policies … OPTIONAL }
///     ESSCertIDv2          ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier DEFAULT sha256,
///                                         certHash OCTET STRING,
///                                         issuerSerial IssuerSerial OPTIONAL }
///     IssuerSerial         ::= SEQUENCE { issuer GeneralNames, serialNumber INTEGER }
struct ESSSigningCertificate: Sendable {
  struct CertificateID: Sendable {
    let algorithm: DigestAlgorithm
    let hash: [UInt8]
    let issuer: [GeneralName]?
    let serial: [UInt8]?
  }

  /// The first names the signer's certificate.
  let certificates: [CertificateID]

  /// Reads the attribute value; `version2` for signingCertificateV2.
  init(derEncoded node: ASN1Node, version2: Bool) throws {
    certificates = try DER.sequence(node, identifier: .sequence) { nodes in
      let list = try DERField.next(&nodes, "the signing certificate list")
      // The policies, if any, restrict what the certificate may be used for; chatbundle
      // accepts a token whose signer certificate is otherwise fit.
      _ = nodes.next()
      guard nodes.next() == nil else {
        throw TimestampError.malformed("the signing-certificate attribute has extra fields")
      }
      return try DER.sequence(list, identifier: .sequence) { entries in
        var result: [CertificateID] = []
        while let entry = entries.next() { result.append(try Self.certificateID(entry, version2: version2)) }
        return result
      }
    }
    guard !certificates.isEmpty else {
      throw TimestampError.malformed("the signing-certificate attribute names no certificate")
    }
  }

  private static func certificateID(_ node: ASN1Node, version2: Bool) throws -> CertificateID {
    try DER.sequence(node, identifier: .sequence) { fields in
      var algorithm = version2 ? DigestAlgorithm.sha256 : .sha1
      var next = try DERField.next(&fields, "the certificate hash")
      if version2 && next.identifier == .sequence {
        let oid = try DERField.digestAlgorithm(next, "the certificate hash algorithm")
        guard let known = DigestAlgorithm(oid) else {
          throw TimestampError.malformed("the signing-certificate attribute uses an unknown hash \(oid)")
        }
        algorithm = known
        next = try DERField.next(&fields, "the certificate hash")
      }
      let hash = try DERField.octets(next, "the certificate hash")
      var issuer: [GeneralName]?
      var serial: [UInt8]?
      if let issuerSerial = fields.next() {
        (issuer, serial) = try DER.sequence(issuerSerial, identifier: .sequence) { parts in
          let names = try DER.sequence(of: GeneralName.self, identifier: .sequence, nodes: &parts)
          let serial = try DERField.integerBytes(try DERField.next(&parts, "the issuer serial"), "the issuer serial")
          return (names, serial)
        }
      }
      guard fields.next() == nil else { throw TimestampError.malformed("a signing-certificate entry has extra fields") }
      return CertificateID(algorithm: algorithm, hash: hash, issuer: issuer, serial: serial)
    }
  }
}
