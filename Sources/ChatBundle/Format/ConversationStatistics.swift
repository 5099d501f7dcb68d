/// Derived facts about one conversation file, computed the same way by the packer (to
/// write the index) and by the verifier (to check it), so the index line is reproducible
/// byte for byte.
public struct ConversationStatistics: Sendable {
  public let conversation: Identifier
  public private(set) var messageCount: Int64 = 0
  public private(set) var firstTimestamp: Int64 = 0
  public private(set) var lastTimestamp: Int64 = 0
  private var kindCounts: [MessageKind: Int64] = [:]
  private var senderCounts: [Identifier: Int64] = [:]
  /// (UTC date, messages, byte offset of the day's first line, its line number)
  private var days: [(String, Int64, Int64, Int64)] = []
  private var lastDayNumber: Int64?

  public init(conversation: Identifier) {
    self.conversation = conversation
  }

  /// Adds the next message of the file, which starts at `offset` on line `line`.
  public mutating func add(_ message: Message, offset: Int64, line: Int64) {
    add(
      timestamp: message.timestamp, kind: message.kind, sender: message.sender,
      listedMembers: Self.listedMembers(of: message), offset: offset, line: line)
  }

  /// Anyone in a `members` array counts, whatever the message's kind (spec §10.1).
  static func listedMembers(of message: Message) -> [Identifier] {
    if case .membership(let change) = message.body { return change.members }
    return message.unusedMembers.members ?? []
  }

  /// `add` from what the statistics count of a message.
  mutating func add(
    timestamp: Int64, kind: MessageKind, sender: Identifier?, listedMembers: [Identifier], offset: Int64, line: Int64
  ) {
    if messageCount == 0 { firstTimestamp = timestamp }
    lastTimestamp = timestamp
    messageCount += 1
    kindCounts[kind, default: 0] += 1
    if let sender { senderCounts[sender, default: 0] += 1 }
    for member in listedMembers where senderCounts[member] == nil { senderCounts[member] = 0 }
    // Messages come in time order, so a day's date is formatted once, when it starts.
    let dayNumber = UTCTime.floorDivide(timestamp, 86_400_000)
    if dayNumber == lastDayNumber, !days.isEmpty {
      days[days.count - 1].1 += 1
    } else {
      lastDayNumber = dayNumber
      days.append((UTCTime.date(milliseconds: timestamp), 1, offset, line))
    }
  }

  /// Everyone who sent a message or joined or left, in bytewise id order.
  public var members: [(id: Identifier, messages: Int64)] {
    senderCounts.map { ($0.key, $0.value) }.sorted { $0.0 < $1.0 }
  }

  public var kinds: [(kind: MessageKind, count: Int64)] {
    MessageKind.allCases.compactMap { kind in kindCounts[kind].map { (kind, $0) } }
  }

  /// The conversation's line in `index/conversations.ndjson`, newline included.
  public func indexLine() -> [UInt8] {
    var object = JSONObject()
    object.append("id", conversation.text)
    object.append("message_count", messageCount)
    object.append("first_ts", firstTimestamp)
    object.append("last_ts", lastTimestamp)
    object.append(
      "kinds", JSONValue.object(JSONObject(kinds.map { JSONObject.Member($0.kind.rawValue, .integer($0.count)) })))
    object.append(
      "members", JSONValue.array(members.map { JSONValue.array([.string($0.id.text), .integer($0.messages)]) }))
    object.append(
      "days",
      JSONValue.array(
        days.map { JSONValue.array([.string($0.0), .integer($0.1), .integer($0.2), .integer($0.3)]) }))
    var bytes = JSONWriter.serialize(.object(object))
    bytes.append(0x0A)
    return bytes
  }

  /// The line for `index/message-ids.ndjson`: `["<id>","<conversation>",<line>]`.
  public static func messageIndexLine(id: Identifier, conversation: Identifier, line: Int64) -> [UInt8] {
    // Written directly (one per message, so no JSON tree): the same bytes as serializing
    // the array `[id, conversation, line]`.
    var bytes: [UInt8] = [UInt8(ascii: "[")]
    bytes.reserveCapacity(id.text.utf8.count + conversation.text.utf8.count + 32)
    JSONWriter.writeString(id.text, to: &bytes)
    bytes.append(UInt8(ascii: ","))
    JSONWriter.writeString(conversation.text, to: &bytes)
    bytes.append(UInt8(ascii: ","))
    bytes.append(contentsOf: String(line).utf8)
    bytes.append(UInt8(ascii: "]"))
    bytes.append(0x0A)
    return bytes
  }

  /// The fields of a message-index line in canonical form, read without a JSON parser:
  /// nil unless the line is `["<id>","<conversation>",<line>]` with no escapes, no control
  /// bytes, valid UTF-8 and a canonical positive integer, in which case re-serializing the
  /// fields gives these very bytes. Anything else goes through the full parser.
  public static func canonicalMessageIndexFields(_ line: ArraySlice<UInt8>) -> (
    id: String, conversation: String, line: Int64
  )? {
    var index = line.startIndex
    func expect(_ byte: UInt8) -> Bool {
      guard index < line.endIndex, line[index] == byte else { return false }
      index += 1
      return true
    }
    func plainString() -> String? {
      guard expect(UInt8(ascii: "\"")) else { return nil }
      let start = index
      while index < line.endIndex, line[index] != UInt8(ascii: "\"") {
        let byte = line[index]
        if byte < 0x20 || byte == UInt8(ascii: "\\") { return nil }
        if byte == 0xE2, index + 2 < line.endIndex, line[index + 1] == 0x80, line[index + 2] & 0xFE == 0xA8 {
          return nil
        }
        index += 1
      }
      guard index < line.endIndex else { return nil }
      // One per message: `String(validating:)` looks up generic metadata on every call.
      let text = line[start..<index].withUnsafeBufferPointer { bytes in
        isValidUTF8(bytes) ? String(decoding: bytes, as: UTF8.self) : nil
      }
      index += 1
      return text
    }
    guard expect(UInt8(ascii: "[")), let id = plainString(), expect(UInt8(ascii: ",")),
      let conversation = plainString(), expect(UInt8(ascii: ","))
    else { return nil }
    let digitsStart = index
    var number: Int64 = 0
    while index < line.endIndex, line[index] >= 0x30, line[index] <= 0x39, index - digitsStart < 18 {
      number = number * 10 + Int64(line[index] - 0x30)
      index += 1
    }
    guard index > digitsStart, line[digitsStart] != 0x30, expect(UInt8(ascii: "]")), index == line.endIndex
    else { return nil }
    return (id, conversation, number)
  }
}
