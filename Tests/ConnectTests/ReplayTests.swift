import ChatBundle
import ChatBundleConnect
import ChatBundleImport
import ChatBundleTestSupport
import Foundation
import Testing

/// `chatbundle push easemob-import` and `export easemob-import --replay` against the fake
/// server's import endpoints.
@Suite struct ReplayTests {
  static func app(faults: [FakeFault] = [], reject: String? = nil) -> FakeEasemobScenario {
    FakeEasemobScenario(token: Scenario.token, faults: faults, importRejectContaining: reject)
  }

  /// Import bodies, alternating one-to-one and group messages.
  func importFile(in directory: TemporaryDirectory, count: Int = 10, reject: Int? = nil) throws -> String {
    var lines: [String] = []
    for index in 1...count {
      let endpoint = index % 2 == 0 ? "chatgroups" : "users"
      let text = index == reject ? "REJECT me" : "message \(index)"
      lines.append(
        #"{"endpoint":"\#(endpoint)","body":{"from":"u\#(index)","target":"t\#(index)","type":"txt","body":{"msg":"\#(text)"},"is_ack_read":true,"msg_timestamp":\#(1_656_906_628_000 + index),"need_download":false}}"#
      )
    }
    return try directory.write("imports.ndjson", lines.joined(separator: "\n") + "\n")
  }

  func pushArguments(_ server: FakeEasemob, _ file: String, rate: String = "50") -> [String] {
    ["push", "easemob-import", file, "--host", server.base, "--org", "acme", "--app", "school", "--rate", rate]
  }

  func push(_ server: FakeEasemob, _ file: String, extra: [String] = []) async throws -> ChatBundleRun.Result {
    try await ChatBundleRun.run(pushArguments(server, file) + extra, environment: ["EASEMOB_TOKEN": Scenario.token])
  }

  func messages(_ server: FakeEasemob) -> [String] {
    server.imports().compactMap { $0.1.objectValue?["body"]?.objectValue?["msg"]?.stringValue }
  }

  @Test func anInterruptedReplayResumesAndImportsEveryMessageOnceInOrder() async throws {
    let directory = try TemporaryDirectory()
    let drop = FakeFault(target: .imports, failure: .drop, after: 4)
    try await FakeEasemob.serve(Self.app(faults: [drop]), now: Scenario.now) { server in
      let file = try importFile(in: directory)
      let first = try await push(server, file)
      #expect(first.status == 1)
      #expect(first.standardError.contains("line 5"), "\(first.standardError)")
      #expect(first.standardError.contains("--unconfirmed"), "\(first.standardError)")
      #expect(messages(server) == (1...4).map { "message \($0)" })
      let checkpoint = try #require(try JSONParser.parse(readBytes(file + ".checkpoint")).objectValue)
      #expect(checkpoint["confirmed"] == .integer(4))
      #expect(checkpoint["unconfirmed"] == .integer(5))

      // Without a decision about line 5 the replay refuses to go on, and sends nothing.
      let refused = try await push(server, file)
      #expect(refused.status == 1 && refused.standardError.contains("line 5"), "\(refused.standardError)")
      #expect(messages(server).count == 4)

      // The server closed line 5 without taking it, so it is sent again.
      let resumed = try await push(server, file, extra: ["--unconfirmed", "resend"])
      #expect(resumed.status == 0, "\(resumed.standardOutput)\(resumed.standardError)")
      #expect(resumed.standardOutput.contains("6 imported now, 4 before, 0 failed"), "\(resumed.standardOutput)")
      #expect(messages(server) == (1...10).map { "message \($0)" })
      #expect(server.imports().map(\.0) == (1...10).map { $0 % 2 == 0 ? "chatgroups" : "users" })

      // Done: a rerun sends nothing.
      let again = try await push(server, file)
      #expect(again.status == 0)
      #expect(messages(server).count == 10)
    }
  }

  @Test func rateLimitedImportsWaitAndAreSentOnce() async throws {
    let directory = try TemporaryDirectory()
    let faults = [
      FakeFault(target: .imports, failure: .status(429, retryAfter: "1"), after: 1),
      FakeFault(target: .imports, failure: .status(503), after: 3),
    ]
    try await FakeEasemob.serve(Self.app(faults: faults), now: Scenario.now) { server in
      let file = try importFile(in: directory, count: 4)
      let result = try await push(server, file)
      #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
      #expect(result.standardError.contains("Retry-After"), "\(result.standardError)")
      #expect(messages(server) == (1...4).map { "message \($0)" })
      #expect(server.requests().map(\.status) == [200, 429, 200, 503, 200, 200])
    }
  }

