import ChatBundle
import ChatBundleTestSupport
import Foundation
import Testing

/// `chatbundle pull easemob` against the fake server, each test with a server of its own.
@Suite struct PullTests {
  func pull(
    _ server: FakeEasemob, out: String, from: String = "2025031009", to: String = "2025031010",
    token: String = Scenario.token, extra: [String] = []
  ) async throws -> ChatBundleRun.Result {
    try await ChatBundleRun.run(
      pullArguments(server, out: out, from: from, to: to) + extra, environment: ["EASEMOB_TOKEN": token])
  }

  func pullArguments(_ server: FakeEasemob, out: String, from: String, to: String) -> [String] {
    [
      "pull", "easemob", "--host", server.base, "--org", "acme", "--app", "school", "--from", from, "--to", to,
      "--rate", "50", "--out", out,
    ]
  }

  func downloadsServed(_ server: FakeEasemob) -> [String: Int] {
    var counts: [String: Int] = [:]
    for request in server.requests() where request.status == 200 {
      if request.path.hasPrefix("/files/") || request.path.contains("/chatfiles/") {
        counts[request.path, default: 0] += 1
      }
    }
    return counts
  }

  @Test func aPullPacksIntoAValidBundleWithNoMissingMedia() async throws {
    let directory = try TemporaryDirectory()
    try await FakeEasemob.serve(Scenario.app(hours: Scenario.twoHours), now: Scenario.now) { server in
      let out = directory.file("out")
      let result = try await pull(server, out: out)
      #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
      #expect(result.standardOutput.contains("Beijing time (UTC+8)"))
      #expect(result.standardOutput.contains("2 complete"))
      #expect(result.standardOutput.contains("6 fetched, 0 already present, 0 failed"), "\(result.standardOutput)")
      for attachment in Scenario.all {
        #expect(try String(contentsOfFile: out + "/media/" + attachment.uuid, encoding: .utf8) == attachment.content)
      }
      #expect(FileManager.default.fileExists(atPath: out + "/history/2025031009.gz"))
      #expect(allFiles(under: out).allSatisfy { !$0.hasSuffix(".partial") && !$0.hasSuffix(".tmp") })
      // The token went to the API and to chatfiles on the API host, never to a history link.
      let history = server.requests().filter { $0.path.hasPrefix("/files/") }
      #expect(history.count == 2 && history.allSatisfy { !$0.carriedToken })
      #expect(server.requests().filter { $0.path.contains("/chatmessages/") }.allSatisfy { $0.carriedToken })
      let bundle = directory.file("x.tar.gz")
      let pack = try await ChatBundleRun.run([
        "pack", "--source", "easemob", out + "/history", "--media", out + "/media", "-o", bundle,
      ])
      #expect(pack.status == 0, "\(pack.standardError)")
      #expect(pack.standardOutput.contains("messages       7"), "\(pack.standardOutput)")
      #expect(pack.standardOutput.contains("media          6 files"), "\(pack.standardOutput)")
      #expect(pack.standardOutput.contains("missing media  0"), "\(pack.standardOutput)")
      let verify = try await ChatBundleRun.run(["verify", bundle])
      #expect(verify.status == 0 && verify.standardOutput.contains("VALID"), "\(verify.standardOutput)")

      // A second run asks for nothing again.
      let before = server.requests().count
      let again = try await pull(server, out: out)
      #expect(again.status == 0)
      #expect(again.standardOutput.contains("0 fetched, 6 already present"), "\(again.standardOutput)")
      #expect(server.requests().count == before)
    }
  }

