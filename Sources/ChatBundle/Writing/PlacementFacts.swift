/// What placing a message in its conversation file needs of it: what the conversation
/// index counts, the people and media it references, and what the manifest lists as
/// missing. Taken from the message when it is added and carried through the sorts beside
/// its line, so that the sorted lines are written without being parsed back (parsing them
/// was an eighth of a pack's time).
struct PlacementFacts: Sendable, Equatable {
  var id: Identifier
  var conversation: Identifier
  var timestamp: Int64
  var kind: MessageKind
  var sender: Identifier?
  /// The members a membership change or a `members` array lists (spec §10.1).
  var listedMembers: [Identifier]
  /// Everyone else the message names (members who joined or left, mentions, the quoted
  /// sender, reacting users, the editor, a forward's origin), for the people file.
  var namedPeople: [Identifier]
  var media: [Media]

  /// What the manifest says of a media reference: the file's digest, or why it is missing.
  struct Media: Sendable, Equatable {
    /// The reference's place in the message, as the manifest's `missing[].field` says it.
    var field: String
    var sha256: String?
    var name: String?
    var sourceReference: String?
    var missing: String?
  }

  init(_ message: Message) {
    id = message.id
    conversation = message.conversation
    timestamp = message.timestamp
    kind = message.kind
    sender = message.sender
    listedMembers = ConversationStatistics.listedMembers(of: message)
    var named: [Identifier] = []
    if case .membership(let change) = message.body { named += change.members }
    named += message.mentions
    if let quoted = message.replyTo?.sender { named.append(quoted) }
    if let annotations = message.annotations {
      for reaction in annotations.reactions { named += reaction.users }
      if let editor = annotations.edited?.editor { named.append(editor) }
      if let origin = annotations.forwardedFrom?.id { named.append(origin) }
    }
    namedPeople = named
    media = message.mediaReferences.map { path, reference in
      Media(
        field: path.description, sha256: reference.sha256, name: reference.name,
        sourceReference: reference.sourceReference, missing: reference.missing)
    }
  }

  /// A sort record's payload that `MessageOrdering` builds: the facts' length (four bytes),
  /// the facts, then the line; nil when it is cut short.
  static func split(_ payload: ArraySlice<UInt8>) -> (facts: ArraySlice<UInt8>, line: ArraySlice<UInt8>)? {
    guard payload.count >= 4 else { return nil }
    let length = Int(readBigEndian(UInt32.self, from: payload))
    guard payload.count - 4 >= length else { return nil }
    let factsStart = payload.startIndex + 4
    return (payload[factsStart..<(factsStart + length)], payload[(factsStart + length)...])
  }

  /// The facts as bytes for a sort record; `init(decoding:)` reads them back.
  func encoded() -> [UInt8] {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(64 + id.text.utf8.count + conversation.text.utf8.count)
    var writer = Writer(bytes: bytes)
    writer.string(id.text)
    writer.string(conversation.text)
    writer.integer(timestamp)
    writer.string(kind.rawValue)
    writer.optional(sender?.text)
    writer.identifiers(listedMembers)
    writer.identifiers(namedPeople)
    writer.count(media.count)
    for item in media {
      writer.string(item.field)
      writer.optional(item.sha256)
      writer.optional(item.name)
      writer.optional(item.sourceReference)
      writer.optional(item.missing)
    }
    return writer.bytes
  }

  /// The facts `encoded()` wrote; nil when the bytes are not such facts (a damaged scratch file).
  init?(decoding bytes: ArraySlice<UInt8>) {
    var reader = Reader(bytes: bytes)
    guard let id = reader.string(), let conversation = reader.string(), let timestamp = reader.integer(),
      let kindName = reader.string(), let kind = MessageKind(rawValue: kindName), let sender = reader.optional(),
      let listed = reader.identifiers(), let named = reader.identifiers(), let mediaCount = reader.count()
    else { return nil }
    var media: [Media] = []
    for _ in 0..<mediaCount {
      guard let field = reader.string(), let sha256 = reader.optional(), let name = reader.optional(),
        let sourceReference = reader.optional(), let missing = reader.optional()
      else { return nil }
      media.append(Media(field: field, sha256: sha256, name: name, sourceReference: sourceReference, missing: missing))
    }
    guard reader.isAtEnd else { return nil }
    self.id = Identifier(id)
    self.conversation = Identifier(conversation)
    self.timestamp = timestamp
    self.kind = kind
    self.sender = sender.map { Identifier($0) }
    listedMembers = listed
    namedPeople = named
    self.media = media
  }

  private struct Writer {
    var bytes: [UInt8]

    mutating func count(_ value: Int) { appendBigEndian(UInt32(truncatingIfNeeded: value), to: &bytes) }

    mutating func integer(_ value: Int64) { appendBigEndian(UInt64(bitPattern: value), to: &bytes) }

    mutating func string(_ text: String) {
      count(text.utf8.count)
      bytes.append(contentsOf: text.utf8)
    }

    mutating func optional(_ text: String?) {
      guard let text else { return bytes.append(0) }
      bytes.append(1)
      string(text)
    }

    mutating func identifiers(_ ids: [Identifier]) {
      count(ids.count)
      for id in ids { string(id.text) }
    }
  }

  private struct Reader {
    let bytes: ArraySlice<UInt8>
    var position: Int

    init(bytes: ArraySlice<UInt8>) {
      self.bytes = bytes
      position = bytes.startIndex
    }

    var isAtEnd: Bool { position == bytes.endIndex }

    private mutating func take(_ length: Int) -> ArraySlice<UInt8>? {
      guard length >= 0, bytes.endIndex - position >= length else { return nil }
      defer { position += length }
      return bytes[position..<(position + length)]
    }

    mutating func count() -> Int? { take(4).map { Int(readBigEndian(UInt32.self, from: $0)) } }

    mutating func integer() -> Int64? { take(8).map { Int64(bitPattern: readBigEndian(UInt64.self, from: $0)) } }

    mutating func string() -> String? {
      guard let length = count(), let text = take(length) else { return nil }
      return String(decoding: text, as: UTF8.self)
    }

    /// `.some(nil)` for an absent string, nil when the bytes end early.
    mutating func optional() -> String?? {
      guard let flag = take(1)?.first else { return nil }
      if flag == 0 { return .some(nil) }
      guard flag == 1, let text = string() else { return nil }
      return .some(text)
    }

    mutating func identifiers() -> [Identifier]? {
      guard let count = count() else { return nil }
      var ids: [Identifier] = []
      for _ in 0..<count {
        guard let text = string() else { return nil }
        ids.append(Identifier(text))
      }
      return ids
    }
  }
}
