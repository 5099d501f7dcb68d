import ArchiveIO

/// Whether `bytes` holds `lead`, `second` and then a byte `third` accepts (a three-byte
/// UTF-8 character such as U+2028 or U+FFFD), looking for `lead` with `memchr`.
func containsSequence(
  _ bytes: UnsafeBufferPointer<UInt8>, _ lead: UInt8, _ second: UInt8, third: (UInt8) -> Bool
) -> Bool {
  let raw = UnsafeRawBufferPointer(bytes)
  var offset = 0
  while let index = ByteScan.firstIndex(of: lead, in: raw, from: offset) {
    if index + 2 < bytes.count, bytes[index + 1] == second, third(bytes[index + 2]) { return true }
    offset = index + 1
  }
  return false
}
