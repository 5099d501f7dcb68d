import Crypto

/// Incremental SHA-256 with lowercase hex output, the only digest format in a bundle.
public struct SHA256Digest {
  private var hasher = SHA256()

  public init() {}

  public mutating func update(_ bytes: UnsafeRawBufferPointer) { hasher.update(bufferPointer: bytes) }

  public mutating func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { hasher.update(bufferPointer: $0) } }

  public func finalizeBytes() -> [UInt8] { Array(hasher.finalize()) }

  public func finalizeHex() -> String { Self.hex(finalizeBytes()) }

  /// The digest's first 16 bytes as two big-endian integers, without an array in between.
  public func finalizeFirst128Bits() -> (UInt64, UInt64) {
    hasher.finalize().withUnsafeBytes { bytes in
      var high: UInt64 = 0
      var low: UInt64 = 0
      for index in 0..<8 {
        high = high << 8 | UInt64(bytes[index])
        low = low << 8 | UInt64(bytes[index + 8])
      }
      return (high, low)
    }
  }

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

  /// Exactly 64 lowercase hexadecimal digits.
  public static func isValidHex(_ text: String) -> Bool {
    text.utf8.count == 64
      && text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
  }
}
