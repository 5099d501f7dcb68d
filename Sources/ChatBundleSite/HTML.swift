/// HTML text built by appending: every piece of bundle data goes through `text` or
/// `attribute`, which escape it, so markup can only come from this module's own literals.
package struct HTML {
  package private(set) var bytes: [UInt8] = []

  package init() {}

  /// Markup written by chatbundle itself (tags, class names), never bundle data.
  package mutating func raw(_ markup: StaticString) {
    bytes.append(contentsOf: UnsafeBufferPointer(start: markup.utf8Start, count: markup.utf8CodeUnitCount))
  }

  /// Markup that an earlier `HTML` produced, already escaped.
  package mutating func append(_ other: HTML) { bytes += other.bytes }

  /// Text content: `&`, `<`, `>`, `"` and `'` are escaped.
  package mutating func text(_ value: String) { HTML.escape(value, into: &bytes) }

  /// An attribute value (always written inside double quotes by the caller's literal).
  package mutating func attribute(_ value: String) { HTML.escape(value, into: &bytes) }

  /// Dates, times and offsets that chatbundle formats itself: digits and separators only.
  package mutating func formatted(_ write: (inout [UInt8]) -> Void) { write(&bytes) }

  package mutating func number<T: BinaryInteger>(_ value: T) { bytes.append(contentsOf: String(value).utf8) }

  package var string: String { String(decoding: bytes, as: UTF8.self) }

  package static func escape(_ value: String, into out: inout [UInt8]) {
    var copy = value
    copy.withUTF8 { bytes in
      // Runs between special characters are copied whole: most text has none at all.
      var runStart = 0
      for index in bytes.indices {
        let entity: StaticString
        switch bytes[index] {
        case UInt8(ascii: "&"): entity = "&amp;"
        case UInt8(ascii: "<"): entity = "&lt;"
        case UInt8(ascii: ">"): entity = "&gt;"
        case UInt8(ascii: "\""): entity = "&#34;"
        case UInt8(ascii: "'"): entity = "&#39;"
        default: continue
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
        out.append(contentsOf: UnsafeBufferPointer(start: entity.utf8Start, count: entity.utf8CodeUnitCount))
        runStart = index + 1
      }
      out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
    }
  }

  package static func escaped(_ value: String) -> String {
    var out: [UInt8] = []
    escape(value, into: &out)
    return String(decoding: out, as: UTF8.self)
  }
}
