import ChatBundle
import Foundation
import Testing

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// The fake server itself: odd requests get answers, not a crash, and its clock decides
/// what has expired.
@Suite struct FakeEasemobTests {
  let session = URLSession(configuration: .ephemeral)

  func get(_ server: FakeEasemob, _ target: String, token: String? = Scenario.token) async throws -> (Int, String) {
    try await send(server, "GET", target, token: token)
  }

  func send(
    _ server: FakeEasemob, _ method: String, _ target: String, token: String? = Scenario.token, body: String? = nil
  ) async throws -> (Int, String) {
    let url = try #require(URL(string: server.base + target))
    var request = URLRequest(url: url)
    request.httpMethod = method
    if let token { request.setValue("Bearer " + token, forHTTPHeaderField: "Authorization") }
    if let body { request.httpBody = Data(body.utf8) }
    let (data, response) = try await session.data(for: request)
    return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
  }

  /// The history link the API gives for an hour.
  func link(_ server: FakeEasemob, _ hour: String) async throws -> String {
    let (status, text) = try await get(server, "/acme/school/chatmessages/" + hour)
    #expect(status == 200, "\(text)")
    let object = try JSONParser.parse(text).objectValue
    let url = try #require(object?["data"]?.arrayValue?.first?.objectValue?["url"]?.stringValue)
    return String(url.dropFirst(server.base.count))
  }

  @Test func oddRequestsAreAnsweredAndTheServerGoesOn() async throws {
    try await FakeEasemob.serve(Scenario.app(hours: Scenario.twoHours), now: Scenario.now) { server in
      for target in [
        "/files/2025031009?&=&&Expires", "/files/2025031009?=", "/files/2025031009?Expires=",
        "/files/2025031009?Expires=99999999999999999999999", "/files/2025031009?Expires=-1&Expires=x",
      ] {
        let (status, _) = try await get(server, target, token: nil)
        #expect(status == 403, "\(target)")
      }
      for target in [
        "/", "/files", "/files/", "//acme", "/acme/school", "/acme/school/chatmessages",
        "/acme/school/chatfiles/nope", "/other/school/chatmessages/2025031009",
      ] {
        let (status, _) = try await get(server, target)
        #expect(status == 404, "\(target)")
      }
      let answers = [
        try await get(server, "/acme/school/chatmessages/2025023110").0,
        try await get(server, "/acme/school/chatmessages/2025031009", token: "wrong").0,
        try await send(server, "POST", "/acme/school/token", token: nil, body: "{").0,
        try await send(server, "POST", "/acme/school/messages/users/import", body: "[]").0,
        try await send(server, "POST", "/acme/school/messages/rooms/import", body: "{}").0,
      ]
      #expect(answers == [400, 401, 401, 400, 404])
      #expect(server.imports().isEmpty)
      // Still serving.
      let (status, _) = try await get(server, try await link(server, "2025031009"), token: nil)
      #expect(status == 200)
    }
  }

  @Test func linksExpireByTheServersClock() async throws {
    try await FakeEasemob.serve(Scenario.app(hours: Scenario.twoHours), now: Scenario.now) { server in
      let first = try await link(server, "2025031010")
      server.clock.advance(by: 299)
      let beforeExpiry = try await get(server, first, token: nil).0
      server.clock.advance(by: 2)
      let afterExpiry = try await get(server, first, token: nil).0
      let second = try await link(server, "2025031010")
      let renewed = try await get(server, second, token: nil).0
      let statuses: [Int] = [beforeExpiry, afterExpiry, renewed]
      #expect(statuses == [200, 403, 200])
      #expect(second != first)
      // Three days on, the hour is gone.
      server.clock.advance(by: 3 * 86_400)
      let (status, text) = try await get(server, "/acme/school/chatmessages/2025031010")
      #expect(status == 400 && text.contains("expired"), "\(text)")
    }
  }

  @Test func faultsStrikeInTurn() async throws {
    let path = "/acme/school/chatmessages/2025031009"
    let faults = [FakeFault(target: .path(path), failure: .status(429, retryAfter: "7"), after: 1, times: 2)]
    try await FakeEasemob.serve(Scenario.app(hours: Scenario.twoHours, faults: faults), now: Scenario.now) {
      server in
      var statuses: [Int] = []
      for _ in 0..<4 { statuses.append(try await get(server, path).0) }
      #expect(statuses == [200, 429, 429, 200])
      // A request that would have failed anyway is not counted, nor struck.
      let refused = try await get(server, path, token: "wrong").0
      #expect(refused == 401)
      #expect(server.requests().count == 5)
    }
  }
}
