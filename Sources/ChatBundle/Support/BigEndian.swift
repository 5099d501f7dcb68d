/// `value`'s bytes, most significant first, so that sort keys built from numbers compare
/// bytewise in numeric order.
package func appendBigEndian<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
  for shift in stride(from: T.bitWidth - 8, through: 0, by: -8) {
    bytes.append(UInt8(truncatingIfNeeded: value >> shift))
  }
}

/// The `T` that `appendBigEndian` wrote at the start of `bytes`.
package func readBigEndian<T: FixedWidthInteger>(_ type: T.Type, from bytes: ArraySlice<UInt8>) -> T {
  bytes.prefix(T.bitWidth / 8).reduce(0) { $0 << 8 | T(truncatingIfNeeded: $1) }
}
