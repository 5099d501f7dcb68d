import Crypto
import Foundation

/// An Ed25519 key pair as chatbundle keeps it: the private key in a file only its owner
/// reads, the public key as small text a person can e-mail or print, with its fingerprint.
public struct SigningKey: Sendable {
  /// The 32-byte seed; the key is made from it when needed.
  private let seed: [UInt8]
  public let name: String?

  public init(name: String?) {
    seed = Array(Curve25519.Signing.PrivateKey().rawRepresentation)
    self.name = name
  }

  private var key: Curve25519.Signing.PrivateKey {
    // The seed was checked when the key was made or read.
    get throws { try Curve25519.Signing.PrivateKey(rawRepresentation: seed) }
  }

  public var publicKey: PublicSigningKey {
    PublicSigningKey((try? key.publicKey.rawRepresentation) ?? Data(), name: name)
  }

  static let privateHeader = "-----BEGIN CHATBUNDLE ED25519 PRIVATE KEY-----"
  static let privateFooter = "-----END CHATBUNDLE ED25519 PRIVATE KEY-----"

  /// The private key file: the 32-byte seed in base64 between two marker lines, and the
  /// key's name, if it has one, in a comment line.
  public var privateFileText: String {
    var lines = [Self.privateHeader]
    if let name { lines.append("name: " + name.replacingOccurrences(of: "\n", with: " ")) }
    lines.append(Data(seed).base64EncodedString())
    lines.append(Self.privateFooter)
    return lines.joined(separator: "\n") + "\n"
  }

  /// Reads a private key file; the error says what is wrong with it, never its content.
  public init(fileText text: String, path: String) throws(ProvenanceError) {
    let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
    guard lines.first == Self.privateHeader, lines.last == Self.privateFooter else {
      throw ProvenanceError.keyFile(path: path, problem: "not a chatbundle private key (made by 'chatbundle key new')")
    }
    let body = lines.dropFirst().dropLast()
    name = body.first { $0.hasPrefix("name: ") }.map { String($0.dropFirst(6)) }
    guard let encoded = body.last(where: { !$0.hasPrefix("name: ") }), let seed = Data(base64Encoded: encoded),
      (try? Curve25519.Signing.PrivateKey(rawRepresentation: seed)) != nil
    else { throw ProvenanceError.keyFile(path: path, problem: "the key is damaged") }
    self.seed = Array(seed)
  }

  /// The Ed25519 signature of `message`.
  func signature(for message: [UInt8]) throws -> [UInt8] { Array(try key.signature(for: message)) }
}

/// A public Ed25519 key, with the fingerprint people compare.
public struct PublicSigningKey: Sendable, Hashable {
  public let rawRepresentation: [UInt8]
  public let name: String?

  init(_ raw: some Sequence<UInt8>, name: String?) {
    rawRepresentation = Array(raw)
    self.name = name
  }

  /// SHA-256 of the 32 raw key bytes, lowercase hex.
  public var fingerprint: String { SHA256Digest.hex(of: rawRepresentation) }

  /// The fingerprint in groups of four for reading aloud or comparing on paper.
  public var groupedFingerprint: String { Self.group(fingerprint) }

  /// A fingerprint in groups of four characters.
  public static func group(_ fingerprint: String) -> String {
    let characters = Array(fingerprint)
    return stride(from: 0, to: characters.count, by: 4).map { String(characters[$0..<min($0 + 4, characters.count)]) }
      .joined(separator: " ")
  }

  static let header = "chatbundle Ed25519 public key"

  /// The public key file: what it is, its name, its fingerprint and the key.
  public var fileText: String {
    var lines = [Self.header]
    if let name { lines.append("name: " + name.replacingOccurrences(of: "\n", with: " ")) }
    lines.append("fingerprint: " + groupedFingerprint)
    lines.append("key: " + Data(rawRepresentation).base64EncodedString())
    return lines.joined(separator: "\n") + "\n"
  }

  /// Reads a public key file; a fingerprint line that does not match the key is an error,
  /// since a person may have checked that line and not the key.
  public init(fileText text: String, path: String) throws(ProvenanceError) {
    let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
    guard lines.first == Self.header else {
      throw ProvenanceError.keyFile(
        path: path, problem: "not a chatbundle public key (a .pub file of 'chatbundle key new')")
    }
    func value(_ label: String) -> String? {
      lines.first { $0.hasPrefix(label + ": ") }.map { String($0.dropFirst(label.count + 2)) }
    }
    guard let encoded = value("key"), let raw = Data(base64Encoded: encoded), raw.count == 32,
      (try? Curve25519.Signing.PublicKey(rawRepresentation: raw)) != nil
    else { throw ProvenanceError.keyFile(path: path, problem: "the key line is missing or damaged") }
    self.init(raw, name: value("name"))
    if let stated = value("fingerprint"), stated.replacingOccurrences(of: " ", with: "").lowercased() != fingerprint {
      throw ProvenanceError.keyFile(path: path, problem: "its fingerprint line does not match its key")
    }
  }
}
