import ChatBundleTestSupport
import ChatBundleTimestamp
import Foundation
import Hummingbird
import LoopbackServer
import NIOCore

/// A real TSA on 127.0.0.1: each POST to `/NAME` is answered by `openssl ts -reply` with
/// the TSA of that name. `/NAME/wrong-nonce` answers a request of openssl's own for the
/// same imprint (so its nonce is another), `/status/500` fails, `/html` answers a web page.
final class TSAServer: Sendable {
  let tsas: [String: TestPKI.TSA]
  let directory: TemporaryDirectory

  private init(tsas: [TestPKI.TSA]) throws {
    self.tsas = Dictionary(uniqueKeysWithValues: tsas.map { ($0.name, $0) })
    directory = try TemporaryDirectory("chatbundle-tsa-server")
  }

  /// Runs `body` with the server's base URL, `http://127.0.0.1:PORT`.
  static func serve<Result>(_ tsas: [TestPKI.TSA], _ body: (String) async throws -> Result) async throws -> Result {
    let server = try TSAServer(tsas: tsas)
    return try await LoopbackServer.serve(
      label: "test-tsa", context: BasicRequestContext.self, answer: { request, _ in try await server.answer(request) }
    ) {
      try await body("http://127.0.0.1:\($0)")
    }
  }

  private func answer(_ request: Request) async throws -> Response {
    var request = request
    let body = Array(buffer: try await request.collectBody(upTo: 1 << 20))
    let parts = request.uri.path.split(separator: "/").map(String.init)
    if parts == ["status", "500"] { return Self.response(500, "text/plain", Array("no".utf8)) }
    if parts == ["html"] { return Self.response(200, "text/html", Array("<html></html>".utf8)) }
    guard let name = parts.first, let tsa = tsas[name], request.method == .post else {
      return Self.response(404, "text/plain", Array("no such TSA".utf8))
    }
    var query = body
    if parts.count > 1 && parts[1] == "wrong-nonce" {
      let original = try TimestampRequest(derEncoded: body)
      let file = directory.file(UUID().uuidString + ".tsq")
      try OpenSSL.run([
        "ts", "-query", "-digest", hex(original.imprint.hashedMessage), "-sha256", "-cert", "-out", file,
      ])
      query = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
    }
    let reply = try tsa.reply(to: query, in: directory)
    return Self.response(200, "application/timestamp-reply", reply)
  }

  private static func response(_ status: Int, _ type: String, _ body: [UInt8]) -> Response {
    var headers = HTTPFields()
    headers[.contentType] = type
    headers[.connection] = "close"
    return Response(
      status: .init(code: status), headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
  }
}

func hex(_ bytes: some Sequence<UInt8>) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
