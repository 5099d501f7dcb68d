import ArchiveIO

/// Splits pushed chunks into lines (without `\n`), holding at most one partial line.
struct LineAccumulator {
  private var pending: [UInt8] = []
  let maximumLineBytes: Int
  private(set) var lineNumber: Int64 = 0
  private(set) var overflowed = false

  init(maximumLineBytes: Int) {
    self.maximumLineBytes = maximumLineBytes
  }

  /// Calls `body` with each line completed by `chunk` and its 1-based number.
  mutating func push(_ chunk: UnsafeRawBufferPointer, _ body: (ArraySlice<UInt8>, Int64) -> Void) {
    var start = 0
    while start < chunk.count {
      guard let newline = ByteScan.firstIndex(of: 0x0A, in: chunk, from: start) else {
        if !overflowed {
          pending.append(contentsOf: chunk[start...])
          if pending.count > maximumLineBytes {
            overflowed = true
            pending = []
          }
        }
        return
      }
      lineNumber += 1
      if overflowed {
        overflowed = false
        body([], -lineNumber)
      } else if pending.isEmpty {
        body(ArraySlice(chunk[start..<newline]), lineNumber)
      } else {
        pending.append(contentsOf: chunk[start..<newline])
        body(pending[...], lineNumber)
        pending.removeAll(keepingCapacity: true)
      }
      start = newline + 1
    }
  }

  /// The unterminated last line, if any.
  mutating func finish() -> (ArraySlice<UInt8>, Int64)? {
    guard !pending.isEmpty || overflowed else { return nil }
    lineNumber += 1
    defer { pending = [] }
    return overflowed ? ([], -lineNumber) : (pending[...], lineNumber)
  }
}
