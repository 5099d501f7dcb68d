import ChatBundle
import ChatBundleTestSupport
import PropertyBased
import Testing

@Suite struct PropertyTests {
  @Test func jsonValuesSurviveSerialisationExactly() async {
    await propertyCheck(count: 400, input: Gen.uint64(in: 0...UInt64.max)) { seed in
      var random = RandomMessages(seed: seed)
      let value = random.json()
      let bytes = JSONWriter.serialize(value)
      #expect((try? JSONParser.parse(bytes)) == value, "seed \(seed)")
      // The writer never emits raw line breaks or U+2028/U+2029, so any value fits on a line.
      #expect(!bytes.contains(0x0A) && !bytes.contains(0x0D))
      #expect(!String(decoding: bytes, as: UTF8.self).contains { $0 == "\u{2028}" || $0 == "\u{2029}" })
    }
  }

  /// A source record that is not built reads as null, and everything else is the same.
  @Test func anUnbuiltSourceRecordLeavesTheRestOfTheMessageEqual() async {
    var options = JSONParser.Options.strict
    options.unbuiltPath = ["source", "raw"]
    await propertyCheck(count: 300, input: Gen.uint64(in: 0...UInt64.max)) { seed in
      var random = RandomMessages(seed: seed)
      var message = random.message(kind: .text, conversation: "group:g", timestamp: 1000)
      message.source.raw = random.json()
      let line = Array(message.line().dropLast())
      var expected = message
      expected.source.raw = .null
      #expect((try? Message(json: JSONParser.parse(line, options: options))) == expected, "seed \(seed)")
    }
  }

  @Test func messagesOfEveryKindSurviveTheirLine() async {
    await propertyCheck(count: 300, input: Gen.uint64(in: 0...UInt64.max)) { seed in
      var random = RandomMessages(seed: seed)
      for kind in MessageKind.allCases {
        let message = random.message(
          kind: kind, conversation: Identifier("group:" + random.identifier()),
          timestamp: Int64(random.int(0...2_000_000_000)) * 1000)
        let line = message.line()
        #expect(line.last == 0x0A && line.dropLast().allSatisfy { $0 != 0x0A })
        let decoded = try? Message(json: JSONParser.parse(Array(line.dropLast())))
        #expect(decoded == message, "seed \(seed), kind \(kind)")
      }
    }
  }

  @Test func packedRandomMessagesVerifyAndReadBackEqual() async throws {
    await propertyCheck(count: 25, input: Gen.uint64(in: 0...UInt64.max)) { seed in
      var random = RandomMessages(seed: seed)
      guard let directory = try? TemporaryDirectory() else { return }
      let output = directory.file("r.tar.gz")
      var written: [Message] = []
      do {
        let builder = try BundleBuilder(options: PackOptions(platform: "test", timeZone: "UTC"), outputPath: output)
        let input = builder.addInput(name: "in", size: 0, sha256: String(repeating: "0", count: 64), records: 0)
        let conversations = (0..<random.int(1...4)).map { index in
          ConversationInfo(id: Identifier("group:" + random.identifier() + "\(index)"), kind: .group)
        }
        for line in 0..<random.int(1...40) {
          let conversation = conversations[random.int(0...(conversations.count - 1))]
          var message = random.message(
            kind: MessageKind.allCases[random.int(0...(MessageKind.allCases.count - 1))], conversation: conversation.id,
            timestamp: Int64(random.int(0...50)) * 1000)
          // No file is stored, so every reference, wherever it sits, becomes a missing one;
          // the manifest's missing list must then hold each of them.
          message.updateMediaReferences { _, reference in
            reference.sha256 = nil
            reference.size = nil
            reference.missing = reference.missing ?? "not_found"
          }
          try builder.add(message, conversation: conversation, input: input, line: Int64(line))
          written.append(message)
        }
        _ = try builder.finish(outputPath: output)
      } catch {
        Issue.record("seed \(seed): pack failed: \(error)")
        return
      }
      let (delegate, report) = BundleCollector.read(output)
      #expect(report.isValid, "seed \(seed): \(report.issues.map(\.description))")
      let order: (Message, Message) -> Bool = {
        ($0.conversation, $0.timestamp, $0.id.bytes) < ($1.conversation, $1.timestamp, $1.id.bytes)
      }
      #expect(delegate.messages.sorted(by: order) == written.sorted(by: order), "seed \(seed)")
      #expect(report.messages == Int64(written.count))
    }
  }
}

private func < (lhs: (Identifier, Int64, [UInt8]), rhs: (Identifier, Int64, [UInt8])) -> Bool {
  if lhs.0 != rhs.0 { return lhs.0 < rhs.0 }
  if lhs.1 != rhs.1 { return lhs.1 < rhs.1 }
  return lhs.2.lexicographicallyPrecedes(rhs.2)
}
