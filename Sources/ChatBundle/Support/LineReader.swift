import ArchiveIO

/// Splits a byte stream into lines without holding more than one line and one buffer.
///
/// A line longer than `maximumLineBytes` is an error rather than a reason to grow without
/// bound. Lines are returned without their `\n`; `endedWithNewline` tells whether the last
/// one had it.
public final class LineReader {
  private let stream: ByteStream
  private var buffer: [UInt8]
  private var start = 0
  private var end = 0
  private var exhausted = false
  public let maximumLineBytes: Int
  /// 1-based number of the line last returned.
  public private(set) var lineNumber: Int64 = 0
  /// Byte offset of the start of the line last returned.
  public private(set) var lineOffset: Int64 = 0
  private var consumed: Int64 = 0
  public private(set) var lastLineHadNewline = true

  public init(stream: ByteStream, maximumLineBytes: Int = 64 << 20, bufferSize: Int = 64 << 10) {
    self.stream = stream
    self.maximumLineBytes = maximumLineBytes
    buffer = [UInt8](repeating: 0, count: max(bufferSize, 4096))
  }

  public enum LineError: Error, Equatable {
    case tooLong(line: Int64, limit: Int)
  }

  /// The next line, or nil at the end of the stream.
  public func nextLine() throws -> ArraySlice<UInt8>? {
    var searchFrom = start
    while true {
      if let newline = buffer[searchFrom..<end].firstIndex(of: 0x0A) {
        let line = buffer[start..<newline]
        lineNumber += 1
        lineOffset = consumed
        consumed += Int64(newline + 1 - start)
        start = newline + 1
        lastLineHadNewline = true
        return line
      }
      if end - start > maximumLineBytes { throw LineError.tooLong(line: lineNumber + 1, limit: maximumLineBytes) }
      if exhausted {
        guard start < end else { return nil }
        let line = buffer[start..<end]
        lineNumber += 1
        lineOffset = consumed
        consumed += Int64(end - start)
        start = end
        lastLineHadNewline = false
        return line
      }
      searchFrom = end - start
      try refill()
    }
  }

  private func refill() throws {
    let growth = min(buffer.count, maximumLineBytes + 1)
    if try stream.refill(&buffer, start: &start, end: &end, growth: growth) == 0 { exhausted = true }
  }
}
