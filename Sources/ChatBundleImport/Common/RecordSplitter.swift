import ArchiveIO
import ChatBundle

/// Yields the records of an export file one at a time, whatever its shape: one JSON
/// object per line, a JSON array, an object wrapping the array (`{"entities":[…]}`), or
/// pretty-printed objects one after another. Only one record is held in memory at a time.
public final class RecordSplitter {
  public enum Shape: String, Sendable { case lines, array, wrappedArray, objects }

  public struct Record: Sendable {
    public var bytes: ArraySlice<UInt8>
    /// The line the record starts on (1-based).
    public var line: Int64
    /// The element's position in an array (1-based); nil for line-delimited files.
    public var element: Int64?
  }

  private let stream: ByteStream
  private let wrapperKey: String
  private let maximumRecordBytes: Int
  private let cursor: JSONByteCursor
  private var line: Int64 { cursor.line }
  private var elementCount: Int64 = 0
  public private(set) var shape: Shape?
  /// For a wrapped array: the top-level object's members before it, as the text of an
  /// object (`{"name":…,"id":…}`), once the first `next()` has found the array; a chat's
  /// header, so that its messages stream one at a time while its name is known.
  public private(set) var header: [UInt8]?
  private var lineReader: LineReader?
  private var insideArray = false
  private var finishedArray = false
  /// The first object of an `.objects` file, read while looking for the wrapper's array.
  private var pendingObject: Record?

  public init(stream: ByteStream, wrapperKey: String = "entities", maximumRecordBytes: Int = 64 << 20) {
    self.stream = stream
    self.wrapperKey = wrapperKey
    self.maximumRecordBytes = maximumRecordBytes
    cursor = JSONByteCursor(stream: stream, maximumValueBytes: maximumRecordBytes, noun: "a record") { line, message in
      FormatError(line: line, message: message)
    }
  }

  public struct FormatError: Error, CustomStringConvertible {
    public var line: Int64
    public var message: String
    public var description: String { "line \(line): \(message)" }
  }

  public func next() throws -> Record? {
    if shape == nil { try detectShape() }
    if let lineReader {
      while let raw = try lineReader.nextLine() {
        var bytes = raw
        if lineReader.lineNumber == 1, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        if bytes.last == 0x0D { bytes = bytes.dropLast() }
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
        return Record(bytes: bytes, line: lineReader.lineNumber, element: nil)
      }
      return nil
    }
    if shape == .objects {
      if let pending = pendingObject {
        pendingObject = nil
        return pending
      }
      try skipWhitespace()
      guard try peek() != nil else { return nil }
      let startLine = line
      let bytes = try readValueBytes()
      elementCount += 1
      return Record(bytes: bytes[...], line: startLine, element: elementCount)
    }
    return try nextElement()
  }

  private func detectShape() throws {
    // Look at the first significant byte, and for '{' at whether the first line closes it.
    // The bytes skipped before it go back to a line reader, so that its line numbers stay right.
    cursor.keepsWhitespace = true
    try skipWhitespace()
    cursor.keepsWhitespace = false
    guard let first = try peek() else {
      shape = .lines
      lineReader = LineReader(stream: PrefixedByteStream(prefix: [], rest: stream))
      return
    }
    if first == UInt8(ascii: "[") {
      shape = .array
      cursor.advance()
      insideArray = true
      return
    }
    if first == UInt8(ascii: "{") {
      let firstLine = try cursor.restOfLine()
      if let value = try? JSONParser.parse(firstLine, options: .lenient), case .object(let object) = value,
        !(object[wrapperKey]?.arrayValue != nil && object["msg_id"] == nil)
      {
        shape = .lines
      } else if (try? JSONParser.parse(firstLine, options: .lenient)) != nil {
        shape = .wrappedArray
      } else {
        // A multi-line document: only the wrapped form is a single document.
        shape = .wrappedArray
      }
    } else {
      shape = .lines
    }
    if shape == .lines {
      let pending = cursor.takeBuffered()
      lineReader = LineReader(stream: PrefixedByteStream(prefix: cursor.keptWhitespace + pending, rest: stream))
      return
    }
    try enterWrappedArray()
  }

  /// Walks the top-level object's members until the wrapper key's array starts. An object
  /// without that key is a record itself (a pretty-printed export), and so are the objects
  /// after it.
  private func enterWrappedArray() throws {
    let startLine = line
    cursor.advance()  // '{'
    var captured: [UInt8] = [UInt8(ascii: "{")]
    var sawMember = false
    while true {
      try skipWhitespace()
      guard let byte = try peek() else {
        throw FormatError(line: startLine, message: "the file ends inside the top-level object (truncated?)")
      }
      if byte == UInt8(ascii: "}") {
        cursor.advance()
        captured.append(byte)
        shape = .objects
        elementCount = 1
        pendingObject = Record(bytes: captured[...], line: startLine, element: 1)
        return
      }
      if byte == UInt8(ascii: ",") {
        guard sawMember else { throw FormatError(line: line, message: "unexpected ','") }
        cursor.advance()
        captured.append(byte)
        continue
      }
      let keyBytes = try readValueBytes()
      guard let key = (try? JSONParser.parse(keyBytes, options: .lenient))?.stringValue else {
        throw FormatError(line: line, message: "expected a key in the top-level object")
      }
      try skipWhitespace()
      guard try peek() == UInt8(ascii: ":") else {
        throw FormatError(line: line, message: "expected ':' after \"\(key)\"")
      }
      cursor.advance()
      try skipWhitespace()
      if key == wrapperKey, try peek() == UInt8(ascii: "[") {
        cursor.advance()
        insideArray = true
        shape = .wrappedArray
        var members = captured
        if members.last == UInt8(ascii: ",") { members.removeLast() }
        header = members + [UInt8(ascii: "}")]
        return
      }
      captured += keyBytes + [UInt8(ascii: ":")] + (try readValueBytes())
      sawMember = true
      if captured.count > maximumRecordBytes {
        throw FormatError(line: startLine, message: "a record is larger than \(maximumRecordBytes) bytes")
      }
    }
  }

  private func nextElement() throws -> Record? {
    guard insideArray, !finishedArray else { return nil }
    try skipWhitespace()
    guard let byte = try peek() else {
      throw FormatError(line: line, message: "the file ends inside the array (truncated?)")
    }
    if byte == UInt8(ascii: "]") {
      cursor.advance()
      finishedArray = true
      return nil
    }
    if byte == UInt8(ascii: ",") {
      if elementCount == 0 { throw FormatError(line: line, message: "unexpected ',' at the start of the array") }
      cursor.advance()
      try skipWhitespace()
    } else if elementCount > 0 {
      throw FormatError(line: line, message: "expected ',' or ']' after element \(elementCount)")
    }
    let startLine = line
    let bytes = try readValueBytes()
    elementCount += 1
    return Record(bytes: bytes[...], line: startLine, element: elementCount)
  }

  private func readValueBytes() throws -> [UInt8] { try cursor.readValueBytes() }

  private func skipWhitespace() throws { try cursor.skipWhitespace() }

  private func peek() throws -> UInt8? { try cursor.peek() }
}
