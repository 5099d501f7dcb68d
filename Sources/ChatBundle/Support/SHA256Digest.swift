import ArchiveIO
import Crypto

/// Incremental SHA-256 with lowercase hex output, the only digest format in a bundle.
public struct SHA256Digest {
  private var hasher = SHA256()

  public init() {}

  public mutating func update(_ bytes: UnsafeRawBufferPointer) { hasher.update(bufferPointer: bytes) }

  public mutating func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { hasher.update(bufferPointer: $0) } }

  public func finalizeBytes() -> [UInt8] { Array(hasher.finalize()) }

  public func finalizeHex() -> String { Self.hex(finalizeBytes()) }

  public static func hex(of bytes: [UInt8]) -> String {
    var digest = SHA256Digest()
    digest.update(bytes)
    return digest.finalizeHex()
  }

  public static func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out = [UInt8]()
    out.reserveCapacity(bytes.count * 2)
    for byte in bytes {
      out.append(digits[Int(byte >> 4)])
      out.append(digits[Int(byte & 0xF)])
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// The bytes that `hex(_:)` writes as `text`: lowercase digits, two per byte; nil for
  /// anything else.
  public static func bytes(hex text: String) -> [UInt8]? {
    let digits = Array(text.utf8)
    guard digits.count % 2 == 0 else { return nil }
    func nibble(_ digit: UInt8) -> UInt8? {
      switch digit {
      case 0x30...0x39: digit - 0x30
      case 0x61...0x66: digit - 0x61 + 10
      default: nil
      }
    }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(digits.count / 2)
    var index = 0
    while index < digits.count {
      guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
      bytes.append(high << 4 | low)
      index += 2
    }
    return bytes
  }

  /// Exactly 64 lowercase hexadecimal digits.
  public static func isValidHex(_ text: String) -> Bool {
    text.utf8.count == 64
      && text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
  }
}

/// The SHA-256 of a file as the reader reads it: owned by the read-ahead thread while it
/// runs and handed back once it has stopped, so it needs no lock and copies no chunk.
final class FileDigest: ByteObserver {
  private var digest = SHA256Digest()

  func observe(_ bytes: UnsafeRawBufferPointer) { digest.update(bytes) }

  func finalizeHex() -> String { digest.finalizeHex() }
}
