import ChatBundle
import Testing

/// The verifier reads canonical message-index lines without a JSON parser; the shortcut
/// must accept exactly the lines whose fields re-serialize to the same bytes.
@Suite struct MessageIndexLineTests {
  func fields(_ text: String) -> (id: String, conversation: String, line: Int64)? {
    ConversationStatistics.canonicalMessageIndexFields(Array(text.utf8)[...])
  }

  @Test func canonicalLinesAreReadAndReserializeToTheSameBytes() throws {
    let samples: [(String, String, Int64)] = [
      ("966475220900644860", "group:259184062558209", 1), ("m-1", "chat:a:b", 123_456_789_012),
      ("消息", "group:班级", 42), ("a b", "chat:%3A:x", 7),
    ]
    for (id, conversation, number) in samples {
      let line = ConversationStatistics.messageIndexLine(
        id: Identifier(id), conversation: Identifier(conversation), line: number)
      let read = try #require(ConversationStatistics.canonicalMessageIndexFields(line.dropLast()))
      #expect(read.id == id && read.conversation == conversation && read.line == number)
    }
  }

  @Test func anythingButTheCanonicalFormGoesToTheFullParser() {
    for text in [
      #"["a\"b","c",1]"#, #"["a","c\u0041",1]"#, #"["a","c",01]"#, #"["a","c",0]"#, #"["a","c",-1]"#,
      #"[ "a","c",1]"#, #"["a","c",1] "#, #"["a","c",1.0]"#, #"["a","c"]"#, #"["a","c",1,2]"#,
      "[\"a\u{2028}\",\"c\",1]", "[\"a\t\",\"c\",1]", #"["a","c",1234567890123456789]"#, #"{"a":1}"#,
    ] {
      #expect(fields(text) == nil, "\(text)")
    }
  }

  @Test func invalidUTF8IsLeftToTheParser() {
    let bytes: [UInt8] = Array(#"[""#.utf8) + [0xC3, 0x28] + Array(#"","c",1]"#.utf8)
    #expect(ConversationStatistics.canonicalMessageIndexFields(bytes[...]) == nil)
  }
}
