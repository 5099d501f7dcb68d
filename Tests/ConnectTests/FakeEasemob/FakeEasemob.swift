import ChatBundle
import Foundation
import Hummingbird
import LoopbackServer
import NIOCore
import Synchronization

/// A stand-in for the Easemob REST API, served by Hummingbird inside the test process on
/// 127.0.0.1 at a port the OS picks. `serve` starts it for the length of one closure;
/// what the server holds and how it fails comes from a ``FakeEasemobScenario``, and its
/// "now" from a ``FakeClock`` the test can move.
final class FakeEasemob: Sendable {
  struct LoggedRequest: Sendable {
    var method: String
    /// The path, without the query.
    var path: String
    /// The status answered; 0 when no whole answer was sent (dropped, stalled, truncated).
    var status: Int
    var at: ContinuousClock.Instant
    /// Whether the request carried an Authorization header.
    var carriedToken: Bool
  }

  struct Import: Sendable {
    var endpoint: String
    /// The body as received.
    var body: [UInt8]
  }

  let scenario: FakeEasemobScenario
  let clock: FakeClock
  let state: Mutex<State>

  struct State {
    var base = ""
    var requests: [LoggedRequest] = []
    var imports: [Import] = []
    /// Download links given out per hour, to sign each one differently.
    var linksIssued: [String: Int] = [:]
    /// Per fault, the matching requests seen that would have succeeded.
    var faultCounts: [Int]
    /// Hour files, built on first use (their records name the server's URL).
    var historyFiles: [String: [UInt8]] = [:]
  }

  private init(scenario: FakeEasemobScenario, now: Date) {
    self.scenario = scenario
    clock = FakeClock(now)
    state = Mutex(State(faultCounts: Array(repeating: 0, count: scenario.faults.count)))
  }

  /// `http://127.0.0.1:PORT`.
  var base: String { state.withLock { $0.base } }

  /// Every request so far, in the order they came.
  func requests() -> [LoggedRequest] { state.withLock { $0.requests } }

  /// The import bodies taken, as (endpoint, body).
  func imports() -> [(String, JSONValue)] {
    state.withLock { $0.imports }.compactMap { item in
      (try? JSONParser.parse(item.body)).map { (item.endpoint, $0) }
    }
  }

  /// Runs `body` with a server started for it, and stops the server when `body` returns
  /// or throws: a request still stalled then is cut off.
  static func serve<Result>(
    _ scenario: FakeEasemobScenario, now: Date, _ body: (FakeEasemob) async throws -> Result
  ) async throws -> Result {
    let server = FakeEasemob(scenario: scenario, now: now)
    return try await LoopbackServer.serve(
      label: "fake-easemob", context: Context.self,
      answer: { request, context in try await server.answer(request, context) }
    ) { port in
      server.state.withLock { $0.base = "http://127.0.0.1:\(port)" }
      return try await body(server)
    }
  }

  /// Hummingbird's side: the request as the routes see it, and their action carried out.
  private func answer(_ request: Request, _ context: Context) async throws -> Response {
    var request = request
    let body: [UInt8]
    do {
      body = Array(buffer: try await request.collectBody(upTo: 1 << 20))
    } catch {
      return Self.response(.json(413, #"{"error":"request_entity_too_large"}"#))
    }
    let incoming = Incoming(
      method: request.method.rawValue, path: request.uri.path,
      expires: request.uri.queryParameters["Expires"].map(String.init),
      authorization: request.headers[.authorization],
      shareSecret: request.headers.first { $0.name.canonicalName == "share-secret" }?.value, body: body)
    switch respond(to: incoming) {
    case .answer(let reply):
      return Self.response(reply)
    case .drop:
      try await context.channel.close()
      return Response(status: .ok)
    case .stall:
      // Cancelled when the server stops.
      try await Task.sleep(for: .seconds(3600))
      return Response(status: .ok)
    case .truncate(let reply):
      var response = Self.response(reply)
      let half = ByteBuffer(bytes: reply.body.prefix(reply.body.count / 2))
      response.body = ResponseBody(contentLength: reply.body.count) { writer in
        try await writer.write(half)
        // Thrown from the body, the error makes Hummingbird close the connection.
        throw CancellationError()
      }
      return response
    }
  }

  private static func response(_ reply: Reply) -> Response {
    var headers = HTTPFields()
    headers[.contentType] = reply.contentType
    // One request per connection, as a dropped connection is then a fresh one dropped.
    // On a reused keep-alive connection libcurl (under URLSession) quietly sends a GET
    // again, and a POST waits for the timeout, so a drop there tests libcurl, not us.
    headers[.connection] = "close"
    if let retryAfter = reply.retryAfter { headers[.retryAfter] = retryAfter }
    return Response(
      status: .init(code: reply.status), headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: reply.body))
    )
  }

  /// Hummingbird's request context with the connection kept, so that a route can drop it.
  struct Context: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
      coreContext = CoreRequestContextStorage(source: source)
      channel = source.channel
    }
  }
}
