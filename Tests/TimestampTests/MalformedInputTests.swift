import ChatBundleTestSupport
import ChatBundleTimestamp
import Foundation
import Testing

/// Every reader of DER a TSA or a bundle hands us turns damage into an error, never a
/// trap: each truncation and each single-byte change of a real reply and token.
@Suite(.enabled(if: OpenSSL.available, "openssl is not installed: the TSA of these tests is openssl ts"))
struct MalformedInputTests {
  @Test func truncatedAndAlteredRepliesAndTokensAreRefusedCleanly() async throws {
    let pki = try TestPKI.shared.get()
    let scratch = try TemporaryDirectory("chatbundle-tsa-malformed")
    let id = TimestampVerificationTests.randomBundleID()
    let request = try TimestampRequest(bundleID: id)
    let reply = try pki.good.reply(to: request.derBytes, in: scratch)
    let token = try TimestampResponse(derEncoded: reply).grantedToken()
    for length in 0..<reply.count {
      #expect(throws: TimestampError.self) { try TimestampResponse(derEncoded: Array(reply[..<length])) }
    }
    for length in 0..<token.count {
      #expect(throws: TimestampError.self) { try TimestampToken(derEncoded: Array(token[..<length])) }
    }
    let verifier = TimestampVerifier(roots: nil)
    var refused = 0
    for index in token.indices {
      var altered = token
      altered[index] ^= 0xFF
      _ = try? TimestampToken(derEncoded: altered)
      _ = try? TimestampResponse.token(fromReplyOrToken: altered)
      if index % 5 == 0 {
        let check = await verifier.check(token: altered, bundleID: id, nonce: request.nonce)
        if !check.valid { refused += 1 }
      }
    }
    #expect(refused > 0)
    for index in request.derBytes.indices {
      var altered = request.derBytes
      altered[index] ^= 0xFF
      _ = try? TimestampRequest(derEncoded: altered)
    }
    #expect(throws: TimestampError.self) { try TimestampToken(derEncoded: []) }
    #expect(throws: TimestampError.self) { try TSTInfo(derEncoded: [0x30, 0x80, 0x00, 0x00]) }
  }
}
