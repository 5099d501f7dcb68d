/// A strict RFC 8259 parser over UTF-8 bytes.
///
/// Stricter than Foundation where a verifier needs it (duplicate keys, byte order marks,
/// invalid UTF-8 and trailing bytes are errors) and more faithful where an archive needs it
/// (numbers keep their literal text, objects keep their key order).
public struct JSONParser {
  public struct Options: Sendable {
    /// Reject an object that has the same key twice.
    public var rejectDuplicateKeys = true
    /// Replace an escaped lone surrogate (`\ud800`) by U+FFFD instead of failing; such a
    /// value cannot be written as UTF-8, and exporters do produce it.
    public var replaceLoneSurrogates = false
    public var maxDepth = 64
    /// A path of object keys from the top (`["source", "raw"]`) whose value is checked as
    /// strictly as any other but not built: the result holds `null` in its place. Readers
    /// that never look at a value save the allocations of its tree.
    public var unbuiltPath: [String] = []
    /// When set, members of the top-level object whose key is not in it are checked as
    /// strictly as any other but not built (`null` in their place): a manifest's members
    /// this version does not know cannot make a reader hold their tree.
    public var builtTopLevelMembers: Set<String>?
    /// An object with more members is refused: a set of its keys is what duplicate
    /// detection holds, so this bounds it even where the values are not built.
    public var maxObjectMembers = 1_000_000

    public init(rejectDuplicateKeys: Bool = true, replaceLoneSurrogates: Bool = false, maxDepth: Int = 64) {
      self.rejectDuplicateKeys = rejectDuplicateKeys
      self.replaceLoneSurrogates = replaceLoneSurrogates
      self.maxDepth = maxDepth
    }

    public static let strict = Options()
    /// For source exports: duplicate keys keep the first value, lone surrogates become U+FFFD,
    /// and the depth leaves room for the two levels a message wraps around its raw record.
    public static let lenient = Options(rejectDuplicateKeys: false, replaceLoneSurrogates: true, maxDepth: 48)
  }

  public static func parse(_ bytes: [UInt8], options: Options = .strict) throws(JSONParseError) -> JSONValue {
    do {
      return try bytes.withUnsafeBufferPointer { try parse($0, options: options) }
    } catch let error as JSONParseError {
      throw error
    } catch {
      throw JSONParseError(offset: 0, message: "\(error)")
    }
  }

  public static func parse(_ bytes: ArraySlice<UInt8>, options: Options = .strict) throws(JSONParseError) -> JSONValue {
    do {
      return try bytes.withUnsafeBufferPointer { try parse($0, options: options) }
    } catch let error as JSONParseError {
      throw error
    } catch {
      throw JSONParseError(offset: 0, message: "\(error)")
    }
  }

  public static func parse(_ text: String, options: Options = .strict) throws(JSONParseError) -> JSONValue {
    try parse(Array(text.utf8), options: options)
  }

  public static func parse(
    _ buffer: UnsafeBufferPointer<UInt8>, options: Options = .strict
  ) throws(JSONParseError) -> JSONValue {
    var parser = Cursor(bytes: buffer, options: options)
    if buffer.count >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF {
      throw JSONParseError(offset: 0, message: "a byte order mark is not allowed")
    }
    parser.skipWhitespace()
    let value: JSONValue
    if let kept = options.builtTopLevelMembers, parser.position < buffer.count, buffer[parser.position] == 0x7B {
      value = try parser.parseObject(depth: 1, keeping: kept)
    } else {
      value = try parser.parseValue(depth: 0, matched: options.unbuiltPath.isEmpty ? nil : 0)
    }
    parser.skipWhitespace()
    if parser.position < buffer.count {
      throw JSONParseError(offset: parser.position, message: "unexpected data after the JSON value")
    }
    return value
  }
}

private struct Cursor {
  let bytes: UnsafeBufferPointer<UInt8>
  let options: JSONParser.Options
  var position = 0

