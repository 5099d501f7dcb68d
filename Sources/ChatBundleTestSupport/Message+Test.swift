import ChatBundle

extension Message {
  /// A message for tests: from the `test` platform, with `raw` as its source record.
  public static func test(
    _ id: Identifier, in conversation: Identifier, at timestamp: Int64, from sender: Identifier? = nil,
    _ body: MessageBody, raw: JSONValue = .null
  ) -> Message {
    Message(
      id: id, conversation: conversation, timestamp: timestamp, sender: sender, body: body,
      source: SourceRecord(platform: "test", raw: raw))
  }
}

extension MessageBody {
  /// The text of a text message, for assertions.
  public var text: String? {
    if case .text(let text) = self { return text }
    return nil
  }

  /// The attachment of a media body, for assertions.
  public var mediaContent: MediaContent? {
    if case .media(let content) = self { return content }
    return nil
  }

  public var mergedRecord: MergedRecord? {
    if case .merged(let record) = self { return record }
    return nil
  }

  public var customEvent: CustomEvent? {
    if case .custom(let event) = self { return event }
    return nil
  }
}
