import Crypto
import Foundation
import SwiftASN1
import X509

/// Timestamp tokens made in Swift, for what openssl refuses to sign with: a TSA
/// certificate without the timeStamping usage, or with it not critical. The token wraps a
/// TSTInfo taken from a real one in SignedData signed by a P-256 key of the forge's own,
/// with the attributes RFC 3161 asks for (content type, message digest,
/// signingCertificateV2), so that only the certificate differs from a good token.
struct TokenForge {
  let rootKey = P256.Signing.PrivateKey()
  let root: Certificate
  let rootDER: [UInt8]

  init() throws {
    let name = try DistinguishedName { CommonName("Forge Root") }
    root = try Certificate(
      version: .v3, serialNumber: .init(), publicKey: .init(rootKey.publicKey),
      notValidBefore: Date().addingTimeInterval(-86_400), notValidAfter: Date().addingTimeInterval(365 * 86_400),
      issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
      extensions: try Certificate.Extensions {
        Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
        Critical(KeyUsage(keyCertSign: true))
      }, issuerPrivateKey: .init(rootKey))
    rootDER = try Self.der(root)
  }

  enum Usage { case criticalTimeStamping, nonCriticalTimeStamping, codeSigning, none }

  /// A TSA certificate with `usage` and its key.
  func tsa(_ usage: Usage) throws -> (certificate: Certificate, der: [UInt8], key: P256.Signing.PrivateKey) {
    let key = P256.Signing.PrivateKey()
    let extensions: Certificate.Extensions
    switch usage {
    case .criticalTimeStamping:
      extensions = try Certificate.Extensions { Critical(try ExtendedKeyUsage([.timeStamping])) }
    case .nonCriticalTimeStamping:
      extensions = try Certificate.Extensions { try ExtendedKeyUsage([.timeStamping]) }
    case .codeSigning:
      extensions = try Certificate.Extensions { Critical(try ExtendedKeyUsage([.codeSigning])) }
    case .none:
      extensions = Certificate.Extensions()
    }
    let certificate = try Certificate(
      version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey),
      notValidBefore: Date().addingTimeInterval(-3600), notValidAfter: Date().addingTimeInterval(86_400),
      issuer: root.subject, subject: try DistinguishedName { CommonName("Forged TSA") },
      signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions, issuerPrivateKey: .init(rootKey))
    return (certificate, try Self.der(certificate), key)
  }

  /// A token over `tstInfo` (DER) signed by `signer`.
  func token(
    over tstInfo: [UInt8], signer: (certificate: Certificate, der: [UInt8], key: P256.Signing.PrivateKey)
  ) throws -> [UInt8] {
    let tstInfoOID: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 9, 16, 1, 4]
    let sha256: ASN1ObjectIdentifier = [2, 16, 840, 1, 101, 3, 4, 2, 1]
    var attributes = DER.Serializer()
    try attributes.appendConstructedNode(identifier: .set) { coder in
      try Self.attribute(&coder, [1, 2, 840, 113_549, 1, 9, 3]) { try $0.serialize(tstInfoOID) }
      try Self.attribute(&coder, [1, 2, 840, 113_549, 1, 9, 4]) {
        try $0.serialize(ASN1OctetString(contentBytes: Array(SHA256.hash(data: tstInfo))[...]))
      }
      try Self.attribute(&coder, [1, 2, 840, 113_549, 1, 9, 16, 2, 47]) { coder in
        try coder.appendConstructedNode(identifier: .sequence) { coder in
          try coder.appendConstructedNode(identifier: .sequence) { coder in
            try coder.appendConstructedNode(identifier: .sequence) { coder in
              try coder.serialize(ASN1OctetString(contentBytes: Array(SHA256.hash(data: signer.der))[...]))
            }
          }
        }
      }
    }
    let signedAttributes = attributes.serializedBytes
    let signature = try signer.key.signature(for: signedAttributes).derRepresentation
    var coder = DER.Serializer()
    try coder.appendConstructedNode(identifier: .sequence) { coder in
      try coder.serialize([1, 2, 840, 113_549, 1, 7, 2] as ASN1ObjectIdentifier)
      try coder.serialize(explicitlyTaggedWithTagNumber: 0, tagClass: .contextSpecific) { coder in
        try coder.appendConstructedNode(identifier: .sequence) { coder in
          try coder.serialize(3)
          try coder.appendConstructedNode(identifier: .set) { coder in
            try coder.appendConstructedNode(identifier: .sequence) { try $0.serialize(sha256) }
          }
          try coder.appendConstructedNode(identifier: .sequence) { coder in
            try coder.serialize(tstInfoOID)
            try coder.serialize(explicitlyTaggedWithTagNumber: 0, tagClass: .contextSpecific) { coder in
              try coder.serialize(ASN1OctetString(contentBytes: tstInfo[...]))
            }
          }
          try coder.appendConstructedNode(identifier: ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)) {
            coder in
            try coder.serialize(signer.certificate)
          }
          try coder.appendConstructedNode(identifier: .set) { coder in
            try coder.appendConstructedNode(identifier: .sequence) { coder in
              try coder.serialize(1)
              try coder.appendConstructedNode(identifier: .sequence) { coder in
                try coder.serialize(signer.certificate.issuer)
                try coder.serialize(signer.certificate.serialNumber.bytes)
              }
              try coder.appendConstructedNode(identifier: .sequence) { try $0.serialize(sha256) }
              // The signed attributes again, tagged [0] IMPLICIT instead of SET.
              var tagged = signedAttributes
              tagged[0] = 0xA0
              coder.serializeRawBytes(tagged)
              try coder.appendConstructedNode(identifier: .sequence) {
                try $0.serialize([1, 2, 840, 10_045, 4, 3, 2] as ASN1ObjectIdentifier)
              }
              try coder.serialize(ASN1OctetString(contentBytes: Array(signature)[...]))
            }
          }
        }
      }
    }
    return coder.serializedBytes
  }

  private static func attribute(
    _ coder: inout DER.Serializer, _ type: ASN1ObjectIdentifier, _ value: (inout DER.Serializer) throws -> Void
  ) throws {
    try coder.appendConstructedNode(identifier: .sequence) { coder in
      try coder.serialize(type)
      try coder.appendConstructedNode(identifier: .set) { try value(&$0) }
    }
  }

  static func der(_ certificate: Certificate) throws -> [UInt8] {
    var coder = DER.Serializer()
    try coder.serialize(certificate)
    return coder.serializedBytes
  }
}
