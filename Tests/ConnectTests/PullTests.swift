import ChatBundle
import ChatBundleTestSupport
import Foundation
import Testing

/// A school's group chat over two hours, with an image and a file behind share secrets, a
/// video with a thumbnail, and a voice message without a secret.
enum Scenario {
  static let token = "TOKEN-s3cr3t-8c1f0a77"
  static let clientSecret = "CLIENT-SECRET-4d2e9b"
  static let group = "259184062558209"

  struct Attachment {
    var uuid: String
    var content: String
    var secret: String?
  }

  static let image = Attachment(
    uuid: "5d4237d0-fd4b-11ef-ad5c-6f545c50ca23", content: "a picture", secret: "img-secret")
  static let document = Attachment(
    uuid: "6cd9ce50-fd4c-11ef-ad5c-6f545c50ca23", content: "%PDF notice", secret: "doc-s")
  static let video = Attachment(uuid: "844fb4e0-fd4d-11ef-ad5c-6f545c50ca23", content: "a short film", secret: "vid-s")
  static let thumb = Attachment(uuid: "844fb4e1-fd4d-11ef-ad5c-6f545c50ca23", content: "a still", secret: "thumb-s")
  static let voice = Attachment(uuid: "a120d400-fd57-11ef-ad5c-6f545c50ca23", content: "hello there", secret: nil)
  static let second = Attachment(uuid: "dde8c8d0-fd56-11ef-ad5c-6f545c50ca23", content: "another picture", secret: "s2")
  static let all = [image, document, video, thumb, voice, second]

  static func record(_ id: Int, _ from: String, _ body: String, at milliseconds: Int64) -> String {
    #"{"msg_id":"\#(id)","timestamp":\#(milliseconds),"direction":"outgoing","to":"\#(group)","from":"\#(from)","chat_type":"groupchat","payload":{"bodies":[\#(body)],"ext":{},"from":"\#(from)","to":"\#(group)"}}"#
  }

  static func url(_ attachment: Attachment) -> String { "{base}/acme/school/chatfiles/\(attachment.uuid)" }

