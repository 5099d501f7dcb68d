import ChatBundle

/// A conversation's media pages, `gallery.html`, `gallery-2.html`, …: its images and
/// videos as a grid of thumbnails (the originals, loaded lazily; nothing is re-encoded),
/// its files and voice messages as a table with names, sizes and durations, each leading
/// to its message. Written as the messages stream past, `itemsPerPage` at a time, so that
/// a conversation of a hundred thousand pictures is as light to render as one of ten.
struct GalleryPages {
  static let itemsPerPage = 200

  let frame: SiteFrame
  /// `raw/<dir>` in the scratch directory.
  let directory: String
  /// The links between the conversation's messages, overview and media.
  let views: String
  let title: String
  private var visual = HTML()
  private var other = HTML()
  private var items = 0
  private(set) var names: [String] = []

  init(frame: SiteFrame, directory: String, title: String, views: String) {
    self.frame = frame
    self.title = title
    self.directory = directory
    self.views = views
  }

  /// Adds the stored files of `message`, shown on `page`.
  mutating func add(
    _ message: Message, at local: LocalTime, page: String, senderName: String, mediaNames: [String: String]
  ) throws {
    for (path, reference) in message.mediaReferences where path.slot == .media {
      guard let sha = reference.sha256, let file = mediaNames[sha] else { continue }
      let kind = Self.kind(of: reference, at: path, in: message)
      let url = "../../media/" + file
      let target = page + ".html#" + PageFinisher.fragment(MessageRenderer.anchor(message.id))
      let when = local.date + " " + local.time
      let strings = frame.strings
      switch kind {
      case .image, .video:
        visual.raw("<li><a href=\"")
        visual.attribute(target)
        visual.raw("\">")
        let label =
          (kind == .image ? strings.overview(.imageKind) : strings.overview(.videoKind)) + " · " + senderName + " · "
          + when + (reference.name.map { " · " + $0 } ?? "")
        if kind == .image {
          visual.raw("<img loading=\"lazy\" src=\"")
          visual.attribute(url)
          visual.raw("\" alt=\"")
          visual.attribute(label)
          visual.raw("\">")
        } else if let poster = Self.poster(of: message, mediaNames) {
          visual.raw("<img class=\"poster\" loading=\"lazy\" src=\"")
          visual.attribute("../../media/" + poster)
          visual.raw("\" alt=\"")
          visual.attribute(label)
          visual.raw("\"><span class=\"play\" aria-hidden=\"true\">▶</span>")
        } else {
          visual.raw("<span class=\"tile\">▶ ")
          visual.text(label)
          visual.raw("</span>")
        }
        visual.raw("</a><span class=\"meta\">")
        visual.text(senderName + " · " + when)
        visual.raw("</span></li>\n")
      case .audio, .file:
        other.raw("<tr><td><a download=\"")
        other.attribute(reference.name ?? file)
        other.raw("\" href=\"")
        other.attribute(url)
        other.raw("\">")
        other.text(reference.name ?? file)
        other.raw("</a></td><td>")
        other.text(kind == .audio ? strings.overview(.audioKind) : strings.overview(.fileKind))
        other.raw("</td><td class=\"number\">")
        other.text(reference.size.map(MessageRenderer.size) ?? "")
        other.raw("</td><td class=\"number\">")
        other.text(reference.durationMilliseconds.map(Self.duration) ?? "")
        other.raw("</td><td>")
        other.text(senderName)
        other.raw("</td><td><a href=\"")
        other.attribute(target)
        other.raw("\">")
        other.text(when)
        other.raw("</a></td></tr>\n")
      }
      items += 1
      if items == Self.itemsPerPage { try writePage() }
    }
  }

  /// Writes the last page (the only one, empty, when the conversation has no stored media).
  mutating func finish() throws {
    if items > 0 || names.isEmpty { try writePage() }
  }

  private mutating func writePage() throws {
    let name = names.isEmpty ? "gallery" : "gallery-\(names.count + 1)"
    let strings = frame.strings
    var body = HTML()
    if items == 0 {
      body.raw("<p class=\"empty\">")
      body.text(strings.overview(.noMedia))
      body.raw("</p>\n")
    }
    if !visual.bytes.isEmpty {
      body.raw("<section aria-labelledby=\"visual-h\"><h2 id=\"visual-h\">")
      body.text(strings.overview(.visualMedia))
      body.raw("</h2>\n<ul class=\"gallery\">\n")
      body.append(visual)
      body.raw("</ul></section>\n")
    }
    if !other.bytes.isEmpty {
      body.raw("<section aria-labelledby=\"other-h\"><h2 id=\"other-h\">")
      body.text(strings.overview(.otherMedia))
      body.raw("</h2>\n<div class=\"scroll\"><table class=\"files\"><thead><tr>")
      body.columnHeads(
        [OverviewText.name, .kind, .size, .duration, .sender, .sent].map {
          (strings.overview($0), $0 == .size || $0 == .duration)
        })
      body.raw("</tr></thead><tbody>\n")
      body.append(other)
      body.raw("</tbody></table></div></section>\n")
    }
    let context: [String: Any] = [
      "conversation": title, "views": views, "body": Self.bodyMarker, "strings": frame.stringsContext(),
      "previous": names.last.map { $0 + ".html" } ?? "", "hasPrevious": !names.isEmpty, "next": "<@NEXT@>",
      "page": names.isEmpty ? "" : String(names.count + 1),
    ]
    let framed = Array(
      frame.layout(
        body: frame.library.render(context, withTemplate: "gallery") ?? "",
        title: title + " · " + strings.overview(.gallery),
        root: "../../"
      ).utf8)
    var bytes: [UInt8] = []
    appendReplacing(Array(Self.bodyMarker.utf8), with: body.bytes, in: framed, to: &bytes)
    try writeNewFile(directory + "/" + name + ".html", bytes)
    names.append(name)
    visual = HTML()
    other = HTML()
    items = 0
  }

  /// Stands for the page's items in the rendered template; it cannot come from a bundle.
  static let bodyMarker = "<@GALLERY@>"

  static func kind(of reference: MediaReference, at path: MediaPath, in message: Message) -> MediaContent.Kind {
    if path == .media, case .media(let content) = message.body { return content.kind }
    let type = reference.mediaType ?? ""
    if type.hasPrefix("image/") { return .image }
    if type.hasPrefix("video/") { return .video }
    if type.hasPrefix("audio/") { return .audio }
    return .file
  }

  static func poster(of message: Message, _ mediaNames: [String: String]) -> String? {
    guard case .media(let content) = message.body, let sha = content.thumbnail?.sha256 else { return nil }
    return mediaNames[sha]
  }

  /// `0:07`, `12:30`, `1:02:03` from milliseconds.
  static func duration(_ milliseconds: Int64) -> String {
    let seconds = max(0, milliseconds) / 1000
    let (hours, minutes, rest) = (seconds / 3600, seconds / 60 % 60, seconds % 60)
    return hours > 0
      ? String(hours) + ":" + UTCTime.pad(minutes, 2) + ":" + UTCTime.pad(rest, 2)
      : String(minutes) + ":" + UTCTime.pad(rest, 2)
  }
}