  init(bytes: UnsafeBufferPointer<UInt8>, options: JSONParser.Options) {
    self.bytes = bytes
    self.options = options
  }

  func fail(_ message: String, at offset: Int? = nil) -> JSONParseError {
    JSONParseError(offset: offset ?? position, message: message)
  }

  mutating func skipWhitespace() {
    while position < bytes.count {
      switch bytes[position] {
      case 0x20, 0x09, 0x0A, 0x0D: position += 1
      default: return
      }
    }
  }

  /// - Parameter matched: how many keys of `options.unbuiltPath` lead to this value, or nil
  ///   when it is off that path.
  mutating func parseValue(depth: Int, matched: Int? = nil) throws(JSONParseError) -> JSONValue {
    guard position < bytes.count else { throw fail("unexpected end of input") }
    switch bytes[position] {
    case UInt8(ascii: "{"): return try parseObject(depth: depth + 1, matched: matched)
    case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
    case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
    case UInt8(ascii: "n"): try expectLiteral("null"); return .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
    case let byte:
      throw fail("unexpected character '\(printable(byte))'")
    }
  }

  mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
    let start = position
    let count = literal.utf8CodeUnitCount
    guard position + count <= bytes.count else { throw fail("unexpected end of input") }
    let expected = UnsafeBufferPointer(start: literal.utf8Start, count: count)
    for index in 0..<count where bytes[position + index] != expected[index] {
      throw fail("invalid literal", at: start)
    }
    position += count
  }

  /// - Parameter keeping: build only the members with these keys (the rest are skipped).
  mutating func parseObject(depth: Int, matched: Int? = nil, keeping: Set<String>? = nil) throws(JSONParseError)
    -> JSONValue
  {
    guard depth <= options.maxDepth else { throw fail("nesting deeper than \(options.maxDepth)") }
    position += 1
    var members: [JSONObject.Member] = []
    // A message line has about eight members: room for them at once, not by doubling.
    members.reserveCapacity(8)
    // Keys compare as bytes, as other JSON readers compare them: `String ==` would take
    // "é" and "e\u{301}" for one key and call a valid object a duplicate (or, lenient,
    // drop a member of a source record).
    var seen: Set<[UInt8]>? = nil
    skipWhitespace()
    if position < bytes.count && bytes[position] == UInt8(ascii: "}") {
      position += 1
      return .object(JSONObject(members))
    }
    while true {
      skipWhitespace()
      guard position < bytes.count else { throw fail("unexpected end of input in an object") }
      guard bytes[position] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
      let keyStart = position
      let key = try parseString()
      skipWhitespace()
      guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
        throw fail("expected ':' after a key")
      }
      position += 1
      skipWhitespace()
      let value: JSONValue
      if let keeping, !keeping.contains(key) {
        try skipValue(depth: depth)
        value = .null
      } else if let matched, options.unbuiltPath[matched] == key {
        if matched + 1 == options.unbuiltPath.count {
          try skipValue(depth: depth)
          value = .null
        } else {
          value = try parseValue(depth: depth, matched: matched + 1)
        }
      } else {
        value = try parseValue(depth: depth)
      }
      // Linear search for small objects; a set once they grow.
      var duplicate = false
      if members.count < 12 {
        let length = key.utf8.count
        duplicate = members.contains { $0.key.utf8.count == length && $0.key.hasSameBytes(as: key) }
      } else {
        if seen == nil { seen = Set(members.map { Array($0.key.utf8) }) }
        duplicate = !(seen?.insert(Array(key.utf8)).inserted ?? true)
      }
      if duplicate {
        if options.rejectDuplicateKeys { throw fail("duplicate key \"\(key)\"", at: keyStart) }
      } else {
        guard members.count < options.maxObjectMembers else {
          throw fail("an object with more than \(options.maxObjectMembers) members", at: keyStart)
        }
        members.append(JSONObject.Member(key, value))
      }
      skipWhitespace()
      if try !moreElements(closing: UInt8(ascii: "}"), in: "object") { return .object(JSONObject(members)) }
    }
  }

  mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
    guard depth <= options.maxDepth else { throw fail("nesting deeper than \(options.maxDepth)") }
    position += 1
    var elements: [JSONValue] = []
    skipWhitespace()
    if position < bytes.count && bytes[position] == UInt8(ascii: "]") {
      position += 1
      return .array(elements)
    }
    while true {
      skipWhitespace()
      elements.append(try parseValue(depth: depth))
      skipWhitespace()
      if try !moreElements(closing: UInt8(ascii: "]"), in: "array") { return .array(elements) }
    }
  }

  /// After an element: true past a comma, false past the closing bracket.
  mutating func moreElements(closing: UInt8, in container: String) throws(JSONParseError) -> Bool {
    guard position < bytes.count else { throw fail("unexpected end of input in an \(container)") }
    let byte = bytes[position]
    guard byte == UInt8(ascii: ",") || byte == closing else {
      throw fail("expected ',' or '\(printable(closing))' in an \(container)")
    }
    position += 1
    return byte == UInt8(ascii: ",")
  }

  mutating func parseNumber() throws(JSONParseError) -> String {
    let start = position
    try scanNumber()
    return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
  }

  /// Moves past a number, checking its syntax.
  mutating func scanNumber() throws(JSONParseError) {
    let start = position
    if bytes[position] == UInt8(ascii: "-") { position += 1 }
    guard position < bytes.count, isDigit(bytes[position]) else { throw fail("invalid number", at: start) }
    if bytes[position] == UInt8(ascii: "0") {
      position += 1
      if position < bytes.count, isDigit(bytes[position]) {
        throw fail("a number must not have a leading zero", at: start)
      }
    } else {
      while position < bytes.count, isDigit(bytes[position]) { position += 1 }
    }
    if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
      position += 1
      guard position < bytes.count, isDigit(bytes[position]) else { throw fail("invalid number", at: start) }
      while position < bytes.count, isDigit(bytes[position]) { position += 1 }
    }
    if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
      position += 1
      if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
        position += 1
      }
      guard position < bytes.count, isDigit(bytes[position]) else { throw fail("invalid number", at: start) }
      while position < bytes.count, isDigit(bytes[position]) { position += 1 }
    }
  }

  /// Checks the value at `position` exactly as `parseValue` would, building nothing on the
  /// common path: strings without escapes are only validated, and objects are checked for
  /// repeated keys by comparing key bytes. An object with an escaped key or many keys, and
  /// a string with escapes, go through the building parser, whose verdict is the same.
  mutating func skipValue(depth: Int) throws(JSONParseError) {
    guard position < bytes.count else { throw fail("unexpected end of input") }
    switch bytes[position] {
    case UInt8(ascii: "{"): try skipObject(depth: depth + 1)
    case UInt8(ascii: "["): try skipArray(depth: depth + 1)
    case UInt8(ascii: "\""): _ = try skipString()
    case UInt8(ascii: "t"): try expectLiteral("true")
    case UInt8(ascii: "f"): try expectLiteral("false")
    case UInt8(ascii: "n"): try expectLiteral("null")
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try scanNumber()
    case let byte:
      throw fail("unexpected character '\(printable(byte))'")
    }
  }

  /// The first index from `start` whose eight-byte word holds a quote, a backslash or a
  /// control character (or the last whole word's end), eight bytes at a time; sets
  /// `nonASCII` if a skipped byte is not ASCII. The byte loops finish the job.
  @inline(__always)
  private func skipPlainBytes(from start: Int, nonASCII: inout Bool) -> Int {
    guard let base = bytes.baseAddress else { return start }
    let ones: UInt64 = 0x0101_0101_0101_0101
    let high: UInt64 = 0x8080_8080_8080_8080
    var index = start
    while index + 8 <= bytes.count {
      let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
      let quote = word ^ 0x2222_2222_2222_2222
      let backslash = word ^ 0x5C5C_5C5C_5C5C_5C5C
      // Zero bytes of `quote` and `backslash`, and bytes below 0x20 of `word`: exact as to
      // whether the word has one, which is all this asks.
      let special =
        ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((word &- 0x2020_2020_2020_2020) & ~word)
      if special & high != 0 { break }
      if word & high != 0 { nonASCII = true }
      index += 8
    }
    return index
  }

  /// Moves past a string; returns the range of its content when it has no escapes.
  private mutating func skipString() throws(JSONParseError) -> Range<Int>? {
    if let content = try plainString() { return content }
    _ = try escapedString()
    return nil
  }

  private mutating func skipObject(depth: Int) throws(JSONParseError) {
    guard depth <= options.maxDepth else { throw fail("nesting deeper than \(options.maxDepth)") }
    let objectStart = position
    position += 1
    skipWhitespace()
    if position < bytes.count && bytes[position] == UInt8(ascii: "}") {
      position += 1
      return
    }
    // The keys seen so far, on the stack: a source record has several small objects, and
    // an array for each cost more than checking them.
    try withUnsafeTemporaryAllocation(of: Range<Int>.self, capacity: Self.stackKeys) {
      keys throws(JSONParseError) in
      var count = 0
      while true {
        skipWhitespace()
        guard position < bytes.count else { throw fail("unexpected end of input in an object") }
        guard bytes[position] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
        let keyStart = position
        guard let key = try skipString(), count < Self.stackKeys else {
          // Escaped keys compare by their decoded text, and long objects by a set.
          position = objectStart
          try skipObjectWithKeySet(depth: depth)
          return
        }
        skipWhitespace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
          throw fail("expected ':' after a key")
        }
        position += 1
        skipWhitespace()
        try skipValue(depth: depth)
        // After the value, as in `parseObject`, so that both report the same first error.
        if options.rejectDuplicateKeys, keys[0..<count].contains(where: { bytes[$0].elementsEqual(bytes[key]) }) {
          let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[key]), as: UTF8.self)
          throw fail("duplicate key \"\(text)\"", at: keyStart)
        }
        keys.initializeElement(at: count, to: key)
        count += 1
        skipWhitespace()
        if try !moreElements(closing: UInt8(ascii: "}"), in: "object") { return }
      }
    }
  }

  private static let stackKeys = 16

  /// `skipObject` for objects with escaped or many keys: the keys are decoded and kept in
  /// a set, as `parseObject` keeps them, but no value is built, so a skipped object costs
  /// its keys only, however large its values. Errors are those `parseObject` reports.
  private mutating func skipObjectWithKeySet(depth: Int) throws(JSONParseError) {
    position += 1
    var seen: Set<[UInt8]> = []
    skipWhitespace()
    if position < bytes.count && bytes[position] == UInt8(ascii: "}") {
      position += 1
      return
    }
    while true {
      skipWhitespace()
      guard position < bytes.count else { throw fail("unexpected end of input in an object") }
      guard bytes[position] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
      let keyStart = position
      let key = try parseString()
      skipWhitespace()
      guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
        throw fail("expected ':' after a key")
      }
      position += 1
      skipWhitespace()
      try skipValue(depth: depth)
      if !seen.insert(Array(key.utf8)).inserted {
        if options.rejectDuplicateKeys { throw fail("duplicate key \"\(key)\"", at: keyStart) }
      } else if seen.count > options.maxObjectMembers {
        throw fail("an object with more than \(options.maxObjectMembers) members", at: keyStart)
      }
      skipWhitespace()
      if try !moreElements(closing: UInt8(ascii: "}"), in: "object") { return }
    }
  }

  private mutating func skipArray(depth: Int) throws(JSONParseError) {
    guard depth <= options.maxDepth else { throw fail("nesting deeper than \(options.maxDepth)") }
    position += 1
    skipWhitespace()
    if position < bytes.count && bytes[position] == UInt8(ascii: "]") {
      position += 1
      return
    }
    while true {
      skipWhitespace()
      try skipValue(depth: depth)
      skipWhitespace()
      if try !moreElements(closing: UInt8(ascii: "]"), in: "array") { return }
    }
  }

  mutating func parseString() throws(JSONParseError) -> String {
    let start = position
    guard let content = try plainString(validating: false) else { return try escapedString() }
    let slice = UnsafeBufferPointer(rebasing: bytes[content])
    // Decoding validates too, but repairs rather than refuses: a repair leaves U+FFFD, so
    // only a string holding one needs the exact check (`String(validating:)` would do it
    // in one pass, but looks up generic metadata on every call).
    var string = String(decoding: slice, as: UTF8.self)
    if string.withUTF8(containsReplacementCharacter), !isValidUTF8(slice) {
      throw fail("invalid UTF-8 in a string", at: start)
    }
    return string
  }

  /// The common string, without escapes: moves past it and returns its content's range,
  /// validated unless the caller does it. At a backslash it stays at the opening quote and
  /// returns nil.
  private mutating func plainString(validating: Bool = true) throws(JSONParseError) -> Range<Int>? {
    let start = position
    position += 1
    let contentStart = position
    var nonASCII = false
    while true {
      position = skipPlainBytes(from: position, nonASCII: &nonASCII)
      guard position < bytes.count else { throw fail("unterminated string", at: start) }
      let byte = bytes[position]
      if byte == UInt8(ascii: "\"") {
        let content = contentStart..<position
        position += 1
        guard !validating || !nonASCII || isValidUTF8(UnsafeBufferPointer(rebasing: bytes[content])) else {
          throw fail("invalid UTF-8 in a string", at: start)
        }
        return content
      }
      if byte == UInt8(ascii: "\\") {
        position = start
        return nil
      }
      if byte < 0x20 { throw fail("unescaped control character in a string") }
      if byte >= 0x80 { nonASCII = true }
      position += 1
    }
  }

  /// A string with escapes, decoded from its opening quote.
  private mutating func escapedString() throws(JSONParseError) -> String {
    let start = position
    position += 1
    var scratch: [UInt8] = []
    while position < bytes.count {
      let byte = bytes[position]
      switch byte {
      case UInt8(ascii: "\""):
        position += 1
        return try scratch.withUnsafeBufferPointer { buffer throws(JSONParseError) -> String in
          guard isValidUTF8(buffer) else { throw fail("invalid UTF-8 in a string", at: start) }
          return String(decoding: buffer, as: UTF8.self)
        }
      case UInt8(ascii: "\\"):
        position += 1
        guard position < bytes.count else { throw fail("unterminated string", at: start) }
        let escape = bytes[position]
        position += 1
        switch escape {
        case UInt8(ascii: "\""): scratch.append(0x22)
        case UInt8(ascii: "\\"): scratch.append(0x5C)
        case UInt8(ascii: "/"): scratch.append(0x2F)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"):
          let scalar = try parseUnicodeEscape()
          appendUTF8(scalar, to: &scratch)
        default:
          throw fail("invalid escape '\\\(printable(escape))'", at: position - 2)
        }
      default:
        if byte < 0x20 { throw fail("unescaped control character in a string") }
        scratch.append(byte)
        position += 1
      }
    }
    throw fail("unterminated string", at: start)
  }

  mutating func parseUnicodeEscape() throws(JSONParseError) -> Unicode.Scalar {
    let escapeStart = position - 2
    let high = try parseHex4()
    if (0xD800...0xDBFF).contains(high) {
      if position + 6 <= bytes.count && bytes[position] == UInt8(ascii: "\\")
        && bytes[position + 1] == UInt8(ascii: "u")
      {
        let saved = position
        position += 2
        let low = try parseHex4()
        if (0xDC00...0xDFFF).contains(low) {
          let value = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
          if let scalar = Unicode.Scalar(value) { return scalar }
        }
        position = saved
      }
      return try loneSurrogate(at: escapeStart)
    }
    if (0xDC00...0xDFFF).contains(high) { return try loneSurrogate(at: escapeStart) }
    guard let scalar = Unicode.Scalar(high) else { throw fail("invalid \\u escape", at: escapeStart) }
    return scalar
  }

  func loneSurrogate(at offset: Int) throws(JSONParseError) -> Unicode.Scalar {
    if options.replaceLoneSurrogates { return "\u{FFFD}" }
    throw fail("lone UTF-16 surrogate in a \\u escape", at: offset)
  }

  mutating func parseHex4() throws(JSONParseError) -> UInt32 {
    guard position + 4 <= bytes.count else { throw fail("truncated \\u escape") }
    var value: UInt32 = 0
    for _ in 0..<4 {
      let byte = bytes[position]
      let digit: UInt32
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
      default: throw fail("invalid hex digit in a \\u escape")
      }
      value = value << 4 | digit
      position += 1
    }
    return value
  }
}

