import Crypto
import SwiftASN1

/// A hash a timestamp may name: SHA-1 only where ESS requires it (the signing-certificate
/// attribute), the SHA-2 family everywhere.
enum DigestAlgorithm: Sendable, Equatable {
  case sha1, sha256, sha384, sha512

  init?(_ oid: ASN1ObjectIdentifier) {
    switch oid {
    case TimestampOID.sha1: self = .sha1
    case TimestampOID.sha256: self = .sha256
    case TimestampOID.sha384: self = .sha384
    case TimestampOID.sha512: self = .sha512
    default: return nil
    }
  }

  var name: String {
    switch self {
    case .sha1: "SHA-1"
    case .sha256: "SHA-256"
    case .sha384: "SHA-384"
    case .sha512: "SHA-512"
    }
  }

  func digest(_ bytes: some Sequence<UInt8>) -> [UInt8] {
    let data = Array(bytes)
    switch self {
    case .sha1: return Array(Insecure.SHA1.hash(data: data))
    case .sha256: return Array(SHA256.hash(data: data))
    case .sha384: return Array(SHA384.hash(data: data))
    case .sha512: return Array(SHA512.hash(data: data))
    }
  }
}
