import Foundation

/// Finds `http://` and `https://` URLs in message text, so they can be shown as links.
/// Only these two schemes ever become links: `javascript:`, `data:` and the rest stay text.
enum LinkDetector {
  /// The text split into plain pieces and URL pieces, in order.
  static func pieces(_ text: String) -> [(text: String, isLink: Bool)] {
    // Most messages hold no link; a byte scan says so without Foundation's string search.
    guard mayHoldLink(text) else { return [(text, false)] }
    var result: [(String, Bool)] = []
    var rest = Substring(text)
    while let start = firstURLStart(in: rest) {
      if start > rest.startIndex { result.append((String(rest[..<start]), false)) }
      var end = start
      while end < rest.endIndex, isURLCharacter(rest[end]) { end = rest.index(after: end) }
      // Sentence punctuation right after a URL is not part of it.
      while end > start, let last = rest[..<end].last, ".,;:!?)]}'\"".contains(last) {
        end = rest.index(before: end)
      }
      let url = String(rest[start..<end])
      result.append((url, url.count > "https://".count))
      rest = rest[end...]
    }
    if !rest.isEmpty { result.append((String(rest), false)) }
    return result
  }

  private static func mayHoldLink(_ text: String) -> Bool {
    var copy = text
    return copy.withUTF8 { bytes in
      guard bytes.count >= 8 else { return false }
      for index in 0..<(bytes.count - 3)
      where bytes[index] == 0x68 && bytes[index + 1] == 0x74 && bytes[index + 2] == 0x74 && bytes[index + 3] == 0x70 {
        return true
      }
      return false
    }
  }

  private static func firstURLStart(in text: Substring) -> Substring.Index? {
    let http = text.range(of: "http://")?.lowerBound
    let https = text.range(of: "https://")?.lowerBound
    switch (http, https) {
    case (let a?, let b?): return min(a, b)
    case (let a?, nil): return a
    case (nil, let b?): return b
    default: return nil
    }
  }

  private static func isURLCharacter(_ character: Character) -> Bool {
    guard let ascii = character.asciiValue else { return false }
    return ascii > 0x20 && ascii < 0x7F && character != "<" && character != ">" && character != "\""
      && character != "`"
  }
}
