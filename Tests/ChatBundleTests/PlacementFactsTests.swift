import ChatBundleTestSupport
import PropertyBased
import Testing

@testable import ChatBundle

/// A pack no longer parses its sorted lines back: what placing a message needs travels
/// through the sorts as `PlacementFacts`. These hold it to what parsing the line gave.
@Suite struct PlacementFactsTests {
  /// The facts taken from a message equal those of its line read back without its raw
  /// record (what the pack parsed before), and survive their encoding.
  @Test func factsAreThoseOfTheLineReadBack() async {
    var options = JSONParser.Options.strict
    options.unbuiltPath = ["source", "raw"]
    await propertyCheck(count: 200, input: Gen.uint64(in: 0...UInt64.max)) { seed in
      var random = RandomMessages(seed: seed)
      for kind in MessageKind.allCases {
        var message = random.message(
          kind: kind, conversation: Identifier("group:" + random.identifier()),
          timestamp: Int64(random.int(0...2_000_000_000)) * 1000)
        message.source.raw = random.json()
        let facts = PlacementFacts(message)
        let line = Array(message.line().dropLast())
        let readBack: Message
        do { readBack = try Message(json: JSONParser.parse(line, options: options)) } catch {
          Issue.record("seed \(seed), kind \(kind): the line does not read back: \(error)")
          continue
        }
        #expect(PlacementFacts(readBack) == facts, "seed \(seed), kind \(kind)")
        #expect(PlacementFacts(decoding: facts.encoded()[...]) == facts, "seed \(seed), kind \(kind)")
      }
    }
  }

  @Test func aRecordCutShortIsRefused() async {
    await propertyCheck(count: 100, input: Gen.uint64(in: 0...UInt64.max)) { seed in
      var random = RandomMessages(seed: seed)
      let message = random.message(kind: .image, conversation: "group:g", timestamp: 1000)
      let encoded = PlacementFacts(message).encoded()
      let cut = random.int(0...(encoded.count - 1))
      #expect(PlacementFacts(decoding: encoded[..<cut]) == nil, "seed \(seed), cut at \(cut)")
      #expect(PlacementFacts(decoding: (encoded + [0])[...]) == nil, "seed \(seed), a byte after")
    }
  }

  @Test func aSortPayloadSplitsIntoFactsAndLine() {
    let facts: [UInt8] = [1, 2, 3]
    let line = Array("{}\n".utf8)
    var payload: [UInt8] = [0, 0, 0, 3]
    payload += facts + line
    let split = PlacementFacts.split(payload[...])
    #expect(split.map { Array($0.facts) } == facts)
    #expect(split.map { Array($0.line) } == line)
    #expect(PlacementFacts.split([0, 0, 0, 9, 1][...]) == nil)
    #expect(PlacementFacts.split([0, 0][...]) == nil)
  }
}
