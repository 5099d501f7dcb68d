import ArchiveIO
import Crypto

/// The secret behind a redacted bundle's commitments (spec §8.12.3): a 32-byte key from
/// which the salt of every record is derived with HMAC-SHA-256. The redacting party keeps
/// it, out of the bundle; with it and the original, a commitment can be opened for someone
/// entitled to see what was removed, by handing over one record's salt, never the key.
///
/// Salts come from the key rather than from chance so that the same key, parent and
/// redaction give the same bundle, byte for byte.
public struct RedactionSalts: Sendable {
  private let key: [UInt8]

  public init(key: [UInt8]) throws {
    guard key.count == 32 else { throw ChatBundleError.invalidOption("a redaction key is 32 bytes") }
    self.key = key
  }

  /// A new key from the system's random source.
  public static func generate() -> RedactionSalts {
    var generator = SystemRandomNumberGenerator()
    return RedactionSalts(unchecked: (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
  }

  private init(unchecked key: [UInt8]) { self.key = key }

  static let formatMember = "chatbundle_redaction_salts"

  /// The salts file: one JSON object with the key in hex and a warning for whoever finds it.
  public var fileBytes: [UInt8] {
    var object = JSONObject()
    object.append(Self.formatMember, 1)
    object.append("key", SHA256Digest.hex(key))
    object.append(
      "note",
      "Keep this file private and apart from the bundle. With it anyone can test guesses of what was redacted. "
        + "'chatbundle disclose' opens one message's redactions for whoever is entitled to them.")
    var bytes = JSONWriter.serialize(.object(object))
    bytes.append(0x0A)
    return bytes
  }

  /// Reads a salts file; the error names the file and never shows the key.
  public init(fileBytes bytes: [UInt8], path: String) throws {
    let value = try? JSONParser.parse(bytes)
    guard let object = value?.objectValue, object[Self.formatMember]?.int64Value == 1,
      let hex = object["key"]?.stringValue, let key = SHA256Digest.bytes(hex: hex), key.count == 32
    else {
      throw ChatBundleError.invalidOption("\(path) is not a redaction salts file (made by 'chatbundle redact')")
    }
    self.key = key
  }

  /// Reads the salts file at `path`.
  public static func read(_ path: String) throws -> RedactionSalts {
    let bytes: [UInt8]
    do { bytes = try readWholeFile(path) } catch { throw ChatBundleError.io(path: path, message: "\(error)") }
    return try RedactionSalts(fileBytes: bytes, path: path)
  }

  /// Writes the salts file to a path where nothing is, readable by its owner only.
  public func write(to path: String) throws {
    try writeNewFileExclusively(path, fileBytes)
  }

  /// The salt of one record: HMAC-SHA-256 over the parent's bundle id, the message id, the
  /// record's path and its first byte (empty for a value removed whole), zero-separated.
  public func salt(parent: String, message: Identifier, record: RedactionRecord) -> [UInt8] {
    var input = Array("chatbundle redaction salt 1".utf8)
    for part in [
      Array(parent.utf8), message.bytes, Array(record.path.utf8),
      Array((record.span.map { String($0.start) } ?? "").utf8),
    ] {
      input.append(0)
      input += part
    }
    let code = HMAC<SHA256>.authenticationCode(for: input, using: SymmetricKey(data: key))
    return Array(code)
  }

  /// SHA-256 of the salt followed by what was removed, in hex.
  public static func commitment(salt: [UInt8], removed: [UInt8]) -> String {
    var digest = SHA256Digest()
    digest.update(salt)
    digest.update(removed)
    return digest.finalizeHex()
  }
}
