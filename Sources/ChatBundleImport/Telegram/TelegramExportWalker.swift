import ArchiveIO
import ChatBundle

/// Walks a Telegram Desktop `result.json` in one pass, holding one message at a time.
///
/// The file is either one chat (`{"name","type","id","messages":[…]}`) or a whole account
/// (`{"about","personal_information",…,"chats":{"list":[chat,…]},"left_chats":{"list":[…]}}`).
/// A chat's `messages` can be hundreds of megabytes, so no chat or section is parsed
/// whole: the walker tracks strings and nesting byte by byte (`JSONByteCursor`, as `RecordSplitter` does),
/// hands over the top-level members other than the chat lists, each chat's members before
/// its `messages`, and then each message's bytes.
final class TelegramExportWalker {
  /// A chat's members before its `messages` array (`name`, `type`, `id`), and where it is.
  struct ChatHeader {
    var members: JSONObject
    /// `chats` or `left_chats` in an account export; nil for a single-chat export.
    var section: String?
    /// 1-based position in the whole file, over both lists.
    var number: Int
    var line: Int64
  }

  /// One element of a chat's `messages`.
  struct MessageBytes {
    var bytes: [UInt8]
    var line: Int64
    /// 1-based position in the chat's `messages`.
    var element: Int64
  }

  struct FormatError: Error, CustomStringConvertible {
    var line: Int64
    var message: String
    var description: String { "line \(line): \(message)" }
  }

  /// What the walker hands over, in file order.
  struct Visitor {
    /// A top-level member other than `chats`, `left_chats` and `messages`, parsed (these
    /// are metadata: `about`, `personal_information`, `contacts`, …). Nil when it is not
    /// JSON the parser takes; the walk goes on.
    var topLevelMember: (String, JSONValue?) throws -> Void
    var chat: (ChatHeader) throws -> Void
    var message: (MessageBytes) throws -> Void
  }

  private let cursor: JSONByteCursor
  private var line: Int64 { cursor.line }
  private var chatCount = 0

  init(stream: ByteStream, maximumRecordBytes: Int = 64 << 20) {
    cursor = JSONByteCursor(stream: stream, maximumValueBytes: maximumRecordBytes, noun: "a value") { line, message in
      FormatError(line: line, message: message)
    }
  }

  func walk(_ visitor: Visitor) throws {
    try skipWhitespace()
    guard let first = try peek() else { throw FormatError(line: line, message: "the file is empty") }
    guard first == UInt8(ascii: "{") else {
      let found = first == UInt8(ascii: "[") ? "a JSON array" : "no JSON object"
      throw FormatError(
        line: line,
        message: "found \(found) where Telegram Desktop writes one object ({\"name\",\"type\",\"id\",\"messages\"} or "
          + "{\"about\",…,\"chats\"}); this is not a Telegram Desktop result.json")
    }
    let rootLine = line
    var header = JSONObject()
    var sawChatContent = false
    try readObjectMembers { key in
      switch key {
      case "messages":
        guard try peek() == UInt8(ascii: "[") else { return false }
        chatCount += 1
        try visitor.chat(ChatHeader(members: header, section: nil, number: chatCount, line: rootLine))
        try readMessages(visitor)
        sawChatContent = true
        return true
      case "chats", "left_chats":
        guard try peek() == UInt8(ascii: "{") else { return false }
        try readChatSection(key, visitor)
        sawChatContent = true
        return true
      default:
        return false
      }
    } otherMember: { key, bytes in
      let value = try? JSONParser.parse(bytes, options: .lenient)
      header.append(key, value ?? .null)
      try visitor.topLevelMember(key, value)
    }
    try skipWhitespace()
    if try peek() != nil {
      throw FormatError(line: line, message: "more data follows the top-level object; result.json holds one object")
    }
    if !sawChatContent {
      throw FormatError(line: rootLine, message: Self.whatItLooksLike(header))
    }
  }

  /// A clear word on a file that is JSON but no Telegram export.
  static func whatItLooksLike(_ object: JSONObject) -> String {
    let shown = object.keys.prefix(8).joined(separator: ", ")
    return "the top-level object has neither \"messages\" nor \"chats\" (its keys: \(shown.isEmpty ? "none" : shown)); "
      + (ForeignExportDetector.describe(.object(object), source: "telegram")
        ?? "it is not a Telegram Desktop result.json; export with Telegram Desktop's \"Export chat history\" in JSON")
  }

