/// The light markup some services let people type (Slack's mrkdwn, Discord's Markdown),
/// shown as they saw it: bold, italic, strikethrough, underline, inline code and code
/// blocks. Only this module's own tags are written; every character of the text goes
/// through `HTML.text`, and a delimiter that does not close is shown as typed.
struct InlineMarkup {
  enum Dialect: Sendable {
    case slack, discord

    /// The dialect of a message's platform, if it has one.
    init?(platform: String) {
      switch platform {
      case "slack": self = .slack
      case "discord": self = .discord
      default: return nil
      }
    }
  }

  private enum Style {
    case bold, italic, strike, underline, code, block

    var open: StaticString {
      switch self {
      case .bold: "<strong>"
      case .italic: "<em>"
      case .strike: "<del>"
      case .underline: "<u>"
      case .code: "<code>"
      // Inside a paragraph, so not <pre>: styled as a block of preformatted text.
      case .block: "<code class=\"block\">"
      }
    }

    var close: StaticString {
      switch self {
      case .bold: "</strong>"
      case .italic: "</em>"
      case .strike: "</del>"
      case .underline: "</u>"
      case .code: "</code>"
      case .block: "</code>"
      }
    }

    /// Code is shown literally: nothing inside it is markup.
    var isLiteral: Bool { self == .code || self == .block }
  }

  /// Longest first, so that `**` is not read as two `*`.
  private let delimiters: [(marker: [Character], style: Style)]
  /// Past this many characters a text is shown as typed: markup is a courtesy, and a
  /// hostile message must not cost more than its length.
  static let maximumCharacters = 32_768
  private static let maximumDepth = 3

  init(_ dialect: Dialect) {
    switch dialect {
    case .slack:
      delimiters = [(["`", "`", "`"], .block), (["`"], .code), (["*"], .bold), (["_"], .italic), (["~"], .strike)]
    case .discord:
      delimiters = [
        (["`", "`", "`"], .block), (["`"], .code), (["*", "*"], .bold), (["_", "_"], .underline),
        (["~", "~"], .strike), (["*"], .italic), (["_"], .italic),
      ]
    }
  }

  /// Writes `text` with its markup; `plain` writes each run of unmarked text (so that
  /// links are still found in it).
  func render(_ text: String, into html: inout HTML, plain: (String, inout HTML) -> Void) {
    let characters = Array(text)
    guard characters.count <= Self.maximumCharacters else {
      plain(text, &html)
      return
    }
    render(characters[...], depth: 0, into: &html, plain: plain)
  }

  private func render(
    _ characters: ArraySlice<Character>, depth: Int, into html: inout HTML, plain: (String, inout HTML) -> Void
  ) {
    var run = ""
    var index = characters.startIndex
    // A marker that found no closer from one opener finds none from a later opener on the
    // same stretch either: remembered, so that a text full of lone `*` costs its length.
    var noCloserBefore = [Int](repeating: characters.startIndex, count: delimiters.count)
    func flush(_ html: inout HTML) {
      if !run.isEmpty { plain(run, &html) }
      run = ""
    }
    scan: while index < characters.endIndex {
      if depth < Self.maximumDepth {
        for (number, (marker, style)) in delimiters.enumerated()
        where index >= noCloserBefore[number] && opens(marker, style, at: index, in: characters) {
          let found = closing(marker, style, after: index + marker.count, in: characters)
          guard let close = found.index else {
            noCloserBefore[number] = found.searchedTo
            continue
          }
          flush(&html)
          html.raw(style.open)
          let inner = characters[(index + marker.count)..<close]
          if style.isLiteral {
            html.text(String(style == .block ? trimmedBlock(inner) : inner))
          } else {
            render(inner, depth: depth + 1, into: &html, plain: plain)
          }
          html.raw(style.close)
          index = close + marker.count
          continue scan
        }
      }
      run.append(characters[index])
      index += 1
    }
    flush(&html)
  }

  /// A code block's first newline, after the opening fence, is not part of the code.
  private func trimmedBlock(_ inner: ArraySlice<Character>) -> ArraySlice<Character> {
    inner.first == "\n" ? inner.dropFirst() : inner
  }

  private func matches(_ marker: [Character], at index: Int, in characters: ArraySlice<Character>) -> Bool {
    guard index >= characters.startIndex, index + marker.count <= characters.endIndex else { return false }
    return characters[index..<(index + marker.count)].elementsEqual(marker)
  }

  /// An opener follows the start, white space or punctuation, and is followed by
  /// something other than white space (code may start anywhere).
  private func opens(_ marker: [Character], _ style: Style, at index: Int, in characters: ArraySlice<Character>)
    -> Bool
  {
    guard matches(marker, at: index, in: characters) else { return false }
    if style.isLiteral { return true }
    let before = index > characters.startIndex ? characters[index - 1] : nil
    let after = index + marker.count < characters.endIndex ? characters[index + marker.count] : nil
    guard let after, !after.isWhitespace else { return false }
    return before.map { $0.isWhitespace || ($0.isPunctuation && !marker.contains($0)) } ?? true
  }

  /// Where the marker closes: on the same line for inline styles, anywhere for a block;
  /// a closer is preceded by something other than white space and followed by the end,
  /// white space or punctuation.
  /// - Returns: the closer's index, or nil and where the search stopped (the line's end).
  private func closing(_ marker: [Character], _ style: Style, after start: Int, in characters: ArraySlice<Character>)
    -> (index: Int?, searchedTo: Int)
  {
    var index = start
    while index + marker.count <= characters.endIndex {
      let character = characters[index]
      if character == "\n" && style != .block { return (nil, index) }
      if index > start, matches(marker, at: index, in: characters) {
        if style.isLiteral { return (index, index) }
        let before = characters[index - 1]
        let after = index + marker.count < characters.endIndex ? characters[index + marker.count] : nil
        let endsWord = after.map { $0.isWhitespace || ($0.isPunctuation && !marker.contains($0)) } ?? true
        if !before.isWhitespace && endsWord { return (index, index) }
      }
      index += 1
    }
    return (nil, characters.endIndex)
  }
}
