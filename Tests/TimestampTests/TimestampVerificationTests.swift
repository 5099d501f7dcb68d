import ChatBundle
import ChatBundleTestSupport
import ChatBundleTimestamp
import Crypto
import Foundation
import Testing
import X509

/// The token check itself, against tokens openssl's TSA made (and a few the forge made):
/// what makes a token valid, trusted, or neither, and why.
@Suite(.enabled(if: OpenSSL.available, "openssl is not installed: the TSA of these tests is openssl ts"))
struct TimestampVerificationTests {
  let pki: TestPKI
  let scratch: TemporaryDirectory

  init() throws {
    pki = try TestPKI.shared.get()
    scratch = try TemporaryDirectory("chatbundle-tsa-tests")
  }

  static func randomBundleID() -> String { hex((0..<32).map { _ in UInt8.random(in: 0...255) }) }

  /// A request for `bundleID` answered by `tsa`: the request, the reply, the token.
  func stamp(_ bundleID: String, by tsa: TestPKI.TSA) throws -> (TimestampRequest, [UInt8], [UInt8]) {
    let request = try TimestampRequest(bundleID: bundleID)
    let reply = try tsa.reply(to: request.derBytes, in: scratch)
    return (request, reply, try TimestampResponse(derEncoded: reply).grantedToken())
  }

  func roots(_ cas: TestPKI.CA...) throws -> [Certificate] {
    try cas.flatMap { try CertificateFile.load($0.certificate).map(\.certificate) }
  }

