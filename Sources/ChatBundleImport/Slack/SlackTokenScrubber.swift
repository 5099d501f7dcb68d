import ChatBundle

/// Removes Slack tokens (`xoxe-…`, `xoxp-…`, `xoxb-…`: any `xox<letter>-`) that ride in URL
/// query parameters, such as the `?t=xoxe-…` a native export adds to every file link.
///
/// Every string of the record is scrubbed, not only the members known to be URLs: the same
/// links appear inside mrkdwn text (`<https://files.slack.com/…?t=xoxe-…|name>`) and in
/// members Slack adds over time. A parameter is removed whole (`?t=…&a=1` becomes `?a=1`),
/// so the link still says which file it was.
enum SlackTokenScrubber {
  /// The value with every token parameter removed, and the names of the parameters removed,
  /// one per occurrence.
  static func scrub(_ value: JSONValue) -> (value: JSONValue, removed: [String]) {
    var removed: [String] = []
    let result = scrub(value, removed: &removed)
    return (result, removed)
  }

  private static func scrub(_ value: JSONValue, removed: inout [String]) -> JSONValue {
    switch value {
    case .string(let text):
      return .string(scrub(text, removed: &removed))
    case .array(let elements):
      return .array(elements.map { scrub($0, removed: &removed) })
    case .object(let object):
      return .object(JSONObject(object.members.map { JSONObject.Member($0.key, scrub($0.value, removed: &removed)) }))
    default:
      return value
    }
  }

  /// The text with its token parameters removed.
  static func scrub(_ text: String, removed: inout [String]) -> String {
    // Fast path: nearly every string has no token at all.
    guard text.utf8.count > 5, containsToken(Array(text.utf8)) else { return text }
    var bytes = Array(text.utf8)
    while let match = findParameter(in: bytes) {
      removed.append(String(decoding: bytes[match.nameStart..<match.nameEnd], as: UTF8.self))
      bytes.removeSubrange(match.removal)
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  private static func containsToken(_ bytes: [UInt8]) -> Bool {
    let needle = Array("=xox".utf8)
    guard bytes.count >= needle.count else { return false }
    for start in 0...(bytes.count - needle.count) where bytes[start] == needle[0] {
      if bytes[start..<(start + needle.count)].elementsEqual(needle) { return true }
    }
    return false
  }

  private struct Match {
    var nameStart: Int
    var nameEnd: Int
    var removal: Range<Int>
  }

  private static let ampersandEntity = Array("&amp;".utf8)

  /// The first `name=xox?-…` parameter after a `?`, `&` or `&amp;`, and the bytes to remove.
  private static func findParameter(in bytes: [UInt8]) -> Match? {
    var index = 0
    while index < bytes.count {
      let byte = bytes[index]
      var separatorEnd: Int?
      if byte == UInt8(ascii: "?") {
        separatorEnd = index + 1
      } else if byte == UInt8(ascii: "&") {
        separatorEnd = hasPrefix(bytes, ampersandEntity, at: index) ? index + ampersandEntity.count : index + 1
      }
      guard let nameStart = separatorEnd else {
        index += 1
        continue
      }
      var nameEnd = nameStart
      while nameEnd < bytes.count, isNameByte(bytes[nameEnd]) { nameEnd += 1 }
      let valueStart = nameEnd + 1
      guard nameEnd > nameStart, nameEnd < bytes.count, bytes[nameEnd] == UInt8(ascii: "="),
        isToken(bytes, at: valueStart)
      else {
        index = nameStart
        continue
      }
      var valueEnd = valueStart
      while valueEnd < bytes.count, !endsValue(bytes[valueEnd]) { valueEnd += 1 }
      let removal: Range<Int>
      if byte == UInt8(ascii: "?") {
        // Keep the `?` for the parameters that follow, or drop it when none does.
        if valueEnd < bytes.count, bytes[valueEnd] == UInt8(ascii: "&") {
          let nextEnd =
            hasPrefix(bytes, ampersandEntity, at: valueEnd) ? valueEnd + ampersandEntity.count : valueEnd + 1
          removal = nameStart..<nextEnd
        } else {
          removal = index..<valueEnd
        }
      } else {
        removal = index..<valueEnd
      }
      return Match(nameStart: nameStart, nameEnd: nameEnd, removal: removal)
    }
    return nil
  }

  /// `xox`, a lowercase letter, `-`: the shape of every Slack token type.
  private static func isToken(_ bytes: [UInt8], at start: Int) -> Bool {
    guard start + 5 <= bytes.count, hasPrefix(bytes, Array("xox".utf8), at: start) else { return false }
    let letter = bytes[start + 3]
    return letter >= 0x61 && letter <= 0x7A && bytes[start + 4] == UInt8(ascii: "-")
  }

  private static func isNameByte(_ byte: UInt8) -> Bool {
    (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
      || byte == 0x5F || byte == 0x2D
  }

  private static func endsValue(_ byte: UInt8) -> Bool {
    byte == UInt8(ascii: "&") || byte == UInt8(ascii: "#") || byte == UInt8(ascii: "|") || byte == UInt8(ascii: ">")
      || byte == UInt8(ascii: "<") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: " ") || byte == 0x0A
      || byte == 0x0D || byte == 0x09
  }

  private static func hasPrefix(_ bytes: [UInt8], _ prefix: [UInt8], at start: Int) -> Bool {
    start + prefix.count <= bytes.count && bytes[start..<(start + prefix.count)].elementsEqual(prefix)
  }
}