  static func media(_ type: String, _ attachment: Attachment, name: String, extra: String = "") -> String {
    let secret = (attachment.secret.map { #","secret":"\#($0)""# } ?? "") + extra
    return
      #"{"type":"\#(type)","url":"\#(url(attachment))","filename":"\#(name)","file_length":\#(attachment.content.utf8.count)\#(secret)}"#
  }

  static var videoBody: String {
    #"{"type":"video","url":"\#(url(video))","filename":"trip.mp4","file_length":\#(video.content.utf8.count),"secret":"\#(video.secret ?? "")","length":3,"thumb":"\#(url(thumb))","thumb_secret":"\#(thumb.secret ?? "")","size":{"width":360,"height":480}}"#
  }

  static let firstHour = [
    record(1, "t_wang", #"{"type":"txt","msg":"早上好！春游通知见附件。"}"#, at: 1_741_568_472_318),
    record(2, "t_wang", media("file", document, name: "notice.pdf"), at: 1_741_568_560_077),
    record(3, "p_chen", media("img", image, name: "photo.jpg"), at: 1_741_568_600_000),
    record(4, "p_chen", videoBody, at: 1_741_568_700_000),
    record(5, "p_li", media("audio", voice, name: "hi.amr", extra: #","length":2"#), at: 1_741_568_800_000),
  ]
  static let secondHour = [
    record(6, "t_wang", media("img", second, name: "board.jpg"), at: 1_741_572_000_000),
    record(7, "p_li", #"{"type":"txt","msg":"谢谢老师"}"#, at: 1_741_572_100_000),
  ]

  /// `hours` maps hour keys to JSON: a `{"records":[…]}` object or "empty", "expired", "not_found".
  static func json(hours: [(String, String)], extra: String = "") -> String {
    let files = all.map { file in
      let secret = file.secret.map { #","secret":"\#($0)""# } ?? ""
      return #""\#(file.uuid)":{"content":"\#(file.content)"\#(secret)}"#
    }
    let hourMembers = hours.map { #""\#($0.0)":\#($0.1)"# }
    return """
      {"org":"acme","app":"school","token":"\(token)","client_id":"YXA6client","client_secret":"\(clientSecret)",
       "hours":{\(hourMembers.joined(separator: ","))},
       "files":{\(files.joined(separator: ","))}\(extra.isEmpty ? "" : "," + extra)}
      """
  }

  static func records(_ lines: [String], expireFirstLink: Bool = false) -> String {
    #"{"records":[\#(lines.joined(separator: ","))]\#(expireFirstLink ? #","expire_first_link":true"# : "")}"#
  }

  static var twoHours: [(String, String)] {
    [("2025031009", records(firstHour)), ("2025031010", records(secondHour))]
  }
}

@Suite(.serialized) struct PullTests {
  func pull(
    _ server: FakeEasemob, out: String, from: String = "2025031009", to: String = "2025031010",
    token: String = Scenario.token, extra: [String] = []
  ) throws -> ProcessResult {
    try ChatBundleBinary.run(
      [
        "pull", "easemob", "--host", server.base, "--org", "acme", "--app", "school", "--from", from, "--to", to,
        "--rate", "50", "--out", out,
      ] + extra,
      environment: ["EASEMOB_TOKEN": token])
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

  @Test func aPullPacksIntoAValidBundleWithNoMissingMedia() throws {
    let directory = try TemporaryDirectory()
    let server = try FakeEasemob(scenario: Scenario.json(hours: Scenario.twoHours), in: directory)
    let out = directory.file("out")
    let result = try pull(server, out: out)
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
    let bundle = directory.file("x.tar.gz")
    let pack = try ChatBundleBinary.run([
      "pack", "--source", "easemob", out + "/history", "--media", out + "/media", "-o", bundle,
    ])
    #expect(pack.status == 0, "\(pack.standardError)")
    #expect(pack.standardOutput.contains("messages       7"), "\(pack.standardOutput)")
    #expect(pack.standardOutput.contains("media          6 files"), "\(pack.standardOutput)")
    #expect(pack.standardOutput.contains("missing media  0"), "\(pack.standardOutput)")
    let verify = try ChatBundleBinary.run(["verify", bundle])
    #expect(verify.status == 0 && verify.standardOutput.contains("VALID"), "\(verify.standardOutput)")

    // A second run asks for nothing again.
    let before = server.requests().count
    let again = try pull(server, out: out)
    #expect(again.status == 0)
    #expect(again.standardOutput.contains("0 fetched, 6 already present"), "\(again.standardOutput)")
    #expect(server.requests().count == before)
  }

  @Test func aKilledPullResumesWithoutFetchingAnyFileTwice() throws {
    let directory = try TemporaryDirectory()
    let server = try FakeEasemob(
      scenario: Scenario.json(hours: Scenario.twoHours, extra: #""stall_download_after":3"#), in: directory)
    let out = directory.file("out")
    let run = try BackgroundRun(
      [
        "pull", "easemob", "--host", server.base, "--org", "acme", "--app", "school", "--from", "2025031009", "--to",
        "2025031010", "--rate", "50", "--out", out,
      ], environment: ["EASEMOB_TOKEN": Scenario.token], in: directory)
    // The fourth download hangs; kill the pull while it waits for it.
    #expect(waitFor(seconds: 30) { server.requests().contains { $0.status == 0 } })
    run.kill()
    #expect(downloadsServed(server).count == 3)
    let resumed = try pull(server, out: out)
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

  @Test func anExpiredLinkIsAskedForAgainAndTheHourCompletes() throws {
    let directory = try TemporaryDirectory()
    let hours = [("2025031010", Scenario.records(Scenario.secondHour, expireFirstLink: true))]
    let server = try FakeEasemob(scenario: Scenario.json(hours: hours), in: directory)
    let out = directory.file("out")
    let result = try pull(server, out: out, from: "2025031010")
    #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
    #expect(result.standardError.contains("asking for a new link"), "\(result.standardError)")
    let asked = server.requests().filter { $0.path == "/acme/school/chatmessages/2025031010" }
    #expect(asked.count == 2)
    #expect(server.requests().filter { $0.path == "/files/2025031010" }.map(\.status) == [403, 200])
    #expect(FileManager.default.fileExists(atPath: out + "/history/2025031010.gz"))
    #expect(FileManager.default.fileExists(atPath: out + "/media/" + Scenario.second.uuid))
  }

  @Test func rateLimitsAreWaitedOutAndUnavailableHoursReportedWhileTheRunGoesOn() throws {
    let directory = try TemporaryDirectory()
    let hours = Scenario.twoHours + [("2025031011", #""empty""#), ("2025031012", #""expired""#)]
    // 2025031013 is not in the scenario: 404 storage_object_not_found.
    let extra =
      #""rate_limit_once":["/acme/school/chatmessages/2025031009","/acme/school/chatfiles/\#(Scenario.image.uuid)"]"#
    let server = try FakeEasemob(scenario: Scenario.json(hours: hours, extra: extra), in: directory)
    let out = directory.file("out")
    let result = try pull(server, out: out, to: "2025031013")
    #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
    #expect(
      result.standardOutput.contains("2 complete, 1 empty, 1 expired, 1 not found, 0 failed"),
      "\(result.standardOutput)")
    #expect(result.standardOutput.contains("2025031012  expired"))
    #expect(result.standardOutput.contains("2025031013  not_found"))
    #expect(result.standardError.contains("Retry-After"), "\(result.standardError)")
    for path in ["/acme/school/chatmessages/2025031009", "/acme/school/chatfiles/\(Scenario.image.uuid)"] {
      let times = server.requests().filter { $0.path == path }
      #expect(times.map(\.status) == [429, 200], "\(path)")
      if times.count == 2 { #expect(times[1].time - times[0].time >= 1000, "Retry-After: 1 was not waited for") }
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

  @Test func aRefusedTokenStopsTheRunWithATokenMessage() throws {
    let directory = try TemporaryDirectory()
    let server = try FakeEasemob(scenario: Scenario.json(hours: Scenario.twoHours), in: directory)
    let out = directory.file("out")
    let wrong = "WRONG-token-77aa"
    let result = try pull(server, out: out, token: wrong)
    #expect(result.status == 1)
    #expect(result.standardError.contains("token"), "\(result.standardError)")
    #expect(server.requests().filter { $0.path.contains("chatmessages") }.count == 1)
    #expect(server.requests().allSatisfy { !$0.path.hasPrefix("/files/") })
    #expect(!result.standardOutput.contains(wrong) && !result.standardError.contains(wrong))
    for file in allFiles(under: out) {
      #expect(!String(decoding: try readBytes(file), as: UTF8.self).contains(wrong), "\(file)")
    }
  }

  @Test func clientCredentialsFetchATokenThatIsNeverWrittenOrPrinted() throws {
    let directory = try TemporaryDirectory()
    let server = try FakeEasemob(scenario: Scenario.json(hours: Scenario.twoHours), in: directory)
    let out = directory.file("out")
    let result = try ChatBundleBinary.run(
      [
        "pull", "easemob", "--host", server.base, "--org", "acme", "--app", "school", "--from", "2025031009",
        "--cluster", "global", "--client-id", "YXA6client", "--rate", "50", "--out", out,
      ], environment: ["EASEMOB_CLIENT_SECRET": Scenario.clientSecret, "EASEMOB_TOKEN": ""])
    #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
    #expect(result.standardOutput.contains("hour keys are UTC"))
    #expect(server.requests().first?.path == "/acme/school/token")
    let printed = result.standardOutput + result.standardError
    #expect(!printed.contains(Scenario.token) && !printed.contains(Scenario.clientSecret))
    for file in allFiles(under: out) {
      let text = String(decoding: try readBytes(file), as: UTF8.self)
      #expect(!text.contains(Scenario.token) && !text.contains(Scenario.clientSecret), "\(file)")
    }
  }

  @Test func usageErrorsExitTwo() throws {
    let base = ["pull", "easemob", "--host", "127.0.0.1:9", "--org", "acme", "--app", "school", "--out", "/tmp/x"]
    for extra in [
      ["--from", "2025023110"], ["--from", "2025031010", "--to", "2025031009"],
      ["--from", "2025031010", "--cluster", "eu"],
    ] {
      let result = try ChatBundleBinary.run(base + extra, environment: ["EASEMOB_TOKEN": "t0ken"])
      #expect(result.status == 2, "\(extra): \(result.standardError)")
    }
    let noToken = try ChatBundleBinary.run(base + ["--from", "2025031010"], environment: ["EASEMOB_TOKEN": ""])
    #expect(noToken.status == 2 && noToken.standardError.contains("token"))
  }
}
