import ChatBundle

/// A message's `content` (Discord markdown) as the text a reader sees, and who it mentions.
///
/// DCE already writes mentions as `@Name` and custom emoji as `:name:`; hand-made or older
/// files can still hold Discord's raw tokens, which are rewritten the same way: `<@123>`
/// and `<@!123>` become `@Name` (the name from the message's `mentions[]`, else the id)
/// and add the user to `mentions`; `<#123>` becomes `#name` for the file's own channel, else
/// `#123`; `<@&123>` becomes `@role:123`; `<:name:123>` and `<a:name:123>` become `:name:`.
/// Markdown itself (`**bold**`, `||spoiler||`) stays as written. `raw` keeps the original.
enum DiscordContent {
  struct Rendered: Equatable {
    var text: String
    var mentions: [Identifier]
    var mentionsAll: Bool
  }

  /// The longest token looked at: an id is at most 20 digits, an emoji name 32 characters.
  private static let longestToken = 80

  static func render(_ content: String, names: [Identifier: String], channel: DiscordChannel) -> Rendered {
    let bytes = Array(content.utf8)
    var output: [UInt8] = []
    output.reserveCapacity(bytes.count)
    var mentions: [Identifier] = []
    var index = 0
    while index < bytes.count {
      guard bytes[index] == UInt8(ascii: "<"),
        let close = bytes[index..<min(bytes.count, index + longestToken)].firstIndex(of: UInt8(ascii: ">")),
        let replacement = token(bytes[(index + 1)..<close], names: names, channel: channel, mentions: &mentions)
      else {
        output.append(bytes[index])
        index += 1
        continue
      }
      output += replacement.utf8
      index = close + 1
    }
    let text = String(decoding: output, as: UTF8.self)
    let mentionsAll = text.contains("@everyone") || text.contains("@here")
    return Rendered(text: text, mentions: mentions, mentionsAll: mentionsAll)
  }

  private static func token(
    _ inner: ArraySlice<UInt8>, names: [Identifier: String], channel: DiscordChannel, mentions: inout [Identifier]
  ) -> String? {
    func digits(_ slice: ArraySlice<UInt8>) -> String? {
      guard !slice.isEmpty, slice.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
      return String(decoding: slice, as: UTF8.self)
    }
    guard let first = inner.first else { return nil }
    let rest = inner.dropFirst()
    switch first {
    case UInt8(ascii: "@"):
      if rest.first == UInt8(ascii: "&") { return digits(rest.dropFirst()).map { "@role:" + $0 } }
      let idBytes = rest.first == UInt8(ascii: "!") ? rest.dropFirst() : rest
      guard let id = digits(idBytes) else { return nil }
      let user = Identifier(id)
      if !mentions.contains(user) { mentions.append(user) }
      return "@" + (names[user] ?? id)
    case UInt8(ascii: "#"):
      guard let id = digits(rest) else { return nil }
      if Identifier(id) == channel.id, let name = channel.name, !name.isEmpty { return "#" + name }
      return "#" + id
    case UInt8(ascii: ":"), UInt8(ascii: "a"):
      // `<:name:id>` or, animated, `<a:name:id>`.
      let body = first == UInt8(ascii: "a") ? rest : inner
      guard body.first == UInt8(ascii: ":"), let colon = body.dropFirst().firstIndex(of: UInt8(ascii: ":")),
        colon > body.startIndex + 1, digits(body[(colon + 1)...]) != nil
      else { return nil }
      let name = body[(body.startIndex + 1)..<colon]
      guard name.allSatisfy({ isNameByte($0) }) else { return nil }
      return ":" + String(decoding: name, as: UTF8.self) + ":"
    default:
      return nil
    }
  }

  /// Discord emoji names are letters, digits and `_`.
  private static func isNameByte(_ byte: UInt8) -> Bool {
    (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F
  }
}
