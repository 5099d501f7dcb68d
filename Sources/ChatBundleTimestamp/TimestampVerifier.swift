import ChatBundle
import SwiftASN1
@_spi(DisableValidityCheck) import X509

/// Checks RFC 3161 tokens over bundle ids, offline: nothing here reads the clock or the
/// network, so a token checks the same in ten years as today. The checks, in the order of
/// spec/timestamps.md §4:
///
/// 1. the record names this bundle;
/// 2. the token is DER CMS SignedData with one signer over a DER TSTInfo (id-ct-TSTInfo);
/// 3. the TSTInfo's imprint is SHA-256 with this bundle id's 32 bytes;
/// 4. its nonce is the request's (only when the request is at hand, at request time);
/// 5. the signer certificate is found (issuer and serial, or key identifier) among the
///    token's and the record's certificates;
/// 6. the content-type attribute is id-ct-TSTInfo and the message-digest attribute is the
///    digest of the TSTInfo;
/// 7. the signature over the signed attributes verifies with the signer's key;
/// 8. signingCertificateV2 (ESSCertIDv2) or signingCertificate (ESSCertID, SHA-1) names the
///    signer certificate;
/// 9. the signer certificate's extended key usage is id-kp-timeStamping alone, critical;
/// 10. with roots: a chain from the signer to one of them, every certificate valid at
///    genTime.
///
/// 1–9 decide `valid`, 10 decides `trusted`.
public struct TimestampVerifier: Sendable {
  /// The roots the recipient trusts; nil to check no chain.
  public let roots: [Certificate]?

  public init(roots: [Certificate]?) { self.roots = roots }

  /// Roots as read from the files a person named; nil or empty to check no chain.
  public init(trusting roots: [LoadedCertificate]?) {
    self.roots = roots.flatMap { $0.isEmpty ? nil : $0.map(\.certificate) }
  }

  /// Checks a record travelling with the bundle whose id is `bundleID`.
  public func check(_ record: TimestampRecord, bundleID: String) async -> TimestampCheck {
    guard record.bundleID == bundleID else {
      var check = TimestampCheck()
      check.token = try? TimestampToken(derEncoded: record.token)
      check.problem = "the record is for the bundle \(record.bundleID), not this one"
      return check
    }
    return await check(token: record.token, certificates: record.certificates, bundleID: bundleID)
  }

  /// Checks a DER token for `bundleID`, its signer looked for among the token's and
  /// `certificates`; `nonce`, when given, must be the token's.
  public func check(
    token bytes: [UInt8], certificates: [[UInt8]] = [], bundleID: String, nonce: [UInt8]? = nil
  ) async -> TimestampCheck {
    var check = TimestampCheck()
    let token: TimestampToken
    do {
      token = try TimestampToken(derEncoded: bytes)
    } catch {
      check.problem = error.description
      return check
    }
    check.token = token
    let signer: (certificate: Certificate, der: [UInt8]), candidates: [(certificate: Certificate, der: [UInt8])]
    do {
      try Self.checkImprint(token.info, bundleID: bundleID, nonce: nonce)
      candidates = Self.certificates(token.certificates + certificates)
      signer = try Self.findSigner(token.signer, among: candidates)
      check.signer = signer.certificate
      try Self.checkSignature(token, signer: signer)
      try Self.checkUsage(signer.certificate)
    } catch let error as TimestampError {
      check.problem = error.description
      return check
    } catch {
      check.problem = "the token is malformed"
      return check
    }
    check.valid = true
    guard let roots else { return check }
    let intermediates = candidates.filter { $0.der != signer.der }.map(\.certificate)
    let genTime = token.info.genTime
    var verifier = Verifier(rootCertificates: CertificateStore(roots)) {
      RFC5280Policy.withValidityCheckDisabled()
      TimestampChainPolicy(time: genTime.date, timeText: genTime.text)
    }
    switch await verifier.validate(leaf: signer.certificate, intermediates: CertificateStore(intermediates)) {
    case .validCertificate(let chain):
      check.trusted = true
      check.chain = chain.compactMap { certificate in
        var coder = DER.Serializer()
        return (try? coder.serialize(certificate)).map { coder.serializedBytes }
      }
    case .couldNotValidate(let failures):
      check.trusted = false
      let reasons = failures.map { Self.readable($0.policyFailureReason.description) }
      check.problem =
        reasons.first { !$0.hasPrefix("RFC5280Policy") } ?? reasons.first
        ?? "no chain from the TSA certificate \(signer.certificate.subject) to a given root (--tsa-root)"
    }
    return check
  }