  @Test func exportWithReplaySendsTheExampleBundleInTimeOrder() async throws {
    let directory = try TemporaryDirectory()
    try await FakeEasemob.serve(Self.app(), now: Scenario.now) { server in
      let example = repositoryRoot().appendingPathComponent("examples/easemob").path
      let pack = try await ChatBundleRun.run([
        "pack", "--source", "easemob", example + "/export", "--media", example + "/media", "--people",
        example + "/people.csv", "-o", directory.file("example.tar.gz"),
      ])
      #expect(pack.status == 0, "\(pack.standardError)")
      let export = try await ChatBundleRun.run(
        [
          "export", "easemob-import", directory.file("example.tar.gz"), "-o", directory.file("import.ndjson"),
          "--media-base-url", "https://files.example.com/semester", "--replay", "--host", server.base, "--org",
          "acme", "--app", "school", "--rate", "50", "--unconfirmed", "resend",
        ], environment: ["EASEMOB_TOKEN": Scenario.token])
      #expect(export.status == 0, "\(export.standardOutput)\(export.standardError)")
      let written = try String(contentsOfFile: directory.file("import.ndjson"), encoding: .utf8)
        .split(separator: "\n").count
      #expect(written > 0 && server.imports().count == written, "every written line was imported once")
      let times = server.imports().compactMap { $0.1.objectValue?["msg_timestamp"]?.int64Value }
      #expect(times == times.sorted(), "in time order")
    }
    let usage = try await ChatBundleRun.run([
      "export", "easemob-import", directory.file("example.tar.gz"), "-o", directory.file("x.ndjson"),
      "--media-base-url", "https://files.example.com/s", "--host", "h",
    ])
    #expect(usage.status == 2, "connection options without --replay are a usage error")
    let badPolicy = try await ChatBundleRun.run([
      "export", "easemob-import", directory.file("example.tar.gz"), "-o", directory.file("y.ndjson"),
      "--media-base-url", "https://files.example.com/s", "--replay", "--host", "h", "--org", "o", "--app", "a",
      "--unconfirmed", "maybe",
    ])
    #expect(badPolicy.status == 2 && badPolicy.standardError.contains("resend"), "\(badPolicy.standardError)")
  }

  @Test func aKilledReplayResumesWhereItStopped() async throws {
    let directory = try TemporaryDirectory()
    try await FakeEasemob.serve(Self.app(), now: Scenario.now) { server in
      let file = try importFile(in: directory, count: 30)
      let run = try ChatBundleRun(
        pushArguments(server, file, rate: "10"), environment: ["EASEMOB_TOKEN": Scenario.token])
      #expect(await waitFor(seconds: 30) { messages(server).count >= 5 })
      _ = await run.kill()
      let checkpoint = try #require(try JSONParser.parse(readBytes(file + ".checkpoint")).objectValue)
      // Killed between two requests, every line is settled; killed during one, that line is
      // unconfirmed, and the user checks the target (here: the import log) to decide.
      let imported = messages(server).count
      var decision: [String] = []
      if let unconfirmed = checkpoint["unconfirmed"]?.int64Value {
        #expect(Int(unconfirmed) == imported || Int(unconfirmed) == imported + 1)
        decision = ["--unconfirmed", Int(unconfirmed) == imported ? "skip" : "resend"]
      } else {
        #expect(checkpoint["confirmed"]?.int64Value.map(Int.init) == imported)
      }
      let resumed = try await push(server, file, extra: decision)
      #expect(resumed.status == 0, "\(resumed.standardOutput)\(resumed.standardError)")
      #expect(messages(server) == (1...30).map { "message \($0)" })
    }
  }