  @Test func aTokenFromTheRightRootIsTrustedAndReadInFull() async throws {
    let id = Self.randomBundleID()
    let (request, _, token) = try stamp(id, by: pki.good)
    let check = await TimestampVerifier(roots: try roots(pki.root)).check(
      token: token, bundleID: id, nonce: request.nonce)
    #expect(check.valid && check.trusted == true, "\(check.problem ?? "")")
    #expect(check.problem == nil)
    let info = try #require(check.info)
    #expect(info.policy.description == "1.2.3.4.1")
    #expect(info.nonce == request.nonce)
    #expect(info.imprint.hashedMessage == TimestampRecord.imprint(of: id))
    #expect(info.accuracy?.description == "±1.500100 s")
    #expect(info.tsaText?.contains("CN=Test TSA good") == true)
    // clock_precision_digits = 3: the fraction is kept as the TSA wrote it.
    #expect(
      info.genTime.text.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?Z$"#, options: .regularExpression) != nil
    )
    #expect(abs(Double(info.genTime.milliseconds) / 1000 - Date().timeIntervalSince1970) < 600)
    // The validated chain goes into the record: the TSA's certificate, then the root.
    #expect(check.chain.count == 2)
    #expect(check.summary.timeText == info.genTime.text && check.summary.serialNumber == info.serialText)
  }

  @Test func withoutARootTheTokenIsReadAndItsSignatureChecked() async throws {
    let id = Self.randomBundleID()
    let (_, _, token) = try stamp(id, by: pki.good)
    let check = await TimestampVerifier(roots: nil).check(token: token, bundleID: id)
    #expect(check.valid && check.trusted == nil && check.problem == nil)
  }

  @Test func aWrongRootIsUntrustedWithAReason() async throws {
    let id = Self.randomBundleID()
    let (_, _, token) = try stamp(id, by: pki.good)
    let check = await TimestampVerifier(roots: try roots(pki.otherRoot)).check(token: token, bundleID: id)
    #expect(check.valid && check.trusted == false)
    #expect(check.problem?.contains("no chain from the TSA certificate") == true, "\(check.problem ?? "")")
  }

  @Test func aChainThroughAnIntermediateInTheTokenOrBesideItIsTrusted() async throws {
    let verifier = TimestampVerifier(roots: try roots(pki.root))
    let id = Self.randomBundleID()
    let (_, _, carried) = try stamp(id, by: pki.viaIntermediate)
    #expect(try TimestampToken(derEncoded: carried).certificates.count == 2)
    let check = await verifier.check(token: carried, bundleID: id)
    #expect(check.valid && check.trusted == true, "\(check.problem ?? "")")
    #expect(check.chain.count == 3)
    // Without the intermediate there is no chain; given beside the token (as a record
    // keeps it), there is.
    let (_, _, bare) = try stamp(id, by: pki.viaIntermediateBare)
    let alone = await verifier.check(token: bare, bundleID: id)
    #expect(alone.valid && alone.trusted == false, "\(alone.problem ?? "")")
    let intermediate = try CertificateFile.load(pki.intermediate.certificate).map(\.der)
    let beside = await verifier.check(token: bare, certificates: intermediate, bundleID: id)
    #expect(beside.valid && beside.trusted == true, "\(beside.problem ?? "")")
  }

  @Test func signingCertificateV1WithSHA1AndAnECKeyVerifies() async throws {
    let id = Self.randomBundleID()
    let (_, _, token) = try stamp(id, by: pki.sha1ESS)
    let check = await TimestampVerifier(roots: try roots(pki.root)).check(token: token, bundleID: id)
    #expect(check.valid && check.trusted == true, "\(check.problem ?? "")")
  }

  @Test func aFlippedByteInTheTSTInfoOrTheSignatureIsInvalid() async throws {
    let id = Self.randomBundleID()
    let (_, _, token) = try stamp(id, by: pki.good)
    let parsed = try TimestampToken(derEncoded: token)
    let verifier = TimestampVerifier(roots: try roots(pki.root))
    // The serial number's last byte, inside the TSTInfo: still DER, no longer what was signed.
    // Looked for after the imprint, which the serial follows: a serial of 1 would otherwise
    // be found in the version field, `02 01 01`.
    let content = try #require(find(parsed.content, in: token))
    let imprint = try #require(TimestampRecord.imprint(of: id))
    let afterImprint = try #require(find(imprint, in: Array(token[content...]))) + imprint.count
    let serialField = [0x02, UInt8(parsed.info.serialNumber.count)] + parsed.info.serialNumber
    let serial = try #require(find(serialField, in: Array(token[(content + afterImprint)...])))
    var alteredInfo = token
    alteredInfo[content + afterImprint + serial + serialField.count - 1] ^= 0x01
    let infoCheck = await verifier.check(token: alteredInfo, bundleID: id)
    #expect(!infoCheck.valid && infoCheck.trusted == nil)
    #expect(infoCheck.problem?.contains("message-digest") == true, "\(infoCheck.problem ?? "")")
    // The signature is the token's last field.
    var alteredSignature = token
    alteredSignature[alteredSignature.count - 1] ^= 0x01
    let signatureCheck = await verifier.check(token: alteredSignature, bundleID: id)
    #expect(!signatureCheck.valid)
    #expect(signatureCheck.problem?.contains("signature does not verify") == true, "\(signatureCheck.problem ?? "")")
  }

  @Test func aTokenForAnotherBundleIsInvalid() async throws {
    let (_, _, token) = try stamp(Self.randomBundleID(), by: pki.good)
    let check = await TimestampVerifier(roots: try roots(pki.root)).check(token: token, bundleID: Self.randomBundleID())
    #expect(!check.valid)
    #expect(check.problem?.contains("for another bundle") == true, "\(check.problem ?? "")")
    // A record naming another bundle than the one it travels with is refused before the token is read.
    let record = TimestampRecord(bundleID: Self.randomBundleID(), token: token, certificates: [])
    let recordCheck = await TimestampVerifier(roots: nil).check(record, bundleID: Self.randomBundleID())
    #expect(!recordCheck.valid && recordCheck.problem?.contains("the record is for the bundle") == true)
  }

  @Test func aNonceOtherThanTheRequestsIsRefused() async throws {
    let id = Self.randomBundleID()
    let (_, _, token) = try stamp(id, by: pki.good)
    let other = try TimestampRequest(bundleID: id)
    let outcome = await TimestampIssuance.accept(token: token, for: id, request: other, roots: nil)
    #expect(outcome.record == nil)
    #expect(outcome.check.problem?.contains("nonce") == true, "\(outcome.check.problem ?? "")")
  }

  @Test func aTSACertificateNotYetValidOrExpiredAtGenTimeIsUntrusted() async throws {
    let verifier = TimestampVerifier(roots: try roots(pki.root))
    for (tsa, words) in [(pki.notYetValid, "not yet valid at genTime"), (pki.expired, "had expired at genTime")] {
      let id = Self.randomBundleID()
      let (_, _, token) = try stamp(id, by: tsa)
      let check = await verifier.check(token: token, bundleID: id)
      #expect(check.valid && check.trusted == false, "\(tsa.name): \(check.problem ?? "")")
      #expect(check.problem?.contains(words) == true, "\(tsa.name): \(check.problem ?? "")")
    }
  }

  @Test func aTSACertificateExpiredSinceGenTimeStillVerifies() async throws {
    // Valid for a few seconds from now: the token is made inside that window, checked after it.
    let until = Date().addingTimeInterval(3)
    let brief = try TestPKI.issueTSA("brief", by: pki.root, until: until, in: scratch)
    let id = Self.randomBundleID()
    let (_, _, token) = try stamp(id, by: brief)
    while Date() <= until.addingTimeInterval(1.5) { try await Task.sleep(for: .milliseconds(250)) }
    let certificate = try #require(try CertificateFile.load(brief.certificate).first?.certificate)
    #expect(certificate.notValidAfter < Date(), "the TSA certificate has expired by now")
    let check = await TimestampVerifier(roots: try roots(pki.root)).check(token: token, bundleID: id)
    #expect(check.valid && check.trusted == true, "\(check.problem ?? "")")
  }

  @Test(arguments: [
    (TokenForge.Usage.none, "has no extended key usage"),
    (.nonCriticalTimeStamping, "is not critical"),
    (.codeSigning, "is not for timestamping"),
  ])
  func aTSACertificateWithoutACriticalTimeStampingUsageIsInvalid(usage: TokenForge.Usage, words: String) async throws {
    let id = Self.randomBundleID()
    let (_, _, real) = try stamp(id, by: pki.good)
    let content = try TimestampToken(derEncoded: real).content
    let forge = try TokenForge()
    let verifier = TimestampVerifier(roots: [forge.root])
    // The forge's token with a proper certificate passes: only the usage differs below.
    let proper = await verifier.check(
      token: try forge.token(over: content, signer: try forge.tsa(.criticalTimeStamping)), bundleID: id)
    #expect(proper.valid && proper.trusted == true, "\(proper.problem ?? "")")
    let check = await verifier.check(token: try forge.token(over: content, signer: try forge.tsa(usage)), bundleID: id)
    #expect(!check.valid, "\(usage)")
    #expect(check.problem?.contains(words) == true, "\(check.problem ?? "")")
  }

  @Test func theSignerMayBeGivenBesideTheToken() async throws {
    let id = Self.randomBundleID()
    let (_, _, real) = try stamp(id, by: pki.good)
    let content = try TimestampToken(derEncoded: real).content
    let forge = try TokenForge()
    let signer = try forge.tsa(.criticalTimeStamping)
    let token = try forge.token(over: content, signer: signer)
    // A signer certificate that is not the one ESS names is refused.
    let impostor = try forge.tsa(.criticalTimeStamping)
    let wrong = try forge.token(over: content, signer: (impostor.certificate, signer.der, impostor.key))
    let wrongCheck = await TimestampVerifier(roots: [forge.root]).check(token: wrong, bundleID: id)
    #expect(!wrongCheck.valid, "\(wrongCheck.problem ?? "")")
    let check = await TimestampVerifier(roots: [forge.root]).check(
      token: token, certificates: [forge.rootDER], bundleID: id)
    #expect(check.valid && check.trusted == true)
  }

  @Test func aRefusalCarriesItsFailInfo() throws {
    // openssl refuses a policy it does not have.
    let id = Self.randomBundleID()
    let request = try TimestampRequest(bundleID: id, policy: "1.9.9.9")
    let reply = try TimestampResponse(derEncoded: try pki.good.reply(to: request.derBytes, in: scratch))
    #expect(!reply.isGranted && reply.statusName == "rejection")
    #expect(throws: TimestampError.self) { try reply.grantedToken() }
    #expect(reply.failInfo.contains { $0.hasPrefix("unacceptedPolicy") }, "\(reply.failInfo)")
  }

  @Test func ourRequestIsReadByOpenSSLAndBack() throws {
    let id = Self.randomBundleID()
    let request = try TimestampRequest(bundleID: id, policy: "1.2.3.4.5")
    let file = try scratch.write("q.tsq", request.derBytes)
    let text = try OpenSSL.run(["ts", "-query", "-in", file, "-text"]).standardOutput
    #expect(text.contains("Hash Algorithm: sha256") && text.contains("Certificate required: yes"))
    #expect(text.contains("Nonce: \(try #require(request.nonceText))"), "\(text)")
    #expect(text.contains("Policy OID: 1.2.3.4.5"))
    #expect(try TimestampRequest(derEncoded: request.derBytes) == request)
  }

  private func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
    guard !needle.isEmpty, needle.count <= haystack.count else { return nil }
    return (0...(haystack.count - needle.count)).first { Array(haystack[$0..<($0 + needle.count)]) == needle }
  }
}