/// Strict UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF), with a fast
/// path for ASCII, which most chat JSON is byte for byte.
func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
  var index = 0
  let count = bytes.count
  while index < count {
    if let base = bytes.baseAddress, index + 8 <= count,
      UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0
    {
      index += 8
      continue
    }
    let byte = bytes[index]
    if byte < 0x80 {
      index += 1
      continue
    }
    let length: Int
    var lower: UInt8 = 0x80
    var upper: UInt8 = 0xBF
    switch byte {
    case 0xC2...0xDF: length = 2
    case 0xE0:
      length = 3
      lower = 0xA0
    case 0xE1...0xEC, 0xEE...0xEF: length = 3
    case 0xED:
      length = 3
      upper = 0x9F
    case 0xF0:
      length = 4
      lower = 0x90
    case 0xF1...0xF3: length = 4
    case 0xF4:
      length = 4
      upper = 0x8F
    default: return false
    }
    guard index + length <= count else { return false }
    let second = bytes[index + 1]
    guard second >= lower && second <= upper else { return false }
    for offset in 2..<length where bytes[index + offset] & 0xC0 != 0x80 { return false }
    index += length
  }
  return true
}

/// Whether the bytes hold U+FFFD (EF BF BD).
private func containsReplacementCharacter(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
  containsSequence(bytes, 0xEF, 0xBF) { $0 == 0xBD }
}

