import ChatBundle

/// What the pages' placeholders resolve against once the whole bundle has been read,
/// frozen: the finished pages of every conversation, where each conversation is, and the
/// status line every page shows. Page finishers on two threads share it, and nothing can
/// change it under them.
struct SiteSnapshot: Sendable {
  let conversations: [ConversationPages]
  let positions: [Identifier: Int]
  /// `<@STATUS@>`: whether the bundle verified, and when if asked.
  let status: String
  let nextLabel: String
  /// The name of the month menu's `nav`, in the site's language.
  let monthsLabel: String
}

/// Replaces the placeholders pages were written with, once the whole bundle has been read:
/// `<@MENU@>`, `<@NEXT@>`, `<@STATUS@>` and `<@R<hex id>@>` (the href of a reply or recall
/// target, on whatever page holds it). A placeholder cannot come from bundle data: every
/// `<` from the bundle was escaped.
///
/// Pages are finished on two threads at once, so a finisher reads the frozen snapshot
/// only and looks message ids up through its own `lookup`.
struct PageFinisher {
  let snapshot: SiteSnapshot
  let lookup: MessageIDLookup

  func resolve(_ bytes: [UInt8], conversation: ConversationPages?, page: String, next: String?) throws
    -> [UInt8]
  {
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count + 1024)
    // Text between placeholders is copied in runs: pages are hundreds of kilobytes and
    // hold a placeholder every few kilobytes at most.
    // A placeholder's `@` is looked for, not its `<`: pages are mostly tags.
    var copied = 0
    var index = 0
    while let at = bytes[index...].firstIndex(of: 0x40) {
      index = at + 1
      let found = at - 1
      guard found >= copied, bytes[found] == 0x3C, let end = findEnd(bytes, from: at + 1) else { continue }
      out += bytes[copied..<found]
      let token = String(decoding: bytes[(found + 2)..<end], as: UTF8.self)
      out += Array(try replacement(for: token, conversation: conversation, page: page, next: next).utf8)
      index = end + 2
      copied = index
    }
    out += bytes[copied...]
    return out
  }

  private func findEnd(_ bytes: [UInt8], from start: Int) -> Int? {
    var index = start
    while index + 1 < bytes.count && index - start < 4096 {
      if bytes[index] == 0x40 && bytes[index + 1] == 0x3E { return index }
      index += 1
    }
    return nil
  }

  private func replacement(
    for token: String, conversation: ConversationPages?, page: String, next: String?
  ) throws -> String {
    switch token {
    case "MENU":
      guard let conversation else { return "" }
      var html = HTML()
      html.raw("<nav class=\"months\" aria-label=\"")
      html.attribute(snapshot.monthsLabel)
      html.raw("\">")
      var seen: Set<String> = []
      let currentMonth = conversation.pages.first { $0.name == page }?.month
      for info in conversation.pages where seen.insert(info.month).inserted {
        html.raw(info.month == currentMonth ? "<a class=\"current\" href=\"" : "<a href=\"")
        html.attribute(info.name + ".html")
        html.raw("\">")
        html.text(info.month)
        html.raw("</a> ")
      }
      html.raw("</nav>")
      return html.string
    case "NEXT":
      guard let next else { return "" }
      var html = HTML()
      html.raw("<a class=\"next\" rel=\"next\" href=\"")
      html.attribute(next + ".html")
      html.raw("\">")
      html.text(snapshot.nextLabel + " →")
      html.raw("</a>")
      return html.string
    case "STATUS":
      return snapshot.status
    default:
      guard token.hasPrefix("R"), let text = Self.decodeHex(String(token.dropFirst())) else { return "#" }
      let id = Identifier(text)
      // By dictionary and binary search: a bundle may hold many thousands of one-to-one
      // conversations and pages, and every reply and recall comes through here.
      guard let (conversationID, line) = try lookup.find(id),
        let position = snapshot.positions[conversationID],
        let targetPage = snapshot.conversations[position].page(holding: line)
      else { return "#not-in-bundle" }
      let target = snapshot.conversations[position]
      let prefix = target.entry.id == conversation?.entry.id ? "" : "../" + target.directory.dropFirst(2) + "/"
      return HTML.escaped(prefix + targetPage.name + ".html#" + Self.fragment(MessageRenderer.anchor(id)))
    }
  }

  /// Percent-encodes everything but unreserved characters, so any id is a valid fragment.
  static func fragment(_ text: String) -> String {
    var out = ""
    for byte in text.utf8 {
      let unreserved =
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
        || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x7E
      if unreserved {
        out.unicodeScalars.append(Unicode.Scalar(byte))
      } else {
        out += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
      }
    }
    return out
  }

  static func decodeHex(_ hex: String) -> String? {
    var bytes: [UInt8] = []
    var iterator = hex.utf8.makeIterator()
    while let high = iterator.next() {
      guard let low = iterator.next(), let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) else {
        return nil
      }
      bytes.append(value)
    }
    return String(validating: bytes, as: UTF8.self)
  }
}
