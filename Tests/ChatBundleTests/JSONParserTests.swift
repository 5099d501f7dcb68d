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

  @Test(
    arguments: [
      [0xC3, 0x28], [0xED, 0xA0, 0x80],  // a bad continuation; an encoded surrogate
      [0xC0, 0x80], [0xE0, 0x80, 0x80], [0xF0, 0x80, 0x80, 0x80],  // overlong forms
      [0xF4, 0x90, 0x80, 0x80], [0xE4, 0xB8], [0x80], [0xFF],  // past U+10FFFF; cut short; stray bytes
    ] as [[UInt8]])
  func invalidUTF8IsRejected(bytes: [UInt8]) {
    // Both the plain path and the path for strings with escapes validate.
    #expect((try? JSONParser.parse([0x22] + bytes + [0x22])) == nil)
    #expect((try? JSONParser.parse([0x22, 0x5C, 0x6E] + bytes + [0x22])) == nil)
  }

  @Test func validMultibyteUTF8IsKept() throws {
    let text = "é中🙂\u{10FFFF}"
    #expect(try JSONParser.parse([0x22] + Array(text.utf8) + [0x22]) == .string(text))
    #expect(try JSONParser.parse([0x22, 0x5C, 0x6E] + Array(text.utf8) + [0x22]) == .string("\n" + text))
  }

  /// What is wrong inside an unbuilt value is as wrong as anywhere else, with the same error.
  @Test(arguments: [
    #"{"a":1,"a":2}"#, #"{"a":1,"\u0061":2}"#, #"[1,]"#, #""\x""#, "01", "tru", #"{"a" 1}"#,
    #"{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"ka":0,"kb":0,"kc":0,"kd":0,"ke":0,"kf":0,"kg":0,"k0":1}"#,
    String(repeating: "[", count: 70) + String(repeating: "]", count: 70), #""\ud800""#, "\"a\u{1}\"",
  ])
  func anUnbuiltValueIsCheckedLikeABuiltOne(raw: String) {
    var options = JSONParser.Options.strict
    options.unbuiltPath = ["source", "raw"]
    let line = Array((#"{"x":1,"source":{"raw":"# + raw + "}}").utf8)
    var built: JSONParseError?
    var unbuilt: JSONParseError?
    do { _ = try JSONParser.parse(line) } catch { built = error }
    do { _ = try JSONParser.parse(line, options: options) } catch { unbuilt = error }
    #expect(built != nil && unbuilt?.description == built?.description, "\(raw)")
  }

  @Test func anUnbuiltValueIsNullAndOnlyOnItsPath() throws {
    var options = JSONParser.Options.strict
    options.unbuiltPath = ["source", "raw"]
    let text = #"{"raw":{"a":[1,"é",{"b":null}]},"source":{"raw":{"a":[1,"é",{"b":null}]},"p":"x"}}"#
    let value = try JSONParser.parse(Array(text.utf8), options: options)
    let kept = try JSONParser.parse(#"{"a":[1,"é",{"b":null}]}"#)
    #expect(value.objectValue?["raw"] == kept)
    #expect(value.objectValue?["source"] == .object(JSONObject(["raw": .null, "p": .string("x")])))
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

  /// "é" as one code point and as `e` + U+0301 are canonically equivalent strings but
  /// different keys, for this parser as for every other JSON reader; the built and the
  /// unbuilt (skipped) paths agree, and a lenient parse keeps both members.
  @Test func keysThatAreCanonicallyEquivalentAreStillDistinct() throws {
    let nfc = "caf\u{E9}"
    let nfd = "cafe\u{301}"
    let text = "{\"\(nfc)\":1,\"\(nfd)\":2}"
    let value = try JSONParser.parse(text)
    #expect(value.objectValue?.members.count == 2)
    #expect(value.objectValue?[nfd] == .number("2") && value.objectValue?[nfc] == .number("1"))
    var skipping = JSONParser.Options.strict
    skipping.unbuiltPath = ["raw"]
    #expect(throws: Never.self) { try JSONParser.parse("{\"raw\":\(text)}", options: skipping) }
    #expect(try JSONParser.parse(text, options: .lenient).objectValue?.members.count == 2)
    let many = (0..<20).map { "\"k\($0)\":0" }.joined(separator: ",")
    #expect(try JSONParser.parse("{\(many),\(text.dropFirst().dropLast())}").objectValue?.members.count == 22)
  }
}