@inline(__always) private func isDigit(_ byte: UInt8) -> Bool {
  byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
}

private func printable(_ byte: UInt8) -> String {
  (0x21...0x7E).contains(byte) ? String(UnicodeScalar(byte)) : hexText(byte)
}

private func hexText(_ byte: UInt8) -> String {
  "0x" + (byte < 16 ? "0" : "") + String(byte, radix: 16)
}

func appendUTF8(_ scalar: Unicode.Scalar, to bytes: inout [UInt8]) {
  let value = scalar.value
  switch value {
  case 0..<0x80:
    bytes.append(UInt8(value))
  case 0x80..<0x800:
    bytes.append(UInt8(0xC0 | (value >> 6)))
    bytes.append(UInt8(0x80 | (value & 0x3F)))
  case 0x800..<0x10000:
    bytes.append(UInt8(0xE0 | (value >> 12)))
    bytes.append(UInt8(0x80 | ((value >> 6) & 0x3F)))
    bytes.append(UInt8(0x80 | (value & 0x3F)))
  default:
    bytes.append(UInt8(0xF0 | (value >> 18)))
    bytes.append(UInt8(0x80 | ((value >> 12) & 0x3F)))
    bytes.append(UInt8(0x80 | ((value >> 6) & 0x3F)))
    bytes.append(UInt8(0x80 | (value & 0x3F)))
  }
}
