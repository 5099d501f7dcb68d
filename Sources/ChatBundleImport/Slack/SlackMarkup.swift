import Foundation

/// Slack mrkdwn made into the text a person reads, and who it mentions.
///
/// Only Slack's angle-bracket escapes are rewritten: `<@U123>` becomes `@Real Name`,
/// `<#C123|general>` `#general`, `<https://x|label>` `label (https://x)`, `<!here>` `@here`,
/// and `&amp; &lt; &gt;` are unescaped. Emphasis (`*bold*`, `_it_`, `` `code` ``, fences)
/// and `:emoji:` codes stay as typed; the record's raw text keeps the original.
struct SlackMarkup {
  struct Rendered: Equatable {
    var text: String
    var mentions: [String] = []
    var mentionsAll = false
  }

  /// Display names of users and channels by id, to name the ones a tag gives no label.
  var userName: (String) -> String?
  var channelName: (String) -> String?

  func render(_ markup: String) -> Rendered {
    var result = Rendered(text: "")
    var rest = Substring(markup)
    while let open = rest.firstIndex(of: "<") {
      result.text += Self.unescape(rest[..<open])
      let afterOpen = rest.index(after: open)
      guard let close = rest[afterOpen...].firstIndex(of: ">") else {
        // A lone `<`: Slack escapes real ones, so this is text as typed.
        result.text += Self.unescape(rest[open...])
        rest = ""
        break
      }
      tag(rest[afterOpen..<close], into: &result)
      rest = rest[rest.index(after: close)...]
    }
    result.text += Self.unescape(rest)
    return result
  }

  private func tag(_ content: Substring, into result: inout Rendered) {
    let target: Substring
    let label: String?
    if let bar = content.firstIndex(of: "|") {
      target = content[..<bar]
      let text = Self.unescape(content[content.index(after: bar)...])
      label = text.isEmpty ? nil : text
    } else {
      target = content
      label = nil
    }
    if target.hasPrefix("@") {
      let id = String(target.dropFirst())
      if !id.isEmpty, !result.mentions.contains(id) { result.mentions.append(id) }
      let name = userName(id) ?? label ?? id
      result.text += name.hasPrefix("@") ? name : "@" + name
    } else if target.hasPrefix("#") {
      let id = String(target.dropFirst())
      result.text += "#" + (label ?? channelName(id) ?? id)
    } else if target.hasPrefix("!") {
      let command = target.dropFirst()
      let word = command.split(separator: "^", maxSplits: 1).first.map(String.init) ?? ""
      switch word {
      case "here", "channel", "everyone":
        result.mentionsAll = true
        result.text += "@" + word
      case "subteam":
        result.text += label ?? "@" + String(command.dropFirst("subteam^".count))
      default:
        // `<!date^…|fallback>` and the like: the fallback is what clients without the
        // feature show.
        result.text += label ?? word
      }
    } else {
      let url = Self.unescape(target)
      if let label, label != url, !url.hasPrefix("mailto:") || "mailto:" + label != url {
        result.text += label + " (" + url + ")"
      } else {
        result.text += url.hasPrefix("mailto:") ? String(url.dropFirst("mailto:".count)) : url
      }
    }
  }

  /// Slack escapes exactly these three in message text.
  static func unescape(_ text: Substring) -> String {
    guard text.contains("&") else { return String(text) }
    return text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
      .replacingOccurrences(of: "&amp;", with: "&")
  }
}