  /// `{"about": …, "list": [chat, …]}`.
  private func readChatSection(_ section: String, _ visitor: Visitor) throws {
    try readObjectMembers { key in
      guard key == "list", try peek() == UInt8(ascii: "[") else { return false }
      try readArray { _ in
        guard try peek() == UInt8(ascii: "{") else {
          throw FormatError(line: line, message: "\(section).list holds something that is not a chat object")
        }
        try readChat(section: section, visitor)
      }
      return true
    } otherMember: { _, _ in
    }
  }

  private func readChat(section: String, _ visitor: Visitor) throws {
    chatCount += 1
    let number = chatCount
    let chatLine = line
    var header = JSONObject()
    var announced = false
    try readObjectMembers { key in
      guard key == "messages", try peek() == UInt8(ascii: "[") else { return false }
      announced = true
      try visitor.chat(ChatHeader(members: header, section: section, number: number, line: chatLine))
      try readMessages(visitor)
      return true
    } otherMember: { key, bytes in
      // Members after `messages` (none in Telegram's writer) come too late for the
      // messages; they stay out of the header rather than change it halfway.
      if !announced { header.append(key, (try? JSONParser.parse(bytes, options: .lenient)) ?? .null) }
    }
    if !announced {
      // A chat with no messages member: its conversation exists but holds nothing.
      try visitor.chat(ChatHeader(members: header, section: section, number: number, line: chatLine))
    }
  }

  private func readMessages(_ visitor: Visitor) throws {
    var element: Int64 = 0
    try readArray { _ in
      element += 1
      let startLine = line
      let bytes = try readValueBytes()
      try visitor.message(MessageBytes(bytes: bytes, line: startLine, element: element))
    }
  }

  /// Reads `{ "key": value, … }`. For each key, `descend` is asked first with the reader
  /// at the value; if it returns false the value is read whole and given to `otherMember`.
  private func readObjectMembers(
    descend: (String) throws -> Bool, otherMember: (String, [UInt8]) throws -> Void
  ) throws {
    let objectLine = line
    cursor.advance()  // '{'
    var members = 0
    while true {
      try skipWhitespace()
      guard let byte = try peek() else {
        throw FormatError(line: objectLine, message: "the file ends inside an object that starts here (truncated?)")
      }
      if byte == UInt8(ascii: "}") {
        cursor.advance()
        return
      }
      if members > 0 {
        guard byte == UInt8(ascii: ",") else { throw FormatError(line: line, message: "expected ',' or '}'") }
        cursor.advance()
        try skipWhitespace()
      }
      guard try peek() == UInt8(ascii: "\"") else { throw FormatError(line: line, message: "expected a key") }
      let keyBytes = try readValueBytes()
      guard let key = (try? JSONParser.parse(keyBytes, options: .lenient))?.stringValue else {
        throw FormatError(line: line, message: "a key is not a valid JSON string")
      }
      try skipWhitespace()
      guard try peek() == UInt8(ascii: ":") else {
        throw FormatError(line: line, message: "expected ':' after \"\(key)\"")
      }
      cursor.advance()
      try skipWhitespace()
      members += 1
      if try descend(key) { continue }
      try otherMember(key, try readValueBytes())
    }
  }

  /// Reads `[ element, … ]`, calling `element` with the reader at each element's start.
  private func readArray(_ element: (Int) throws -> Void) throws {
    let arrayLine = line
    cursor.advance()  // '['
    var count = 0
    while true {
      try skipWhitespace()
      guard let byte = try peek() else {
        throw FormatError(line: arrayLine, message: "the file ends inside an array that starts here (truncated?)")
      }
      if byte == UInt8(ascii: "]") {
        cursor.advance()
        return
      }
      if count > 0 {
        guard byte == UInt8(ascii: ",") else {
          throw FormatError(line: line, message: "expected ',' or ']' after element \(count)")
        }
        cursor.advance()
        try skipWhitespace()
      }
      count += 1
      try element(count)
    }
  }

  private func readValueBytes() throws -> [UInt8] { try cursor.readValueBytes() }

  private func skipWhitespace() throws { try cursor.skipWhitespace() }

  private func peek() throws -> UInt8? { try cursor.peek() }
}
