import Foundation
import SwiftASN1
import X509

/// The chain rule of a timestamp: every certificate from the TSA's to the root was valid
/// at genTime, the time the TSA signed, not at the time of checking (a TSA certificate that
/// has expired since still vouches for what it signed while it was valid). It also takes
/// charge of the TSA certificate's critical extended key usage, which the verifier checks
/// itself (`TimestampVerifier`).
struct TimestampChainPolicy: VerifierPolicy {
  let verifyingCriticalExtensions: [ASN1ObjectIdentifier] = [TimestampOID.extendedKeyUsage]
  let time: Date
  let timeText: String

  func chainMeetsPolicyRequirements(chain: UnverifiedCertificateChain) -> PolicyEvaluationResult {
    for certificate in chain {
      if time < certificate.notValidBefore {
        return .failsToMeetPolicy(
          reason:
            "the certificate \(certificate.subject) was not yet valid at genTime \(timeText) (valid from \(Self.text(certificate.notValidBefore)))"
        )
      }
      if time > certificate.notValidAfter {
        return .failsToMeetPolicy(
          reason:
            "the certificate \(certificate.subject) had expired at genTime \(timeText) (valid until \(Self.text(certificate.notValidAfter)))"
        )
      }
    }
    return .meetsPolicy
  }

  static func text(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.timeZone = TimeZone(identifier: "UTC")
    return formatter.string(from: date)
  }
}
