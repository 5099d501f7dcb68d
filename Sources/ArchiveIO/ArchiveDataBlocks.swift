/// A reader of an archive's entries whose current entry's data comes in blocks, as
/// libarchive hands them over; `readData` streams them all.
public protocol ArchiveDataBlocks: AnyObject {
  /// The current entry's next block of data, nil at its end. A block is valid until the
  /// next call on the reader.
  func nextDataBlock() throws -> UnsafeRawBufferPointer?
}

extension ArchiveDataBlocks {
  /// Streams the current entry's data to `body`; returns the byte count.
  @discardableResult
  public func readData(_ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Int64 {
    var total: Int64 = 0
    while let block = try nextDataBlock() {
      try body(block)
      total += Int64(block.count)
    }
    return total
  }
}
