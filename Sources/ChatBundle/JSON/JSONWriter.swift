/// Writes JSON in the one form chatbundle uses everywhere: no insignificant white space,
/// members in the order given, numbers as their literal text, and strings with the
/// minimal escapes plus U+2028 and U+2029, which break naive line splitters and
/// `<script>` embedding.
public enum JSONWriter {
  public static func serialize(_ value: JSONValue) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(256)
    write(value, to: &out)
    return out
  }

  public static func write(_ value: JSONValue, to out: inout [UInt8]) {
    switch value {
    case .null: out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
    case .bool(let flag): out.append(contentsOf: flag ? Array("true".utf8) : Array("false".utf8))
    case .number(let literal): out.append(contentsOf: literal.utf8)
    case .string(let text): writeString(text, to: &out)
    case .array(let elements):
      out.append(UInt8(ascii: "["))
      for (index, element) in elements.enumerated() {
        if index > 0 { out.append(UInt8(ascii: ",")) }
        write(element, to: &out)
      }
      out.append(UInt8(ascii: "]"))
    case .object(let object):
      out.append(UInt8(ascii: "{"))
      for (index, member) in object.members.enumerated() {
        if index > 0 { out.append(UInt8(ascii: ",")) }
        writeString(member.key, to: &out)
        out.append(UInt8(ascii: ":"))
        write(member.value, to: &out)
      }
      out.append(UInt8(ascii: "}"))
    }
  }

  public static func writeString(_ text: String, to out: inout [UInt8]) {
    var copy = text
    copy.withUTF8 { writeString(utf8: $0, to: &out) }
  }

  /// `writeString` for text already in UTF-8.
  public static func writeString(utf8 buffer: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
    // Most strings need no escape at all: copy them in one piece.
    for index in buffer.indices {
      let byte = buffer[index]
      if byte < 0x20 || byte == 0x22 || byte == 0x5C
        || (byte == 0xE2 && index + 2 < buffer.count && buffer[index + 1] == 0x80
          && (buffer[index + 2] == 0xA8 || buffer[index + 2] == 0xA9))
      {
        writeEscapedString(buffer, to: &out)
        return
      }
    }
    out.append(UInt8(ascii: "\""))
    out.append(contentsOf: buffer)
    out.append(UInt8(ascii: "\""))
  }

  private static func writeEscapedString(_ text: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    var utf8 = text.makeIterator()
    var pending: [UInt8] = []
    while let byte = utf8.next() {
      switch byte {
      case 0x22: out.append(contentsOf: [0x5C, 0x22])
      case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
      case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
      case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
      case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
      case 0x08: out.append(contentsOf: [0x5C, UInt8(ascii: "b")])
      case 0x0C: out.append(contentsOf: [0x5C, UInt8(ascii: "f")])
      case 0x00..<0x20:
        out.append(contentsOf: Array("\\u00".utf8))
        out.append(hexDigit(byte >> 4))
        out.append(hexDigit(byte & 0xF))
      case 0xE2:
        // U+2028 and U+2029 are E2 80 A8 and E2 80 A9.
        pending = [byte]
        if let second = utf8.next() {
          pending.append(second)
          if let third = utf8.next() {
            pending.append(third)
          }
        }
        if pending.count == 3 && pending[1] == 0x80 && (pending[2] == 0xA8 || pending[2] == 0xA9) {
          out.append(contentsOf: Array((pending[2] == 0xA8 ? "\\u2028" : "\\u2029").utf8))
        } else {
          out.append(contentsOf: pending)
        }
      default: out.append(byte)
      }
    }
    out.append(UInt8(ascii: "\""))
  }

  private static func hexDigit(_ nibble: UInt8) -> UInt8 {
    nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
  }
}

extension JSONWriter {
  /// `serialize`, with every character that can steer a terminal or reorder what it shows
  /// written as a `\u` escape: DEL, the C1 controls (U+0080–U+009F) and the bidirectional
  /// controls (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), as spec §14.2 asks
  /// of output that holds text from a bundle. C0 controls are escaped by JSON already. The
  /// result is the same JSON value.
  public static func serializeForTerminal(_ value: JSONValue) -> [UInt8] {
    let bytes = serialize(value)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var index = 0
    func escape(_ scalar: UInt32) {
      out += Array("\\u".utf8)
      for shift in stride(from: 12, through: 0, by: -4) { out.append(hexDigit(UInt8((scalar >> UInt32(shift)) & 0xF))) }
    }
    while index < bytes.count {
      let byte = bytes[index]
      let next = index + 1 < bytes.count ? bytes[index + 1] : 0
      let third = index + 2 < bytes.count ? bytes[index + 2] : 0
      if byte == 0x7F {
        escape(0x7F)
        index += 1
      } else if byte == 0xC2, (0x80...0x9F).contains(next) {
        escape(UInt32(next))
        index += 2
      } else if byte == 0xD8, next == 0x9C {
        escape(0x061C)
        index += 2
      } else if byte == 0xE2, next == 0x80, third == 0x8E || third == 0x8F || (0xAA...0xAE).contains(third) {
        escape(0x2000 + UInt32(third - 0x80))
        index += 3
      } else if byte == 0xE2, next == 0x81, (0xA6...0xA9).contains(third) {
        escape(0x2040 + UInt32(third - 0x80))
        index += 3
      } else {
        out.append(byte)
        index += 1
      }
    }
    return out
  }
}
