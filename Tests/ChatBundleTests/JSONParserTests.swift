import ChatBundle
import Testing

@Suite struct JSONParserTests {
  func rejects(_ text: String, options: JSONParser.Options = .strict) -> Bool {
    (try? JSONParser.parse(Array(text.utf8), options: options)) == nil
  }

  @Test(arguments: [
    "", " ", "{", "[1,]", "{\"a\":1,}", "01", "1.", ".5", "-", "1e", "+1", "tru", "nul", "\"\\x\"", "\"a\nb\"",
    "{\"a\":1}{", "{\"a\":1} x", "\u{FEFF}{}", "{\"a\":1,\"a\":2}", "\"\\ud800\"", "[\"\\udc00\"]", "{'a':1}", "NaN",
  ])
  func strictRejects(_ text: String) {
    #expect(rejects(text), "accepted \(text.debugDescription)")
  }

  @Test func invalidUTF8IsRejected() {
    #expect((try? JSONParser.parse([0x22, 0xC3, 0x28, 0x22])) == nil)
    #expect((try? JSONParser.parse([0x22, 0xED, 0xA0, 0x80, 0x22])) == nil)  // an encoded surrogate
  }

  @Test func lenientKeepsTheFirstDuplicateAndReplacesLoneSurrogates() throws {
    #expect(try JSONParser.parse("{\"a\":1,\"a\":2}", options: .lenient) == .object(JSONObject(["a": .number("1")])))
    #expect(try JSONParser.parse("\"x\\ud800y\"", options: .lenient) == .string("x\u{FFFD}y"))
  }

  @Test func numbersKeepTheirExactText() throws {
    for literal in ["11101571002822706744", "-0", "39.9053", "1.5E+300", "123456789012345678901234567890"] {
      #expect(try JSONParser.parse(literal) == .number(literal))
      #expect(JSONWriter.serialize(.number(literal)) == Array(literal.utf8))
    }
  }

  @Test func keyOrderIsKept() throws {
    let text = #"{"z":1,"a":{"y":[true,false,null],"b":"c"}}"#
    #expect(JSONWriter.serialize(try JSONParser.parse(text)) == Array(text.utf8))
  }

  @Test func escapesAndSurrogatePairs() throws {
    #expect(try JSONParser.parse(#""\ud83d\ude42\u00e9\n\"\/""#) == .string("🙂é\n\"/"))
    #expect(
      String(decoding: JSONWriter.serialize(.string("a\u{2028}b\u{2029}\u{1}\"\\")), as: UTF8.self)
        == #""a\u2028b\u2029\u0001\"\\""#)
  }

  @Test func depthIsLimited() {
    let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
    #expect(rejects(deep))
    #expect(!rejects(String(repeating: "[", count: 60) + String(repeating: "]", count: 60)))
  }

  @Test func errorsSayWhere() {
    do {
      _ = try JSONParser.parse("{\"a\": tru}")
      Issue.record("no error")
    } catch {
      #expect(error.offset == 6 && error.description.contains("byte 7"))
    }
  }
}
