import ChatBundle

/// Messages and JSON values made from a seed, for property tests: every kind, hostile and
/// unusual text (CJK, emoji, controls, quotes, U+2028, markup), big number literals.
public struct RandomMessages {
  private var state: UInt64

  public init(seed: UInt64) { state = seed | 1 }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  public mutating func int(_ range: ClosedRange<Int>) -> Int {
    range.lowerBound + Int(next() % UInt64(range.count))
  }

  public mutating func chance(_ percent: Int) -> Bool { int(0...99) < percent }

  static let pieces = [
    "a", "Z", "0", " ", "\n", "\t", "\"", "\\", "/", "<script>", "</script>", "&amp;", "'", "\u{0}", "\u{1F}",
    "\u{7F}", "\u{2028}", "\u{2029}", "é", "早上好", "🙂", "👨‍👩‍👧", "\u{FEFF}", "%", ":", "{", "}", "[", "]",
  ]

  public mutating func text(maximum: Int = 12) -> String {
    (0..<int(0...maximum)).map { _ in Self.pieces[int(0...(Self.pieces.count - 1))] }.joined()
  }

  /// An id: printable, no control characters, sometimes a big decimal number.
  public mutating func identifier() -> String {
    if chance(30) { return String(next() % 900_000_000_000_000_000 + 100_000_000_000_000_000) }
    let alphabet = Array("abcXYZ019-_.:%@中文")
    return String((0..<int(1...10)).map { _ in alphabet[int(0...(alphabet.count - 1))] })
  }

  public mutating func numberLiteral() -> String {
    switch int(0...3) {
    case 0: return String(next())
    case 1: return "-" + String(int(0...999)) + "." + String(int(0...99999))
    case 2: return "11101571002822706744" + String(int(0...9))
    default: return "1.5e" + String(int(0...300))
    }
  }

  public mutating func json(depth: Int = 0) -> JSONValue {
    switch depth > 3 ? int(0...3) : int(0...5) {
    case 0: return .null
    case 1: return .bool(chance(50))
    case 2: return .number(numberLiteral())
    case 3: return .string(text())
    case 4: return .array((0..<int(0...4)).map { _ in json(depth: depth + 1) })
    default:
      var object = JSONObject()
      var keys: Set<String> = []
      for _ in 0..<int(0...4) {
        let key = text(maximum: 4)
        if keys.insert(key).inserted { object.members.append(JSONObject.Member(key, json(depth: depth + 1))) }
      }
      return .object(object)
    }
  }

  public mutating func media(missing: Bool) -> MediaReference {
    var reference = MediaReference(name: chance(80) ? text() : nil, sourceReference: chance(50) ? identifier() : nil)
    if missing {
      reference.missing = MissingReason.allCases[int(0...(MissingReason.allCases.count - 1))].rawValue
    } else {
      reference.sha256 = String((0..<64).map { _ in Array("0123456789abcdef")[int(0...15)] })
      reference.size = Int64(int(0...1_000_000))
      reference.mediaType = chance(50) ? "image/png" : nil
    }
    if chance(30) { reference.width = Int64(int(1...4000)) }
    if chance(30) { reference.durationMilliseconds = Int64(int(0...100_000)) }
    return reference
  }

  /// A part of any kind: random stored members, read as that kind, so that it holds a
  /// body and, like a line from another writer may, members its kind does not use.
  public mutating func part(depth: Int) -> MessagePart {
    var members = ContentMembers()
    if chance(60) { members.text = text() }
    if chance(30) { members.media = media(missing: chance(50)) }
    if depth < 3 && chance(20) {
      members.merged = MergedRecord(
        title: text(), summary: nil, level: Int64(depth + 1), items: [self.part(depth: depth + 1)])
    }
    // A part is never a redaction marker: a redaction replaces a whole message.
    let kinds = MessageKind.allCases.filter { $0 != .redacted }
    let kind = kinds[int(0...(kinds.count - 1))]
    let (body, unused) = members.body(as: kind, level: .part)
    var part = MessagePart(
      body, sender: chance(50) ? Identifier(identifier()) : nil,
      timestamp: chance(50) ? Int64(int(0...2_000_000_000)) * 1000 : nil)
    part.unusedMembers = unused
    return part
  }

