import ArchiveIO
import ChatBundle

/// Chromium writes the time it printed into the PDF's Info dictionary (`/CreationDate` and
/// `/ModDate`, `(D:YYYYMMDDHHmmSS+HH'mm')`), the only bytes that differ between two runs
/// on the same input. Each is overwritten in place with the bundle's creation time in the
/// same 23 characters, so no offset in the cross-reference table moves and the same bundle
/// gives the same PDF bytes. Anything of another shape is left as Chromium wrote it.
enum PDFDates {
  /// How far into the file the Info dictionary is looked for: Skia writes it as object 1.
  static let searchedBytes = 4096

  /// `D:` and the 14 digits of `seconds` (UTC) and `+00'00'`; nil when out of range.
  static func date(seconds: Int64) -> [UInt8]? {
    guard (0...BundleLimits.maximumTimestamp / 1000).contains(seconds) else { return nil }
    let digits = UTCTime.timestamp(milliseconds: seconds * 1000).utf8.filter { $0 >= 0x30 && $0 <= 0x39 }
    guard digits.count >= 14 else { return nil }
    return Array("D:".utf8) + digits.prefix(14) + Array("+00'00'".utf8)
  }

  /// Rewrites both dates of `path` to `seconds`; returns how many it rewrote (0, 1 or 2).
  @discardableResult
  static func normalize(_ path: String, toSeconds seconds: Int64) throws -> Int {
    guard let replacement = date(seconds: seconds) else { return 0 }
    let file = try OpenFile(path, .readWrite)
    defer { try? file.close() }
    let head = try file.read(count: searchedBytes, at: 0)
    var rewritten = 0
    for key in ["/CreationDate (", "/ModDate ("] {
      guard let start = find(Array(key.utf8), in: head) else { continue }
      let value = start + key.utf8.count
      guard value + replacement.count < head.count, head[value + replacement.count] == UInt8(ascii: ")"),
        isDate(head[value..<(value + replacement.count)])
      else { continue }
      try file.seek(to: Int64(value))
      try file.writeAll(replacement)
      rewritten += 1
    }
    return rewritten
  }

  /// `D:`, 14 digits, a sign, 2 digits, `'`, 2 digits, `'`: 23 characters.
  static func isDate(_ bytes: ArraySlice<UInt8>) -> Bool {
    let text = Array(bytes)
    guard text.count == 23, text[0] == UInt8(ascii: "D"), text[1] == UInt8(ascii: ":") else { return false }
    func digit(_ index: Int) -> Bool { text[index] >= 0x30 && text[index] <= 0x39 }
    let quote = UInt8(ascii: "'")
    return (2..<16).allSatisfy(digit) && (text[16] == UInt8(ascii: "+") || text[16] == UInt8(ascii: "-"))
      && digit(17) && digit(18) && text[19] == quote && digit(20) && digit(21) && text[22] == quote
  }

  private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
    guard needle.count <= haystack.count else { return nil }
    for index in 0...(haystack.count - needle.count) where haystack[index] == needle[0] {
      if haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
    }
    return nil
  }
}