  static func checkImprint(_ info: TSTInfo, bundleID: String, nonce: [UInt8]?) throws(TimestampError) {
    guard let expected = MessageImprint(bundleID: bundleID) else {
      throw .mismatch("\(bundleID) is not a bundle id")
    }
    guard info.imprint.algorithm == TimestampOID.sha256 else {
      throw .mismatch("the token's imprint is \(info.imprint.algorithmName), not SHA-256 over the bundle id")
    }
    guard info.imprint.hashedMessage == expected.hashedMessage else {
      throw .mismatch(
        "the token is for another bundle: its imprint is \(DERField.hex(info.imprint.hashedMessage)), not this bundle's id"
      )
    }
    if let nonce {
      guard let actual = info.nonce else { throw .mismatch("the token has no nonce; the request had one") }
      guard actual == nonce else {
        throw .mismatch(
          "the token's nonce 0x\(DERField.hex(actual).uppercased()) is not the request's 0x\(DERField.hex(nonce).uppercased())"
        )
      }
    }
  }

  /// The certificates that parse, each once.
  static func certificates(_ ders: [[UInt8]]) -> [(certificate: Certificate, der: [UInt8])] {
    var seen = Set<[UInt8]>()
    var result: [(certificate: Certificate, der: [UInt8])] = []
    for der in ders where seen.insert(der).inserted {
      if let certificate = try? Certificate(derEncoded: der) { result.append((certificate, der)) }
    }
    return result
  }

  static func findSigner(
    _ info: TimestampSignerInfo, among candidates: [(certificate: Certificate, der: [UInt8])]
  ) throws(TimestampError) -> (certificate: Certificate, der: [UInt8]) {
    let found = candidates.first { candidate in
      switch info.identifier {
      case .issuerAndSerial(let issuer, let serial):
        return candidate.certificate.issuer == issuer
          && Self.unsigned(candidate.certificate.serialNumber.bytes) == Self.unsigned(serial)
      case .keyIdentifier(let keyID):
        return (try? candidate.certificate.extensions.subjectKeyIdentifier).flatMap { $0 }.map {
          Array($0.keyIdentifier) == keyID
        } ?? false
      }
    }
    guard let found else {
      throw .mismatch(
        "the TSA's certificate is neither in the token nor in the record (the request asks for it with certReq)")
    }
    return found
  }