  /// A message of `kind` in `conversation`, with the content that kind uses and a random
  /// selection of the optional members.
  public mutating func message(kind: MessageKind, conversation: Identifier, timestamp: Int64) -> Message {
    let body: MessageBody
    switch kind {
    case .text: body = .text(text(maximum: 40))
    case .notice: body = .notice(text(maximum: 40))
    case .image, .audio, .video, .file:
      let mediaKind = MediaContent.Kind(rawValue: kind.rawValue) ?? .file
      var content = MediaContent(mediaKind, reference: media(missing: chance(30)))
      if kind == .video && chance(60) { content.thumbnail = media(missing: chance(30)) }
      if chance(20) { content.caption = text() }
      body = .media(content)
    case .location:
      body = .location(
        Location(address: chance(70) ? text() : nil, latitude: numberLiteral(), longitude: numberLiteral()))
    case .command: body = .command(text())
    case .custom:
      body = .custom(
        CustomEvent(
          event: chance(80) ? text() : nil,
          fields: (0..<int(0...3)).map { index in KeyValue("k\(index)" + text(maximum: 2), text()) }))
    case .merged:
      body = .merged(
        MergedRecord(title: text(), summary: text(), level: 1, items: (0..<int(0...3)).map { _ in part(depth: 1) }))
    case .memberJoined, .memberLeft:
      body = .membership(
        MembershipChange(
          kind == .memberJoined ? .joined : .left, members: (0..<int(1...3)).map { _ in Identifier(identifier()) }))
    case .recall: body = .recall(target: Identifier(identifier()))
    case .unknown: body = .unknown(UnknownContent(sourceType: text()))
    case .redacted:
      let kinds = MessageKind.allCases.filter { $0 != .redacted }
      body = .redacted(removedKind: kinds[int(0...(kinds.count - 1))])
    }
    var message = Message(
      id: Identifier(identifier() + "-" + String(next() % 1_000_000)), conversation: conversation,
      timestamp: timestamp, sender: kind == .notice && chance(50) ? nil : Identifier(identifier()), body: body,
      source: SourceRecord(platform: "test", raw: json()))
    if chance(20) {
      message.replyTo = ReplyReference(
        id: Identifier(identifier()), sender: chance(50) ? Identifier(identifier()) : nil, preview: text())
    }
    if chance(15) { message.mentions = (0..<int(1...3)).map { _ in Identifier(identifier()) } }
    message.mentionsAll = chance(10)
    if chance(10) { message.parts = [part(depth: 1)] }
    // Now and then members the kind does not use, as another writer may store them: a
    // stray attachment must still be checked and listed like any other.
    if kind == .location && chance(20) { message.unusedMembers.text = text() }
    if kind == .text && chance(10) { message.unusedMembers.media = media(missing: chance(50)) }
    if kind == .redacted {
      // A marker holds exactly one record, for the whole message, and nothing else.
      message.replyTo = nil
      message.mentions = []
      message.mentionsAll = false
      message.parts = []
      message.source.raw = .null
      message.redactions = [
        RedactionRecord(path: "", reason: "r" + text(), commitment: String(repeating: "ab", count: 32))
      ]
      return message
    }
    if chance(15) { annotate(&message) }
    return message
  }

  /// Format 1.3's edits, reactions, threads and the rest, each now and then.
  private mutating func annotate(_ message: inout Message) {
    func someone() -> Identifier { Identifier(identifier()) }
    func time() -> Int64 { Int64(int(0...2_000_000_000)) * 1000 }
    if chance(40) {
      let history = (0..<int(0...2)).map { _ in MessageRevision(text: text(), timestamp: chance(50) ? time() : nil) }
      message.edited = MessageEdit(
        timestamp: chance(70) ? time() : nil, editor: chance(30) ? someone() : nil, history: history)
    }
    if chance(40) {
      message.reactions = (0..<int(1...3)).map { _ in
        let users = (0..<int(0...3)).map { _ in someone() }
        return Reaction(
          emoji: chance(50) ? "👍" : text(maximum: 3) + "x", name: chance(50) ? text(maximum: 3) : nil,
          count: Int64(users.count + int(0...5)), users: users)
      }
    }
    if chance(30) { message.thread = ThreadReference(root: someone(), broadcast: chance(30)) }
    message.pinned = chance(10)
    message.senderIsBot = chance(10)
    if chance(20) {
      message.forwardedFrom = ForwardOrigin(
        name: chance(70) ? text() : nil, id: chance(50) ? someone() : nil, timestamp: chance(50) ? time() : nil)
    }
    if message.kind == .notice && chance(50) { message.pinTarget = someone() }
    if chance(10) {
      message.redactions = [
        RedactionRecord(
          path: "/text", span: .init(start: Int64(int(0...5)), length: Int64(int(1...5))), reason: "r" + text(),
          commitment: String(repeating: "0f", count: 32))
      ]
    }
  }
}
