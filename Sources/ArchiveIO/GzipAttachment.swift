/// Records that travel with a bundle without being part of it (signatures, timestamps):
/// each in a gzip member of its own at the end of the file, a member that holds no data
/// and carries the record in its header's extra field (RFC 1952 §2.3.1.1), subfield `cb`.
///
/// A reader that knows nothing of them still reads the bundle unchanged: an empty member
/// adds no byte to the tar stream, and every gzip reader skips header extra fields. The
/// bundle's id, its manifest and its tar stream stay what they were, so a record can be
/// added to a bundle (a second signer) without touching what was signed.
public enum GzipAttachment {
  /// The subfield id: `c`, `b`.
  public static let subfieldID: (UInt8, UInt8) = (0x63, 0x62)
  /// What fits in one member's extra field after the subfield's own 4 bytes.
  public static let maximumRecordBytes = Int(UInt16.max) - 4

  /// The gzip member that carries `record`.
  public static func member(carrying record: [UInt8]) throws(ArchiveError) -> [UInt8] {
    guard record.count <= maximumRecordBytes else {
      throw ArchiveError(
        .usage, operation: "gzip attachment",
        message: "a record of \(record.count) bytes does not fit a gzip extra field (\(maximumRecordBytes) at most)")
    }
    let extraLength = record.count + 4
    var bytes: [UInt8] = [0x1F, 0x8B, 0x08, 0x04, 0, 0, 0, 0, 0x00, 0x03]
    bytes += [UInt8(extraLength & 0xFF), UInt8(extraLength >> 8)]
    bytes += [subfieldID.0, subfieldID.1, UInt8(record.count & 0xFF), UInt8(record.count >> 8)]
    bytes += record
    // An empty deflate stream (one final fixed-Huffman block), then CRC-32 and ISIZE of
    // no data: both zero.
    bytes += [0x03, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]
    return bytes
  }

  /// The record an extra field carries, nil when it has no `cb` subfield or is malformed.
  public static func record(inExtraField extra: [UInt8]) -> [UInt8]? {
    var index = 0
    while index + 4 <= extra.count {
      let length = Int(extra[index + 2]) | Int(extra[index + 3]) << 8
      let start = index + 4
      guard start + length <= extra.count else { return nil }
      if extra[index] == subfieldID.0 && extra[index + 1] == subfieldID.1 {
        return Array(extra[start..<start + length])
      }
      index = start + length
    }
    return nil
  }
}
