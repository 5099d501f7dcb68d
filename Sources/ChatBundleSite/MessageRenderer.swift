import ChatBundle

/// One message as HTML. Everything from the bundle passes through `HTML.text` or
/// `HTML.attribute`; links that are only known when the whole bundle has been read (reply
/// and recall targets on other pages) are written as placeholders for `PageFinisher`.
package struct MessageRenderer {
  let people: [Identifier: String]
  let clock: LocalClock
  let strings: SiteStrings
  /// Relative path from a conversation page to the site root (for print: to the directory
  /// that holds `media/`).
  package var root = "../../"
  /// For a printed document (`export pdf`): images load at once and only in the types a
  /// browser prints (others get a caption like any file), media are not links (their files
  /// are not beside the PDF), captions name the media type, and links to other messages
  /// point at `#r-<hex id>` in the same document, which `printAnchor` marks.
  package var forPrint = false
  /// Merged records nest inside each other; past this depth a marker stands for the rest,
  /// so a hostile or odd record cannot make a page unreadable.
  static let maximumMergedDepth = 6
  /// Media whose bytes are in the bundle: sha256 to the site file name.
  package var mediaNames: [String: String] = [:]
  /// The image file extensions a printed document shows inline.
  package static let printableImageExtensions: Set<String> = ["jpg", "png", "gif", "webp", "bmp"]

  /// Each named person's avatar (colour class and initials), worked out once: a page of
  /// short runs draws one for most of its messages.
  private let avatars: [Identifier: (colour: Int, initials: String)]

  package init(people: [Identifier: String], clock: LocalClock, strings: SiteStrings) {
    self.people = people
    self.clock = clock
    self.strings = strings
    var avatars: [Identifier: (colour: Int, initials: String)] = [:]
    for (id, name) in people { avatars[id] = (Self.avatarColour(of: id), Self.initials(of: name)) }
    self.avatars = avatars
  }

  package func name(of id: Identifier?) -> String {
    guard let id else { return "" }
    return people[id] ?? id.text
  }

  /// - Parameters:
  ///   - recall: the tombstone that recalled this message, if one did.
  ///   - revision: the latest record that is a later version of this message.
  ///   - hidden: show only that the message was recalled, not its content.
  ///   - local: the message's local time, when the caller has already worked it out.
  ///   - placement: in a chat layout (the site), where the message stands in its run of one
  ///     sender's messages; nil for the plain layout of a printed document.
  package func render(
    _ message: Message, at local: LocalTime? = nil, recall: RecallNotice? = nil, revision: RevisionNotice? = nil,
    hidden: Bool = false, placement: MessageGrouping.Placement? = nil,
    into html: inout HTML
  ) {
    let local = local ?? clock.local(message.timestamp)
    if message.body.isSystemEvent {
      renderSystemRow(message, at: local, into: &html)
    } else {
      if hidden, let recall {
        renderHiddenRecalled(message, at: local, recall: recall, into: &html)
        return
      }
      html.raw("<article class=\"msg kind-")
      html.attribute(message.kind.rawValue)
      if let placement {
        if placement.continuesRun { html.raw(" cont") }
        if placement.isMine { html.raw(" mine") }
      }
      html.raw(recall == nil ? "\" id=\"" : " recalled\" id=\"")
      html.attribute(Self.anchor(message.id))
      html.raw("\"><header>")
      if let placement, !placement.continuesRun { renderAvatar(message.sender, into: &html) }
      // A run's later messages repeat the name for screen readers and print only.
      html.raw(placement?.continuesRun == true ? "<span class=\"sender repeated\">" : "<span class=\"sender\">")
      html.text(name(of: message.sender))
      html.raw("</span> ")
      if message.senderIsBot {
        html.raw("<span class=\"bot\">")
        html.text(strings(.bot))
        html.raw("</span> ")
      }
      timeElement(local, into: &html)
      if message.pinned {
        html.raw(" <span class=\"pinned\">")
        html.text(strings(.pinned))
        html.raw("</span>")
      }
      html.raw("</header>")
      if let recall { renderRecallNote(recall, into: &html) }
      if let annotations = message.annotations { renderContext(annotations, into: &html) }
      if let reply = message.replyTo { renderReply(reply, into: &html) }
      html.raw("<div class=\"body\">")
      let markup = InlineMarkup.Dialect(platform: message.source.platform.text).map(InlineMarkup.init)
      renderBody(message.body, level: .message, markup: markup, into: &html, depth: 1)
      for part in message.parts { renderBody(part.body, level: .part, markup: markup, into: &html, depth: 1) }
      html.raw("</div>")
      if let annotations = message.annotations { renderAfterBody(annotations, into: &html) }
      if let revision {
        html.raw("<p class=\"edited\">")
        html.text(strings(.edited) + " " + clock.local(revision.timestamp).dateTime + " · ")
        link(to: revision.id, text: strings(.newVersion), into: &html)
        html.raw("</p>")
      }
      if message.mentionsAll || !message.mentions.isEmpty {
        html.raw("<p class=\"mentions\"><span class=\"label\">")
        html.text(strings(.mentions))
        html.raw("</span> ")
        if message.mentionsAll { html.text(strings(.mentionsAll) + " ") }
        for user in message.mentions { html.text("@" + name(of: user) + " ") }
        html.raw("</p>")
      }
      html.raw("</article>\n")
    }
  }

  /// The sender's initials on a colour that the id alone decides, so that one person has
  /// one colour on every page and in every rendering of the bundle.
  private func renderAvatar(_ sender: Identifier?, into html: inout HTML) {
    let id = sender ?? Identifier("?")
    let (colour, initials) =
      sender.flatMap { avatars[$0] } ?? (Self.avatarColour(of: id), Self.initials(of: name(of: sender)))
    html.raw("<span class=\"avatar a")
    html.attribute(String(colour))
    html.raw("\" aria-hidden=\"true\">")
    html.text(initials)
    html.raw("</span>")
  }

  /// The first byte of the id's SHA-256, modulo the colours.
  static func avatarColour(of id: Identifier) -> Int {
    var digest = SHA256Digest()
    digest.update(id.bytes)
    return Int(digest.finalizeBytes().first ?? 0) % avatarColours
  }

  /// How many avatar colours the style sheet defines (`.avatar.a0` to `.a11`).
  static let avatarColours = 12

  /// One ideograph (王 for 王芳老师), else the first letters of the first two words (EZ for
  /// Emily Zhang), else "?".
  package static func initials(of name: String) -> String {
    let words = name.split { !$0.isLetter && !$0.isNumber }
    guard let first = words.first?.first else { return "?" }
    func isIdeograph(_ character: Character) -> Bool {
      character.unicodeScalars.first?.properties.isIdeographic == true
    }
    if isIdeograph(first) { return String(first) }
    var letters = [first]
    if let next = words.dropFirst().first?.first, !isIdeograph(next) { letters.append(next) }
    return letters.map { $0.uppercased() }.joined()
  }

  /// What a message stands in: a thread, an edit of another message, a forward.
  private func renderContext(_ annotations: MessageAnnotations, into html: inout HTML) {
    if let thread = annotations.thread {
      html.raw("<p class=\"thread\">")
      link(to: thread.root, text: strings(.threadReply), into: &html)
      if thread.broadcast { html.text(" · " + strings(.alsoInConversation)) }
      html.raw("</p>")
    }
    if let target = annotations.editTarget {
      html.raw("<p class=\"revision-of\">")
      link(to: target, text: strings(.revisionOf), into: &html)
      html.raw("</p>")
    }
    if let origin = annotations.forwardedFrom {
      html.raw("<p class=\"forwarded\">")
      var text = strings(.forwardedFrom) + " " + (origin.name ?? origin.id.map { name(of: $0) } ?? "?")
      if let timestamp = origin.timestamp { text += " · " + clock.local(timestamp).dateTime }
      html.text(text)
      html.raw("</p>")
    }
  }

  /// That the message was edited (with its earlier versions, folded) and its reactions.
  private func renderAfterBody(_ annotations: MessageAnnotations, into html: inout HTML) {
    if let edit = annotations.edited {
      html.raw("<p class=\"edited\">")
      var text = strings(.edited)
      if let timestamp = edit.timestamp { text += " " + clock.local(timestamp).dateTime }
      if let editor = edit.editor { text += " · " + strings(.editedBy) + " " + name(of: editor) }
      html.text(text)
      html.raw("</p>")
      if !edit.history.isEmpty {
        html.raw("<details class=\"history\"><summary>")
        html.text(strings(.earlierVersions) + " (\(edit.history.count))")
        html.raw("</summary><ol>")
        for revision in edit.history {
          html.raw("<li>")
          if let timestamp = revision.timestamp {
            html.raw("<span class=\"when\">")
            html.text(clock.local(timestamp).dateTime)
            html.raw("</span> ")
          }
          renderText(revision.text, into: &html)
          html.raw("</li>")
        }
        html.raw("</ol></details>")
      }
    }
    if !annotations.reactions.isEmpty {
      html.raw("<ul class=\"reactions\" aria-label=\"")
      html.attribute(strings(.reactedBy))
      html.raw("\">")
      for reaction in annotations.reactions {
        let names = reaction.users.map { name(of: $0) }.joined(separator: ", ")
        html.raw("<li title=\"")
        html.attribute(names.isEmpty ? (reaction.name ?? reaction.emoji) : names)
        html.raw("\"><span class=\"emoji\">")
        html.text(reaction.emoji)
        html.raw("</span> <span class=\"count\">")
        html.text(String(reaction.count))
        html.raw("</span></li>")
      }
      html.raw("</ul>")
    }
  }

  /// A link to another message, wherever it is: a placeholder `PageFinisher` resolves.
  private func link(to target: Identifier, text: String, into html: inout HTML) {
    openLink(to: target, into: &html)
    html.text(text)
    html.raw("</a>")
  }

  /// `<a href="` and the target's placeholder (in print, its anchor) and `">`.
  private func openLink(to target: Identifier?, into html: inout HTML) {
    html.raw(forPrint ? "<a href=\"#r-" : "<a href=\"<@R")
    html.attribute(target.map(Self.hexID) ?? "")
    html.raw(forPrint ? "\">" : "@>\">")
  }

  /// The anchor a printed document puts before each message, for the links `openLink` makes.
  package static func printAnchor(_ id: Identifier, into html: inout HTML) {
    html.raw("<span class=\"anchor\" id=\"r-")
    html.attribute(hexID(id))
    html.raw("\"></span>")
  }

  /// "Recalled by X at T", linking to the tombstone.
  private func renderRecallNote(_ recall: RecallNotice, into html: inout HTML) {
    html.raw("<p class=\"recall-note\">")
    openLink(to: recall.id, into: &html)
    html.text(strings(.recalledBy) + " " + name(of: recall.by) + " · ")
    html.text(clock.local(recall.timestamp).dateTime)
    html.raw("</a></p>")
  }

  /// The row a recalled message leaves with `--hide-recalled`: sender, time and who
  /// recalled it, never the content.
  private func renderHiddenRecalled(
    _ message: Message, at local: LocalTime, recall: RecallNotice, into html: inout HTML
  ) {
    html.raw("<div class=\"sys recalled-hidden\" id=\"")
    html.attribute(Self.anchor(message.id))
    html.raw("\">")
    timeElement(local, into: &html)
    html.raw(" <span class=\"sender\">")
    html.text(name(of: message.sender))
    html.raw("</span> ")
    html.text(strings(.recalledHidden) + " ")
    renderRecallNote(recall, into: &html)
    html.raw("</div>\n")
  }

  /// `m-<id>`; ids are any printable text, and the attribute escaping keeps them inert.
  static func anchor(_ id: Identifier) -> String { "m-" + id.text }

  private func timeElement(_ local: LocalTime, into html: inout HTML) {
    html.raw("<time datetime=\"")
    html.formatted(local.appendTimestamp)
    html.raw("\">")
    html.formatted(local.appendTime)
    html.raw("</time>")
  }

  private func renderSystemRow(_ message: Message, at local: LocalTime, into html: inout HTML) {
    html.raw("<div class=\"sys kind-")
    html.attribute(message.kind.rawValue)
    html.raw("\" id=\"")
    html.attribute(Self.anchor(message.id))
    html.raw("\">")
    timeElement(local, into: &html)
    html.raw(" ")
    switch message.body {
    case .membership(let change):
      let names = change.members.map { name(of: $0) }.joined(separator: "、")
      html.text((names.isEmpty ? name(of: message.sender) : names) + " ")
      html.text(strings(change.change == .joined ? .joined : .left))
    case .recall(let target):
      html.text(name(of: message.sender) + " ")
      openLink(to: target, into: &html)
      html.text(strings(.recalled))
      html.raw("</a>")
    case .redacted(let removedKind):
      html.text(name(of: message.sender) + " ")
      html.raw("<span class=\"redacted\">")
      html.text(strings(.redactedMessage) + (removedKind.map { " (\($0.rawValue))" } ?? ""))
      if let reason = message.redactions.first?.reason {
        html.text(" · " + strings(.reason) + ": " + reason)
      }
      html.raw("</span>")
    case .notice(let text):
      html.raw("<span class=\"notice\">")
      html.text(text)
      html.raw("</span>")
      if let target = message.pinTarget {
        html.raw(" ")
        link(to: target, text: strings(.pinnedMessage), into: &html)
      }
    default:
      break
    }
    html.raw("</div>\n")
  }

  private func renderReply(_ reply: ReplyReference, into html: inout HTML) {
    html.raw("<blockquote class=\"reply\">")
    openLink(to: reply.id, into: &html)
    html.text(strings(.replyTo) + " " + name(of: reply.sender))
    html.raw("</a>")
    if let preview = reply.preview {
      html.raw("<span class=\"preview\">")
      html.text(preview)
      html.raw("</span>")
    }
    html.raw("</blockquote>")
  }

  /// The id in hex: placeholders hold only `[0-9a-f]`, whatever the id contains.
  package static func hexID(_ id: Identifier) -> String { SHA256Digest.hex(id.bytes) }

  /// - Parameter markup: the light markup the source's people type, shown as they saw it.
  private func renderBody(
    _ body: MessageBody, level: ContentMembers.Level, markup: InlineMarkup? = nil, into html: inout HTML, depth: Int
  ) {
    switch body {
    case .text(let text):
      renderText(text, markup: markup, into: &html)
    case .media(let content):
      if let caption = content.caption, !caption.isEmpty { renderText(caption, markup: markup, into: &html) }
      if let media = content.reference { renderMedia(content.kind, media, thumbnail: content.thumbnail, into: &html) }
    case .location(let place):
      if let location = place {
        html.raw("<p class=\"location\"><span class=\"label\">")
        html.text(strings(.location))
        html.raw("</span> ")
        html.text([location.name, location.address].compactMap { $0 }.joined(separator: " "))
        html.raw(" <span class=\"coordinates\">")
        html.text(location.latitude + ", " + location.longitude)
        html.raw("</span></p>")
      }
    case .merged(let merged):
      html.raw("<div class=\"merged\"><p class=\"title\">")
      html.text(merged.title ?? "")
      html.raw("</p>")
      if let summary = merged.summary, !summary.isEmpty {
        html.raw("<p class=\"summary\">")
        html.text(summary)
        html.raw("</p>")
      }
      if depth > Self.maximumMergedDepth, !merged.items.isEmpty {
        html.raw("<p class=\"too-deep\">")
        html.text(strings(.nestedTooDeep))
        html.raw("</p>")
      } else {
        for item in merged.items {
          html.raw("<div class=\"item\"><span class=\"sender\">")
          html.text(name(of: item.sender))
          html.raw("</span> ")
          if let timestamp = item.timestamp {
            html.raw("<span class=\"when\">")
            html.text(clock.local(timestamp).dateTime)
            html.raw("</span>")
          }
          renderBody(item.body, level: .part, markup: markup, into: &html, depth: depth + 1)
          html.raw("</div>")
        }
      }
      if let media = merged.attachment { renderMedia(.file, media, thumbnail: nil, into: &html) }
      html.raw("</div>")
    case .redacted:
      html.raw("<p class=\"redacted\">")
      html.text(strings(.redactedMessage))
      html.raw("</p>")
    case .unknown(let content):
      html.raw("<p class=\"unsupported\">")
      html.text(strings(.unsupported) + ": " + (content.sourceType ?? "?"))
      html.raw("</p>")
      if let text = content.text, !text.isEmpty { renderText(text, into: &html) }
    case .command(let action):
      // A message's action is shown folded; a part keeps it as its text.
      if level == .message {
        renderCommand(action, into: &html)
      } else if !action.isEmpty {
        renderText(action, into: &html)
      }
    case .custom(let custom):
      if level == .message { renderCustom(custom, into: &html) }
    case .notice(let text):
      if !text.isEmpty { renderText(text, into: &html) }
    case .membership, .recall:
      break
    }
  }

  /// Newlines are kept by CSS (`white-space: pre-wrap`); URLs become links that open only
  /// when clicked, never loaded.
  private func renderText(_ text: String, markup: InlineMarkup? = nil, into html: inout HTML) {
    html.raw("<p class=\"text\">")
    if let markup {
      markup.render(text, into: &html) { run, html in renderLinks(run, into: &html) }
    } else {
      renderLinks(text, into: &html)
    }
    html.raw("</p>")
  }

  private func renderLinks(_ text: String, into html: inout HTML) {
    for piece in LinkDetector.pieces(text) {
      if piece.isLink {
        html.raw("<a rel=\"noopener noreferrer nofollow\" href=\"")
        html.attribute(piece.text)
        html.raw("\">")
        html.text(piece.text)
        html.raw("</a>")
      } else {
        html.text(piece.text)
      }
    }
  }

  private func renderMedia(
    _ kind: MediaContent.Kind, _ media: MediaReference, thumbnail: MediaReference?, into html: inout HTML
  ) {
    guard let sha = media.sha256, let file = mediaNames[sha] else {
      // Say what kind of file is missing; the source's handle (an sdkfileid, a uuid) is
      // shown apart, as a reference for whoever still has access to the service.
      let label = label(of: kind)
      html.raw("<p class=\"missing\">")
      html.text(label + (media.name.map { " " + $0 } ?? "") + " — " + strings(.notBundled))
      if media.name == nil, let reference = media.sourceReference {
        html.raw(" <code class=\"reference\">")
        html.text(reference)
        html.raw("</code>")
      }
      if let reason = media.missing {
        html.raw(" <span class=\"reason\">(")
        html.text(reason)
        html.raw(")</span>")
      }
      html.raw("</p>")
      return
    }
    let url = root + "media/" + file
    if forPrint {
      renderPrintedMedia(kind, media, file: file, url: url, into: &html)
      return
    }
    switch kind {
    case .image:
      html.raw("<figure><a href=\"")
      html.attribute(url)
      html.raw("\"><img loading=\"lazy\" src=\"")
      html.attribute(url)
      html.raw("\" alt=\"")
      html.attribute(media.name ?? "")
      html.raw("\"></a><figcaption>")
      html.text(media.name ?? "")
      html.raw("</figcaption></figure>")
    case .audio:
      html.raw("<figure><audio controls preload=\"none\" src=\"")
      html.attribute(url)
      html.raw("\"></audio><figcaption>")
      caption(media, label: strings(.audio), into: &html)
      html.raw("</figcaption></figure>")
    case .video:
      html.raw("<figure><video controls preload=\"none\" src=\"")
      html.attribute(url)
      if let poster = thumbnail?.sha256.flatMap({ mediaNames[$0] }) {
        html.raw("\" poster=\"")
        html.attribute(root + "media/" + poster)
      }
      html.raw("\"></video><figcaption>")
      caption(media, label: strings(.video), into: &html)
      html.raw("</figcaption></figure>")
    default:
      html.raw("<p class=\"file\"><a download=\"")
      html.attribute(media.name ?? file)
      html.raw("\" href=\"")
      html.attribute(url)
      html.raw("\">")
      html.text(media.name ?? file)
      html.raw("</a> <span class=\"size\">")
      html.text(Self.size(media.size ?? 0))
      html.raw("</span></p>")
    }
  }

  /// Media on paper: an image the browser can print inline at print size, anything else
  /// as a caption (kind, name, type, size, duration). Nothing is a link: the files are
  /// not beside the PDF.
  private func renderPrintedMedia(
    _ kind: MediaContent.Kind, _ media: MediaReference, file: String, url: String, into html: inout HTML
  ) {
    let printable = Self.printableImageExtensions.contains(String(file.split(separator: ".").last ?? ""))
    if kind == .image, printable {
      html.raw("<figure class=\"image\"><img src=\"")
      html.attribute(url)
      html.raw("\" alt=\"")
      html.attribute(media.name ?? "")
      html.raw("\"><figcaption>")
      caption(media, label: strings(.image), into: &html)
      html.raw("</figcaption></figure>")
      return
    }
    html.raw("<p class=\"file\">")
    caption(media, label: label(of: kind), into: &html)
    html.raw("</p>")
  }

  /// What kind of file a message holds, in words.
  private func label(of kind: MediaContent.Kind) -> String {
    switch kind {
    case .image: strings(.image)
    case .audio: strings(.audio)
    case .video: strings(.video)
    default: strings(.attachment)
    }
  }

  /// What a player stands for, so that a printed transcript still says what was sent.
  private func caption(_ media: MediaReference, label: String, into html: inout HTML) {
    var parts = [label]
    if let name = media.name { parts.append(name) }
    if forPrint, let type = media.mediaType { parts.append(type) }
    if let duration = media.durationMilliseconds { parts.append("\(duration / 1000)″") }
    if let size = media.size { parts.append(Self.size(size)) }
    html.text(parts.joined(separator: " · "))
  }

  private func renderCommand(_ action: String, into html: inout HTML) {
    html.raw("<details class=\"command\"><summary>")
    html.text(strings(.command))
    html.raw("</summary><code>")
    html.text(action)
    html.raw("</code></details>")
  }

  private func renderCustom(_ custom: CustomEvent, into html: inout HTML) {
    html.raw("<div class=\"custom\"><p class=\"event\">")
    html.text(custom.event ?? "")
    html.raw("</p><dl>")
    for field in custom.fields {
      html.raw("<dt>")
      html.text(field.key)
      html.raw("</dt><dd>")
      html.text(field.value)
      html.raw("</dd>")
    }
    html.raw("</dl></div>")
  }

  static func size(_ bytes: Int64) -> String {
    if bytes < 1024 { return "\(bytes) B" }
    if bytes < 1024 * 1024 { return "\((bytes * 10 / 1024 + 5) / 10) KB" }
    return "\((bytes * 10 / (1024 * 1024)) / 10).\((bytes * 10 / (1024 * 1024)) % 10) MB"
  }
}
