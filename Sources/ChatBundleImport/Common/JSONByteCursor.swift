import ArchiveIO
import ChatBundle

/// A cursor over JSON text arriving from a stream, for readers that split a large export
/// into its values without parsing it whole (`RecordSplitter`, `TelegramExportWalker`):
/// it peeks and steps byte by byte, skips white space (and a byte order mark at the very
/// start), counts lines, and reads one complete value's bytes by tracking strings and
/// nesting, scanning the buffered bytes in place.
final class JSONByteCursor {
  private let stream: ByteStream
  private let maximumValueBytes: Int
  /// "a record", "a value": what the error messages call a value.
  private let noun: String
  private let failure: (Int64, String) -> Error
  private var buffer = [UInt8](repeating: 0, count: 64 << 10)
  private var start = 0
  private var end = 0
  private var exhausted = false
  private var atStartOfFile = true
  /// The line the cursor is on, from 1.
  private(set) var line: Int64 = 1
  /// With `keepsWhitespace`, the white space and byte order mark skipped so far.
  var keepsWhitespace = false
  private(set) var keptWhitespace: [UInt8] = []

  init(
    stream: ByteStream, maximumValueBytes: Int, noun: String,
    failure: @escaping (_ line: Int64, _ message: String) -> Error
  ) {
    self.stream = stream
    self.maximumValueBytes = maximumValueBytes
    self.noun = noun
    self.failure = failure
  }

  func fail(_ message: String, line: Int64? = nil) -> Error { failure(line ?? self.line, message) }

  func peek() throws -> UInt8? {
    while start == end {
      if exhausted { return nil }
      try refill()
    }
    return buffer[start]
  }

  /// Steps over the byte `peek` returned, which is never a line feed.
  func advance() {
    start += 1
    atStartOfFile = false
  }

  func skipWhitespace() throws {
    while true {
      if start == end {
        if exhausted { return }
        try refill()
        continue
      }
      let byte = buffer[start]
      if byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A {
        if byte == 0x0A { line += 1 }
        if keepsWhitespace { keptWhitespace.append(byte) }
        start += 1
      } else if byte == 0xEF, atStartOfFile, try hasBOM() {
        if keepsWhitespace { keptWhitespace += [0xEF, 0xBB, 0xBF] }
        start += 3
      } else {
        atStartOfFile = false
        return
      }
      atStartOfFile = false
    }
  }

  /// The buffered bytes from the cursor to the end of its line (or of the file, or of
  /// `maximumValueBytes`), read ahead but not consumed.
  func restOfLine() throws -> ArraySlice<UInt8> {
    var searchFrom = start
    while true {
      if let newline = buffer[searchFrom..<end].firstIndex(of: 0x0A) { return buffer[start..<newline] }
      if exhausted || end - start > maximumValueBytes { return buffer[start..<end] }
      let scanned = end - start
      try refill()
      searchFrom = start + scanned
    }
  }

  /// Everything buffered and not consumed, which the caller now reads some other way.
  func takeBuffered() -> [UInt8] {
    let rest = Array(buffer[start..<end])
    start = end
    return rest
  }

  /// Reads one complete JSON value's bytes by tracking strings and nesting. The buffered
  /// bytes are scanned in place and copied once per refill, not byte by byte.
  func readValueBytes() throws -> [UInt8] {
    var value: [UInt8] = []
    var depth = 0
    var inString = false
    var escaped = false
    let startLine = line
    atStartOfFile = false
    while true {
      if start == end {
        if exhausted { break }
        try refill()
        continue
      }
      let scanned = try buffer.withUnsafeBufferPointer { bytes in
        try scan(
          bytes, from: start, to: end, hasBytes: !value.isEmpty, depth: &depth, inString: &inString,
          escaped: &escaped)
      }
      value.append(contentsOf: buffer[start..<scanned.index])
      start = scanned.index
      if value.count > maximumValueBytes {
        throw failure(startLine, "\(noun) is larger than \(maximumValueBytes) bytes")
      }
      if scanned.finished { return value }
    }
    if depth > 0 || inString || value.isEmpty {
      throw failure(startLine, "the file ends inside \(noun) that starts here (truncated?)")
    }
    return value
  }

  /// Scans `bytes[from..<to]` for the end of the value being read; returns where it
  /// stopped and whether the value is complete there (the index is past its last byte).
  private func scan(
    _ bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int, hasBytes: Bool, depth: inout Int, inString: inout Bool,
    escaped: inout Bool
  ) throws -> (index: Int, finished: Bool) {
    var index = from
    while index < to {
      let byte = bytes[index]
      if !inString && depth == 0 && (hasBytes || index > from) {
        let isScalarEnd =
          byte == UInt8(ascii: ",") || byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}")
          || byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 || byte == UInt8(ascii: ":")
        if isScalarEnd { return (index, true) }
      }
      index += 1
      if byte == 0x0A { line += 1 }
      if inString {
        if escaped {
          escaped = false
        } else if byte == UInt8(ascii: "\\") {
          escaped = true
        } else if byte == UInt8(ascii: "\"") {
          inString = false
          if depth == 0 { return (index, true) }
        }
        continue
      }
      switch byte {
      case UInt8(ascii: "\""): inString = true
      case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
      case UInt8(ascii: "}"), UInt8(ascii: "]"):
        depth -= 1
        if depth == 0 { return (index, true) }
        if depth < 0 { throw failure(line, "unbalanced brackets") }
      default: break
      }
    }
    return (index, false)
  }

  private func hasBOM() throws -> Bool {
    while end - start < 3 && !exhausted { try refill() }
    return end - start >= 3 && buffer[start + 1] == 0xBB && buffer[start + 2] == 0xBF
  }

  private func refill() throws {
    if try stream.refill(&buffer, start: &start, end: &end, growth: buffer.count) == 0 { exhausted = true }
  }
}
