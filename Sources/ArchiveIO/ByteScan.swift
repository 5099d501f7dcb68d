#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The C library's vectorised byte search and comparison (`memchr`, `memcmp`), which the
/// line splitting and sorting above rely on for speed.
public enum ByteScan {
  /// The offset of the first `byte` in `bytes[from...]`, or nil.
  @inlinable
  public static func firstIndex(of byte: UInt8, in bytes: UnsafeRawBufferPointer, from start: Int = 0) -> Int? {
    guard let base = bytes.baseAddress, start < bytes.count else { return nil }
    guard let found = memchr(base + start, Int32(byte), bytes.count - start) else { return nil }
    return base.distance(to: UnsafeRawPointer(found))
  }

  /// Bytewise comparison of two equally long runs: negative, zero or positive.
  @inlinable
  public static func compare(_ left: UnsafeRawPointer, _ right: UnsafeRawPointer, count: Int) -> Int {
    count > 0 ? Int(memcmp(left, right, count)) : 0
  }
}