  @Test func refusedMessagesAreListedAndAnotherFileIsRefused() async throws {
    let directory = try TemporaryDirectory()
    try await FakeEasemob.serve(Self.app(reject: "REJECT"), now: Scenario.now) { server in
      let file = try importFile(in: directory, count: 4, reject: 3)
      let result = try await push(server, file)
      #expect(result.status == 1)
      #expect(result.standardOutput.contains("3 imported now, 0 before, 1 failed"), "\(result.standardOutput)")
      #expect(result.standardOutput.contains("line 3: HTTP 400"), "\(result.standardOutput)")
      #expect(result.standardOutput.contains("the message type is not supported"), "\(result.standardOutput)")
      #expect(messages(server) == ["message 1", "message 2", "message 4"])

      // The checkpoint belongs to that file: a changed file is refused, nothing is sent.
      try directory.write("imports.ndjson", try String(contentsOfFile: file, encoding: .utf8) + "\n")
      let changed = try await push(server, file)
      #expect(changed.status == 1 && changed.standardError.contains("SHA-256"), "\(changed.standardError)")
      #expect(messages(server).count == 3)

      // A malformed line is refused before anything is sent.
      let bad = try directory.write("bad.ndjson", #"{"endpoint":"rooms","body":{}}"# + "\n")
      let refused = try await push(server, bad)
      #expect(refused.status == 1 && refused.standardError.contains("line 1"), "\(refused.standardError)")
      #expect(!result.standardError.contains(Scenario.token) && !result.standardOutput.contains(Scenario.token))

      // An unknown --unconfirmed is a usage error.
      let policy = try await push(server, file, extra: ["--unconfirmed", "later"])
      #expect(policy.status == 2 && policy.standardError.contains("skip"), "\(policy.standardError)")
    }
  }
}

@Suite struct ConnectUnitTests {
  @Test func hourKeys() throws {
    let key = try #require(HourKey("2025031009"))
    #expect(key.description == "2025031009")
    #expect(HourKey("2024022923")?.next.description == "2024030100")
    #expect(HourKey("2025123123")?.next.description == "2026010100")
    #expect(HourKey("2025022910") == nil && HourKey("2025031024") == nil && HourKey("202503101") == nil)
    #expect(HourKey.range(from: key, to: try #require(HourKey("2025031012"))).count == 4)
    // 2025-03-10T01:30Z is 09:30 in Beijing.
    let instant = Date(timeIntervalSince1970: 1_741_570_200)
    #expect(HourKey.containing(instant, in: .cn) == key)
    #expect(HourKey.containing(instant, in: .global).description == "2025031001")
    #expect(key.start(in: .cn) == Date(timeIntervalSince1970: 1_741_568_400))
  }

  @Test func retryAfterAndHosts() throws {
    #expect(RetryPolicy.retryAfterSeconds("1") == 1)
    #expect(RetryPolicy.retryAfterSeconds("soon") == nil)
    let now = Date(timeIntervalSince1970: 1_445_412_480)
    #expect(RetryPolicy.retryAfterSeconds("Wed, 21 Oct 2015 07:28:10 GMT", now: now) == 10)
    #expect(RetryPolicy().backoff(afterAttempt: 3) == 4)
    #expect(try EasemobClient.baseURL(fromHost: "a1.easemob.com").absoluteString == "https://a1.easemob.com")
    #expect(try EasemobClient.baseURL(fromHost: "https://a1.easemob.com/").absoluteString == "https://a1.easemob.com")
    #expect(throws: ConnectError.self) { try EasemobClient.baseURL(fromHost: "ftp://a1.easemob.com") }
    #expect(throws: ConnectError.self) { try EasemobClient.baseURL(fromHost: "https://a1.easemob.com/acme") }
    let client = try EasemobClient(host: "a1.easemob.com", org: "acme", app: "school", credentials: .token("abcdef"))
    #expect(
      client.apiURL("chatmessages/2025031009").absoluteString
        == "https://a1.easemob.com/acme/school/chatmessages/2025031009")
    #expect(client.isAPIHost(try #require(URL(string: "https://a1.easemob.com:443/acme/school/chatfiles/x"))))
    #expect(!client.isAPIHost(try #require(URL(string: "https://oss.example.com/x"))))
    #expect(client.redact("token abcdef here") == "token [redacted] here")
    #expect(throws: ConnectError.self) {
      try EasemobClient(host: "a1.easemob.com", org: "../x", app: "school", credentials: .token("abcdef"))
    }
  }
}
