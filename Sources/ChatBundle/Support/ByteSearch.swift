#if canImport(Glibc)
  import Glibc
#endif

/// Whether `bytes` holds `lead`, `second` and then a byte `third` accepts (a three-byte
/// UTF-8 character such as U+2028 or U+FFFD), looking for `lead` with `memchr`.
func containsSequence(
  _ bytes: UnsafeBufferPointer<UInt8>, _ lead: UInt8, _ second: UInt8, third: (UInt8) -> Bool
) -> Bool {
  guard let base = bytes.baseAddress else { return false }
  var offset = 0
  while offset < bytes.count, let found = memchr(base + offset, Int32(lead), bytes.count - offset) {
    let index = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
    if index + 2 < bytes.count, bytes[index + 1] == second, third(bytes[index + 2]) { return true }
    offset = index + 1
  }
  return false
}
