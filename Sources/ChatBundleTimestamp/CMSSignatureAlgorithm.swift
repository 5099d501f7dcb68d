import SwiftASN1
import X509

/// The X.509 signature algorithm a CMS signer's (digestAlgorithm, signatureAlgorithm)
/// pair means: CMS may name RSA or EC keys alone (rsaEncryption, id-ecPublicKey) and leave
/// the hash to the digest algorithm, or name both, which must then agree.
enum CMSSignatureAlgorithm {
  static func resolve(
    digest: ASN1ObjectIdentifier, signature: ASN1ObjectIdentifier
  ) throws(TimestampError) -> Certificate.SignatureAlgorithm {
    guard let hash = DigestAlgorithm(digest), hash != .sha1 else {
      throw .mismatch("the signer's digest algorithm \(digest) is not accepted (SHA-256, SHA-384 or SHA-512)")
    }
    let rsa: [DigestAlgorithm: Certificate.SignatureAlgorithm] = [
      .sha256: .sha256WithRSAEncryption, .sha384: .sha384WithRSAEncryption, .sha512: .sha512WithRSAEncryption,
    ]
    let ecdsa: [DigestAlgorithm: Certificate.SignatureAlgorithm] = [
      .sha256: .ecdsaWithSHA256, .sha384: .ecdsaWithSHA384, .sha512: .ecdsaWithSHA512,
    ]
    let named: [ASN1ObjectIdentifier: (DigestAlgorithm, Certificate.SignatureAlgorithm)] = [
      TimestampOID.sha256WithRSA: (.sha256, .sha256WithRSAEncryption),
      TimestampOID.sha384WithRSA: (.sha384, .sha384WithRSAEncryption),
      TimestampOID.sha512WithRSA: (.sha512, .sha512WithRSAEncryption),
      TimestampOID.ecdsaWithSHA256: (.sha256, .ecdsaWithSHA256),
      TimestampOID.ecdsaWithSHA384: (.sha384, .ecdsaWithSHA384),
      TimestampOID.ecdsaWithSHA512: (.sha512, .ecdsaWithSHA512),
    ]
    switch signature {
    case TimestampOID.rsaEncryption:
      if let algorithm = rsa[hash] { return algorithm }
    case TimestampOID.ecPublicKey:
      if let algorithm = ecdsa[hash] { return algorithm }
    case TimestampOID.ed25519:
      return .ed25519
    case TimestampOID.rsassaPSS:
      throw .mismatch("the TSA signs with RSASSA-PSS, which this version does not check")
    default:
      if let (named, algorithm) = named[signature] {
        guard named == hash else {
          throw .mismatch(
            "the signer's digest algorithm (\(hash.name)) and signature algorithm (\(signature)) disagree")
        }
        return algorithm
      }
    }
    throw .mismatch("the signature algorithm \(signature) is not supported")
  }
}