  static func checkSignature(
    _ token: TimestampToken, signer: (certificate: Certificate, der: [UInt8])
  ) throws -> Void {
    let info = token.signer
    guard info.signedAttributes != nil else {
      throw TimestampError.mismatch("the token has no signed attributes; RFC 3161 requires them")
    }
    guard let contentType = try info.attribute(TimestampOID.contentType, "content-type") else {
      throw TimestampError.mismatch("the token has no content-type attribute")
    }
    guard try ASN1ObjectIdentifier(derEncoded: contentType) == token.eContentType else {
      throw TimestampError.mismatch("the content-type attribute is not the token's content type (id-ct-TSTInfo)")
    }
    let algorithm = try CMSSignatureAlgorithm.resolve(digest: info.digestAlgorithm, signature: info.signatureAlgorithm)
    guard let digest = DigestAlgorithm(info.digestAlgorithm) else {
      throw TimestampError.mismatch("the signer's digest algorithm \(info.digestAlgorithm) is not supported")
    }
    guard let messageDigest = try info.attribute(TimestampOID.messageDigest, "message-digest") else {
      throw TimestampError.mismatch("the token has no message-digest attribute")
    }
    guard try DERField.octets(messageDigest, "the message digest") == digest.digest(token.content) else {
      throw TimestampError.mismatch(
        "the message-digest attribute is not the \(digest.name) of the TSTInfo: the TSTInfo was altered")
    }
    guard
      signer.certificate.publicKey.isValidSignature(
        info.signature, for: info.signedAttributesDER, signatureAlgorithm: algorithm)
    else {
      throw TimestampError.mismatch(
        "the TSA's signature does not verify with its certificate \(signer.certificate.subject)")
    }
    let essV2 = try info.attribute(TimestampOID.signingCertificateV2, "signingCertificateV2")
    let essV1 = try info.attribute(TimestampOID.signingCertificate, "signingCertificate")
    guard let attribute = essV2 ?? essV1 else {
      throw TimestampError.mismatch(
        "the token has no signingCertificate or signingCertificateV2 attribute binding it to the TSA's certificate")
    }
    let ess = try ESSSigningCertificate(derEncoded: attribute, version2: essV2 != nil)
    guard let first = ess.certificates.first, first.algorithm.digest(signer.der) == first.hash else {
      throw TimestampError.mismatch(
        "the signing-certificate attribute names another certificate than the signer's")
    }
    if let serial = first.serial, Self.unsigned(serial) != Self.unsigned(signer.certificate.serialNumber.bytes) {
      throw TimestampError.mismatch("the signing-certificate attribute names another serial than the signer's")
    }
    if let names = first.issuer {
      for case .directoryName(let name) in names where name != signer.certificate.issuer {
        throw TimestampError.mismatch("the signing-certificate attribute names another issuer than the signer's")
      }
    }
  }

  /// RFC 3161 §2.3: the TSA's certificate has one extended key usage, id-kp-timeStamping,
  /// and the extension is critical.
  static func checkUsage(_ certificate: Certificate) throws {
    let subject = certificate.subject
    guard let ext = certificate.extensions[oid: TimestampOID.extendedKeyUsage] else {
      throw TimestampError.mismatch(
        "the TSA certificate \(subject) has no extended key usage; a TSA's must be id-kp-timeStamping, critical")
    }
    let usage = try ExtendedKeyUsage(ext)
    guard usage.count == 1, usage.contains(.timeStamping) else {
      throw TimestampError.mismatch(
        "the TSA certificate \(subject) is not for timestamping: its extended key usage is \(usage), not id-kp-timeStamping alone"
      )
    }
    guard ext.critical else {
      throw TimestampError.mismatch(
        "the TSA certificate \(subject)'s extended key usage id-kp-timeStamping is not critical, as RFC 3161 requires")
    }
  }

  /// swift-certificates' reasons, with each `Certificate(…)` dump replaced by its subject.
  static func readable(_ reason: String) -> String {
    var text = reason.replacingOccurrences(of: "RFC5280Policy: ", with: "RFC 5280: ")
    while let start = text.range(of: "Certificate(") {
      var depth = 0
      var end = text.endIndex
      var index = start.upperBound
      while index < text.endIndex {
        let character = text[index]
        if character == "(" { depth += 1 }
        if character == ")" {
          if depth == 0 {
            end = text.index(after: index)
            break
          }
          depth -= 1
        }
        index = text.index(after: index)
      }
      let dump = text[start.lowerBound..<end]
      var name = "a certificate"
      if let open = dump.range(of: "subject: \""), let close = dump[open.upperBound...].firstIndex(of: "\"") {
        name = String(dump[open.upperBound..<close])
      }
      text.replaceSubrange(start.lowerBound..<end, with: name)
    }
    return text
  }

  private static func unsigned(_ bytes: some Collection<UInt8>) -> [UInt8] { Array(bytes.drop { $0 == 0 }) }
}
