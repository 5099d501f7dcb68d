import ChatBundle
import Foundation

/// The pieces of an RFC 5322 / MIME message that an `.rsmf` file is made of, written by
/// hand so that the bytes depend on the input only: header fields with RFC 2047 encoded
/// words and folding, quoted-printable text, base64 lines, and the RFC 5322 date.
enum MIMEText {
  static let crlf: [UInt8] = [0x0D, 0x0A]

  /// `Name: value` with CRLF, folded. A value of printable ASCII is folded at its spaces;
  /// any other value (non-ASCII, control characters, a word too long to fold, text that
  /// looks like an encoded word) becomes UTF-8 encoded words, one per folded line.
  static func field(_ name: String, _ value: String) -> [UInt8] {
    var out = Array((name + ":").utf8)
    var lineLength = out.count
    if isPlain(value) {
      for word in value.split(separator: " ", omittingEmptySubsequences: true) {
        if lineLength + 1 + word.utf8.count > 78 && lineLength > name.utf8.count + 1 {
          out += crlf
          lineLength = 0
        }
        out.append(0x20)
        out += Array(word.utf8)
        lineLength += 1 + word.utf8.count
      }
    } else {
      for (index, word) in encodedWords(value).enumerated() {
        if index > 0 {
          out += crlf
          lineLength = 0
        }
        out.append(0x20)
        out += Array(word.utf8)
        lineLength += 1 + word.utf8.count
      }
    }
    return out + crlf
  }

  /// An address list of display names with empty addresses (`Name <>`), as Relativity's
  /// own sample writes participants, one per folded line.
  static func addressField(_ name: String, _ displays: [String]) -> [UInt8] {
    var out = Array((name + ":").utf8)
    for (index, display) in displays.enumerated() {
      if index > 0 { out += Array(",".utf8) + crlf }
      out.append(0x20)
      if isAtomText(display) {
        out += Array(display.utf8)
      } else {
        out += Array(encodedWords(display).joined(separator: "\r\n ").utf8)
      }
      out += Array(" <>".utf8)
    }
    return out + crlf
  }

  /// Printable ASCII words of at most 70 characters, and no `=?` that a reader would take
  /// for an encoded word.
  static func isPlain(_ value: String) -> Bool {
    guard value.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }), !value.contains("=?") else { return false }
    return value.split(separator: " ").allSatisfy { $0.utf8.count <= 70 }
  }

  /// Letters, digits and spaces only: a display name that needs neither quoting nor encoding.
  static func isAtomText(_ value: String) -> Bool {
    !value.isEmpty && value.utf8.count <= 60
      && value.utf8.allSatisfy {
        ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x20
      } && value.first != " " && value.last != " "
  }

  /// `=?UTF-8?B?…?=` words of at most 75 characters each, never splitting a character's
  /// UTF-8 bytes between two words.
  static func encodedWords(_ value: String) -> [String] {
    var words: [String] = []
    var chunk: [UInt8] = []
    for scalar in value.unicodeScalars {
      let bytes = Array(String(scalar).utf8)
      if chunk.count + bytes.count > 45 {
        words.append("=?UTF-8?B?" + base64(chunk) + "?=")
        chunk = []
      }
      chunk += bytes
    }
    if !chunk.isEmpty || words.isEmpty { words.append("=?UTF-8?B?" + base64(chunk) + "?=") }
    return words
  }

  static func base64(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }

  /// Quoted-printable (RFC 2045 §6.7) of UTF-8 text whose lines end in LF: printable ASCII
  /// but `=` stays as it is, everything else is `=XX`, a space or tab before a line end is
  /// encoded, lines end in CRLF and are broken softly before 76 characters.
  static func quotedPrintable(_ text: String) -> [UInt8] {
    let digits = Array("0123456789ABCDEF".utf8)
    var out: [UInt8] = []
    let lines = text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false)
    for (number, line) in lines.enumerated() {
      var length = 0
      let bytes = Array(line)
      for (index, byte) in bytes.enumerated() {
        let last = index == bytes.count - 1
        let literal = (byte >= 0x21 && byte <= 0x7E && byte != 0x3D) || ((byte == 0x20 || byte == 0x09) && !last)
        let width = literal ? 1 : 3
        if length + width > 75 {
          out.append(0x3D)
          out += crlf
          length = 0
        }
        if literal {
          out.append(byte)
        } else {
          out.append(0x3D)
          out.append(digits[Int(byte >> 4)])
          out.append(digits[Int(byte & 0x0F)])
        }
        length += width
      }
      if number < lines.count - 1 { out += crlf }
    }
    return out
  }

  /// RFC 5322 `date-time` in the local time given: `Mon, 10 Mar 2025 09:01:01 +0800`.
  static func date(_ local: LocalTime) -> String {
    let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    // 1970-01-01 was a Thursday.
    let weekday = Int(((local.dayNumber % 7) + 7 + 4) % 7)
    let month = months[Int(max(1, min(12, local.month))) - 1]
    let offset = abs(local.offsetSeconds)
    let zone =
      (local.offsetSeconds < 0 ? "-" : "+") + UTCTime.pad(offset / 3600, 2) + UTCTime.pad(offset / 60 % 60, 2)
    return days[weekday] + ", " + String(local.day) + " " + month + " " + UTCTime.pad(local.year, 4) + " "
      + local.time + " " + zone
  }
}
