import Crypto
import Foundation

/// A record that travels with a bundle in a trailing gzip member (`GzipAttachment`,
/// spec §3.1): a signature, a trusted timestamp, or a kind a later version defines. None
/// of them is part of the bundle or of its id; each names the bundle id it is about.
public enum BundleAttachment: Sendable, Equatable {
  case signature(BundleSignature)
  case timestamp(TimestampRecord)
  /// A record of a type this version does not know.
  case unknown(type: String)

  /// Reads a record; nil with a reason when it is not one.
  public static func decode(_ bytes: [UInt8]) -> Result<BundleAttachment, ProvenanceError> {
    guard let fields = (try? JSONParser.parse(bytes))?.objectValue, let type = fields["type"]?.stringValue else {
      return .failure(.record("an attachment is not a JSON object with a \"type\""))
    }
    switch type {
    case BundleSignature.type: return BundleSignature.read(fields).map(BundleAttachment.signature)
    case TimestampRecord.type: return TimestampRecord.read(fields).map(BundleAttachment.timestamp)
    default: return .success(.unknown(type: type))
    }
  }

  public var bytes: [UInt8] {
    switch self {
    case .signature(let signature): JSONWriter.serialize(signature.jsonValue())
    case .timestamp(let timestamp): JSONWriter.serialize(timestamp.jsonValue())
    case .unknown(let type): JSONWriter.serialize(.object(JSONObject(["type": .string(type)])))
    }
  }
}

/// An Ed25519 signature over a bundle id.
public struct BundleSignature: Sendable, Equatable {
  static let type = "signature"
  public let bundleID: String
  public let publicKey: PublicSigningKey
  public let signature: [UInt8]

  /// What is signed: a fixed prefix and the bundle id, the SHA-256 of the manifest's exact
  /// bytes, which lists the size and SHA-256 of every other file.
  static func message(for bundleID: String) -> [UInt8] { Array(("chatbundle-signature-v1:" + bundleID).utf8) }

  public init(signing bundleID: String, with key: SigningKey) throws {
    self.bundleID = bundleID
    publicKey = key.publicKey
    signature = try key.signature(for: Self.message(for: bundleID))
  }

  /// Whether the signature was made by `publicKey` over `bundleID`, and that is the id of
  /// the bundle it travels with.
  public func isValid(for actualBundleID: String) -> Bool {
    guard bundleID == actualBundleID,
      let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey.rawRepresentation)
    else { return false }
    return key.isValidSignature(signature, for: Self.message(for: bundleID))
  }

  func jsonValue() -> JSONValue {
    var object = JSONObject()
    object.append("type", Self.type)
    object.append("version", 1)
    object.append("bundle_id", bundleID)
    object.append("algorithm", "ed25519")
    object.append("public_key", Data(publicKey.rawRepresentation).base64EncodedString())
    object.append("name", publicKey.name)
    object.append("signature", Data(signature).base64EncodedString())
    return .object(object)
  }

  static func read(_ fields: JSONObject) -> Result<BundleSignature, ProvenanceError> {
    guard fields["version"]?.int64Value == 1, fields["algorithm"]?.stringValue == "ed25519",
      let bundleID = fields["bundle_id"]?.stringValue, SHA256Digest.isValidHex(bundleID),
      let keyText = fields["public_key"]?.stringValue, let key = Data(base64Encoded: keyText), key.count == 32,
      let signatureText = fields["signature"]?.stringValue, let signature = Data(base64Encoded: signatureText),
      signature.count == 64
    else { return .failure(.record("a signature record needs version 1, ed25519, bundle_id, public_key, signature")) }
    return .success(
      BundleSignature(
        bundleID: bundleID, publicKey: PublicSigningKey(key, name: fields["name"]?.stringValue),
        signature: Array(signature)))
  }

  private init(bundleID: String, publicKey: PublicSigningKey, signature: [UInt8]) {
    self.bundleID = bundleID
    self.publicKey = publicKey
    self.signature = signature
  }
}

/// An RFC 3161 timestamp token over a bundle id, with the certificates needed to check it
/// offline later. Checking it is `ChatBundleTimestamp`'s work.
public struct TimestampRecord: Sendable, Equatable {
  static let type = "timestamp"
  public let bundleID: String
  /// The DER `TimeStampToken` (a CMS ContentInfo).
  public let token: [UInt8]
  /// DER certificates the token's signer chains through, stored beside it.
  public let certificates: [[UInt8]]

  public init(bundleID: String, token: [UInt8], certificates: [[UInt8]]) {
    self.bundleID = bundleID
    self.token = token
    self.certificates = certificates
  }

  /// The message imprint a token for this bundle must carry: the bundle id's 32 bytes.
  public static func imprint(of bundleID: String) -> [UInt8]? {
    guard SHA256Digest.isValidHex(bundleID) else { return nil }
    var bytes: [UInt8] = []
    var iterator = bundleID.utf8.makeIterator()
    while let high = iterator.next(), let low = iterator.next() {
      func value(_ digit: UInt8) -> UInt8 { digit >= 0x61 ? digit - 0x61 + 10 : digit - 0x30 }
      bytes.append(value(high) << 4 | value(low))
    }
    return bytes
  }

  func jsonValue() -> JSONValue {
    var object = JSONObject()
    object.append("type", Self.type)
    object.append("version", 1)
    object.append("bundle_id", bundleID)
    object.append("imprint", "sha256")
    object.append("token", Data(token).base64EncodedString())
    object.append("certificates", JSONValue.array(certificates.map { .string(Data($0).base64EncodedString()) }))
    return .object(object)
  }

  static func read(_ fields: JSONObject) -> Result<TimestampRecord, ProvenanceError> {
    guard fields["version"]?.int64Value == 1, fields["imprint"]?.stringValue == "sha256",
      let bundleID = fields["bundle_id"]?.stringValue, SHA256Digest.isValidHex(bundleID),
      let tokenText = fields["token"]?.stringValue, let token = Data(base64Encoded: tokenText)
    else { return .failure(.record("a timestamp record needs version 1, sha256, bundle_id and token")) }
    var certificates: [[UInt8]] = []
    for element in fields["certificates"]?.arrayValue ?? [] {
      guard let text = element.stringValue, let der = Data(base64Encoded: text) else {
        return .failure(.record("a timestamp record's certificates are base64 DER"))
      }
      certificates.append(Array(der))
    }
    return .success(TimestampRecord(bundleID: bundleID, token: Array(token), certificates: certificates))
  }
}
