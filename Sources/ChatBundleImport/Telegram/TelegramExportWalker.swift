import ArchiveIO
import ChatBundle

/// Walks a Telegram Desktop `result.json` in one pass, holding one message at a time.
///
/// The file is either one chat (`{"name","type","id","messages":[…]}`) or a whole account
/// (`{"about","personal_information",…,"chats":{"list":[chat,…]},"left_chats":{"list":[…]}}`).
/// A chat's `messages` can be hundreds of megabytes, so no chat or section is parsed
/// whole: the walker tracks strings and nesting byte by byte (as `RecordSplitter` does),
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

  private let stream: ByteStream
  private let maximumRecordBytes: Int
  private var buffer = [UInt8](repeating: 0, count: 64 << 10)
  private var start = 0
  private var end = 0
  private var exhausted = false
  private var line: Int64 = 1
  private var chatCount = 0

  init(stream: ByteStream, maximumRecordBytes: Int = 64 << 20) {
    self.stream = stream
    self.maximumRecordBytes = maximumRecordBytes
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
    let keys = object.keys
    let service: String? =
      if keys.contains("guild") && keys.contains("channel") {
        "a DiscordChatExporter export (use --source discord)"
      } else if keys.contains("msg_id") || keys.contains("payload") {
        "an Easemob history record (use --source easemob)"
      } else if keys.contains("msgid") && keys.contains("msgtype") {
        "a WeCom archive message (use --source wecom)"
      } else if keys.contains("ts") && (keys.contains("user") || keys.contains("subtype")) {
        "a Slack message (use --source slack)"
      } else {
        nil
      }
    let shown = keys.prefix(8).joined(separator: ", ")
    return "the top-level object has neither \"messages\" nor \"chats\" (its keys: \(shown.isEmpty ? "none" : shown)), "
      + (service.map { "so it looks like \($0)" }
        ?? "so it is not a Telegram Desktop result.json; export with Telegram Desktop's \"Export chat history\" in JSON")
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
    start += 1  // '{'
    var members = 0
    while true {
      try skipWhitespace()
      guard let byte = try peek() else {
        throw FormatError(line: objectLine, message: "the file ends inside an object that starts here (truncated?)")
      }
      if byte == UInt8(ascii: "}") {
        start += 1
        return
      }
      if members > 0 {
        guard byte == UInt8(ascii: ",") else { throw FormatError(line: line, message: "expected ',' or '}'") }
        start += 1
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
      start += 1
      try skipWhitespace()
      members += 1
      if try descend(key) { continue }
      try otherMember(key, try readValueBytes())
    }
  }

  /// Reads `[ element, … ]`, calling `element` with the reader at each element's start.
  private func readArray(_ element: (Int) throws -> Void) throws {
    let arrayLine = line
    start += 1  // '['
    var count = 0
    while true {
      try skipWhitespace()
      guard let byte = try peek() else {
        throw FormatError(line: arrayLine, message: "the file ends inside an array that starts here (truncated?)")
      }
      if byte == UInt8(ascii: "]") {
        start += 1
        return
      }
      if count > 0 {
        guard byte == UInt8(ascii: ",") else {
          throw FormatError(line: line, message: "expected ',' or ']' after element \(count)")
        }
        start += 1
        try skipWhitespace()
      }
      count += 1
      try element(count)
    }
  }

  /// Reads one complete JSON value's bytes by tracking strings and nesting. The buffered
  /// bytes are scanned in place and copied once per refill, not byte by byte.
  private func readValueBytes() throws -> [UInt8] {
    var value: [UInt8] = []
    var depth = 0
    var inString = false
    var escaped = false
    let startLine = line
    while true {
      if start == end {
        if exhausted { break }
        try refill()
        continue
      }
      let scanned = try buffer.withUnsafeBufferPointer { bytes in
        try scan(
          bytes, from: start, to: end, hasBytes: !value.isEmpty, depth: &depth, inString: &inString,
          escaped: &escaped)
      }
      value.append(contentsOf: buffer[start..<scanned.index])
      start = scanned.index
      if value.count > maximumRecordBytes {
        throw FormatError(line: startLine, message: "a value is larger than \(maximumRecordBytes) bytes")
      }
      if scanned.finished { return value }
    }
    if depth > 0 || inString || value.isEmpty {
      throw FormatError(line: startLine, message: "the file ends inside a value that starts here (truncated?)")
    }
    return value
  }

  /// Scans `bytes[from..<to]` for the end of the value being read; returns where it
  /// stopped and whether the value is complete there (the index is past its last byte).
  private func scan(
    _ bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int, hasBytes: Bool, depth: inout Int, inString: inout Bool,
    escaped: inout Bool
  ) throws -> (index: Int, finished: Bool) {
    var index = from
    while index < to {
      let byte = bytes[index]
      if !inString && depth == 0 && (hasBytes || index > from) {
        let isScalarEnd =
          byte == UInt8(ascii: ",") || byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}")
          || byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 || byte == UInt8(ascii: ":")
        if isScalarEnd { return (index, true) }
      }
      index += 1
      if byte == 0x0A { line += 1 }
      if inString {
        if escaped {
          escaped = false
        } else if byte == UInt8(ascii: "\\") {
          escaped = true
        } else if byte == UInt8(ascii: "\"") {
          inString = false
          if depth == 0 { return (index, true) }
        }
        continue
      }
      switch byte {
      case UInt8(ascii: "\""): inString = true
      case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
      case UInt8(ascii: "}"), UInt8(ascii: "]"):
        depth -= 1
        if depth == 0 { return (index, true) }
        if depth < 0 { throw FormatError(line: line, message: "unbalanced brackets") }
      default: break
      }
    }
    return (index, false)
  }

  private func skipWhitespace() throws {
    while true {
      if start == end {
        if exhausted { return }
        try refill()
        continue
      }
      let byte = buffer[start]
      if byte == 0x20 || byte == 0x09 || byte == 0x0D {
        start += 1
      } else if byte == 0x0A {
        line += 1
        start += 1
      } else if byte == 0xEF, line == 1, try hasBOM() {
        start += 3
      } else {
        return
      }
    }
  }

  private func hasBOM() throws -> Bool {
    while end - start < 3 && !exhausted { try refill() }
    return end - start >= 3 && buffer[start + 1] == 0xBB && buffer[start + 2] == 0xBF
  }

  private func peek() throws -> UInt8? {
    while start == end {
      if exhausted { return nil }
      try refill()
    }
    return buffer[start]
  }

  private func refill() throws {
    if try stream.refill(&buffer, start: &start, end: &end, growth: buffer.count) == 0 { exhausted = true }
  }
}