  @Test func aKilledPullResumesWithoutFetchingAnyFileTwice() async throws {
    let directory = try TemporaryDirectory()
    let stall = FakeFault(target: .downloads, failure: .stall, after: 3)
    try await FakeEasemob.serve(Scenario.app(hours: Scenario.twoHours, faults: [stall]), now: Scenario.now) {
      server in
      let out = directory.file("out")
      let run = try ChatBundleRun(
        pullArguments(server, out: out, from: "2025031009", to: "2025031010"),
        environment: ["EASEMOB_TOKEN": Scenario.token])
      // The fourth download hangs; kill the pull while it waits for it.
      #expect(await waitFor(seconds: 30) { server.requests().contains { $0.status == 0 } })
      _ = await run.kill()
      // Downloads overlap, so others may finish while the fourth hangs; the pull was still
      // cut off before it had everything.
      let servedBeforeKill = downloadsServed(server).count
      #expect(servedBeforeKill >= 3 && servedBeforeKill < 2 + Scenario.all.count, "\(servedBeforeKill)")
      let resumed = try await pull(server, out: out)
      #expect(resumed.status == 0, "\(resumed.standardOutput)\(resumed.standardError)")
      #expect(resumed.standardOutput.contains("2 complete"), "\(resumed.standardOutput)")
      let served = downloadsServed(server)
      #expect(served.count == 2 + Scenario.all.count, "\(served)")
      #expect(served.values.allSatisfy { $0 == 1 }, "\(served)")
      for attachment in Scenario.all {
        #expect(try String(contentsOfFile: out + "/media/" + attachment.uuid, encoding: .utf8) == attachment.content)
      }
      #expect(allFiles(under: out).allSatisfy { !$0.hasSuffix(".partial") })
      let state = try #require(
        try JSONParser.parse(readBytes(out + "/pull-state.json")).objectValue?["hours"]?.objectValue)
      #expect(state["2025031009"]?.objectValue?["status"] == .string("complete"))
      #expect(state["2025031010"]?.objectValue?["status"] == .string("complete"))
    }
  }

  @Test func anExpiredLinkIsAskedForAgainAndTheHourCompletes() async throws {
    let directory = try TemporaryDirectory()
    let hours: [String: FakeHour] = ["2025031010": .records(Scenario.secondHour, expireFirstLink: true)]
    try await FakeEasemob.serve(Scenario.app(hours: hours), now: Scenario.now) { server in
      let out = directory.file("out")
      let result = try await pull(server, out: out, from: "2025031010")
      #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
      #expect(result.standardError.contains("asking for a new link"), "\(result.standardError)")
      let asked = server.requests().filter { $0.path == "/acme/school/chatmessages/2025031010" }
      #expect(asked.count == 2)
      #expect(server.requests().filter { $0.path == "/files/2025031010" }.map(\.status) == [403, 200])
      #expect(FileManager.default.fileExists(atPath: out + "/history/2025031010.gz"))
      #expect(FileManager.default.fileExists(atPath: out + "/media/" + Scenario.second.uuid))
    }
  }

  @Test func rateLimitsAreWaitedOutAndUnavailableHoursReportedWhileTheRunGoesOn() async throws {
    let directory = try TemporaryDirectory()
    var hours = Scenario.twoHours
    hours["2025031011"] = .empty
    hours["2025031012"] = .expired
    // 2025031013 is not in the scenario: 404 storage_object_not_found.
    let limited = ["/acme/school/chatmessages/2025031009", "/acme/school/chatfiles/\(Scenario.image.uuid)"]
    let faults = limited.map { FakeFault(target: .path($0), failure: .status(429, retryAfter: "1")) }
    try await FakeEasemob.serve(Scenario.app(hours: hours, faults: faults), now: Scenario.now) { server in
      let out = directory.file("out")
      let result = try await pull(server, out: out, to: "2025031013")
      #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
      #expect(
        result.standardOutput.contains("2 complete, 1 empty, 1 expired, 1 not found, 0 failed"),
        "\(result.standardOutput)")
      #expect(result.standardOutput.contains("2025031012  expired"))
      #expect(result.standardOutput.contains("2025031013  not_found"))
      #expect(result.standardError.contains("Retry-After"), "\(result.standardError)")
      for path in limited {
        let times = server.requests().filter { $0.path == path }
        #expect(times.map(\.status) == [429, 200], "\(path)")
        if times.count == 2 { #expect(times[1].at - times[0].at >= .seconds(1), "Retry-After: 1 was not waited for") }
      }
      let state = try #require(
        try JSONParser.parse(readBytes(out + "/pull-state.json")).objectValue?["hours"]?.objectValue)
      #expect(state["2025031012"]?.objectValue?["status"] == .string("expired"))
      #expect(state["2025031013"]?.objectValue?["status"] == .string("not_found"))
      // The token is nowhere in OUT, nor in what the command printed.
      for file in allFiles(under: out) {
        let bytes = try readBytes(file)
        #expect(!String(decoding: bytes, as: UTF8.self).contains(Scenario.token), "\(file)")
      }
      #expect(!result.standardOutput.contains(Scenario.token) && !result.standardError.contains(Scenario.token))
    }
  }

  @Test func serverErrorsAndBrokenConnectionsAreRetriedAndOnlyWholeFilesKept() async throws {
    let directory = try TemporaryDirectory()
    let faults = [
      FakeFault(target: .path("/acme/school/chatmessages/2025031010"), failure: .status(503), times: 2),
      FakeFault(target: .path("/files/2025031009"), failure: .drop),
      FakeFault(target: .path("/acme/school/chatfiles/\(Scenario.video.uuid)"), failure: .truncate),
      FakeFault(target: .path("/acme/school/chatfiles/\(Scenario.document.uuid)"), failure: .status(500)),
    ]
    try await FakeEasemob.serve(Scenario.app(hours: Scenario.twoHours, faults: faults), now: Scenario.now) { server in
      let out = directory.file("out")
      let result = try await pull(server, out: out)
      #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
      #expect(result.standardOutput.contains("6 fetched, 0 already present, 0 failed"), "\(result.standardOutput)")
      func statuses(_ path: String) -> [Int] { server.requests().filter { $0.path == path }.map(\.status) }
      #expect(statuses("/acme/school/chatmessages/2025031010") == [503, 503, 200])
      #expect(statuses("/files/2025031009") == [0, 200])
      #expect(statuses("/acme/school/chatfiles/\(Scenario.video.uuid)") == [0, 200])
      #expect(statuses("/acme/school/chatfiles/\(Scenario.document.uuid)") == [500, 200])
      for attachment in Scenario.all {
        #expect(try String(contentsOfFile: out + "/media/" + attachment.uuid, encoding: .utf8) == attachment.content)
      }
      #expect(allFiles(under: out).allSatisfy { !$0.hasSuffix(".partial") })
    }
  }

  @Test func aRefusedTokenStopsTheRunWithATokenMessage() async throws {
    let directory = try TemporaryDirectory()
    try await FakeEasemob.serve(Scenario.app(hours: Scenario.twoHours), now: Scenario.now) { server in
      let out = directory.file("out")
      let wrong = "WRONG-token-77aa"
      let result = try await pull(server, out: out, token: wrong)
      #expect(result.status == 1)
      #expect(result.standardError.contains("token"), "\(result.standardError)")
      #expect(server.requests().filter { $0.path.contains("chatmessages") }.count == 1)
      #expect(server.requests().allSatisfy { !$0.path.hasPrefix("/files/") })
      #expect(!result.standardOutput.contains(wrong) && !result.standardError.contains(wrong))
      for file in allFiles(under: out) {
        #expect(!String(decoding: try readBytes(file), as: UTF8.self).contains(wrong), "\(file)")
      }
    }
  }

  @Test func clientCredentialsFetchATokenThatIsNeverWrittenOrPrinted() async throws {
    let directory = try TemporaryDirectory()
    let app = Scenario.app(hours: Scenario.twoHours, cluster: .global)
    try await FakeEasemob.serve(app, now: Scenario.now) { server in
      let out = directory.file("out")
      let result = try await ChatBundleRun.run(
        [
          "pull", "easemob", "--host", server.base, "--org", "acme", "--app", "school", "--from", "2025031009",
          "--cluster", "global", "--client-id", "YXA6client", "--rate", "50", "--out", out,
        ], environment: ["EASEMOB_CLIENT_SECRET": Scenario.clientSecret, "EASEMOB_TOKEN": ""])
      #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
      #expect(result.standardOutput.contains("hour keys are UTC"))
      #expect(result.standardOutput.contains("1 complete"), "\(result.standardOutput)")
      #expect(server.requests().first?.path == "/acme/school/token")
      let printed = result.standardOutput + result.standardError
      #expect(!printed.contains(Scenario.token) && !printed.contains(Scenario.clientSecret))
      for file in allFiles(under: out) {
        let text = String(decoding: try readBytes(file), as: UTF8.self)
        #expect(!text.contains(Scenario.token) && !text.contains(Scenario.clientSecret), "\(file)")
      }
    }
  }

  @Test func hoursLeaveTheHistoryWindowAsTheServersClockMoves() async throws {
    let directory = try TemporaryDirectory()
    try await FakeEasemob.serve(Scenario.app(hours: Scenario.twoHours), now: Scenario.now) { server in
      // At 01:30Z three days on, the first hour (from 01:00Z) has left the window and the
      // second (from 02:00Z) has not.
      server.clock.advance(by: 3 * 86_400 - 37_800)
      let result = try await pull(server, out: directory.file("out"))
      #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
      #expect(result.standardOutput.contains("1 complete, 0 empty, 1 expired"), "\(result.standardOutput)")
      #expect(result.standardOutput.contains("2025031009  expired"), "\(result.standardOutput)")
      // An hour that is not over yet is not stored yet.
      server.clock.set(Scenario.now)
      let early = try await pull(server, out: directory.file("early"), from: "2025031020", to: "2025031020")
      #expect(early.standardOutput.contains("2025031020  expired"), "\(early.standardOutput)")
    }
  }

  @Test func usageErrorsExitTwo() async throws {
    let base = ["pull", "easemob", "--host", "127.0.0.1:9", "--org", "acme", "--app", "school", "--out", "/tmp/x"]
    for extra in [
      ["--from", "2025023110"], ["--from", "2025031010", "--to", "2025031009"],
      ["--from", "2025031010", "--cluster", "eu"],
    ] {
      let result = try await ChatBundleRun.run(base + extra, environment: ["EASEMOB_TOKEN": "t0ken"])
      #expect(result.status == 2, "\(extra): \(result.standardError)")
    }
    let noToken = try await ChatBundleRun.run(base + ["--from", "2025031010"], environment: ["EASEMOB_TOKEN": ""])
    #expect(noToken.status == 2 && noToken.standardError.contains("token"))
  }
}
