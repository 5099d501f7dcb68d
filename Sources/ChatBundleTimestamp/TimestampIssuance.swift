import ChatBundle
import X509

/// Takes a token a TSA gave for a bundle and decides whether it may travel with it: it
/// must verify for the bundle id (and the request's nonce and policy, when the request is
/// at hand) and, when the person named roots, chain to one of them at genTime. The record
/// keeps the token and every certificate needed to check it later, offline: the token's
/// own, those the person gave, and the validated chain.
public enum TimestampIssuance {
  public struct Outcome: Sendable {
    public var check: TimestampCheck
    /// The record to attach; nil when the token is refused, `check.problem` saying why.
    public var record: TimestampRecord?
  }

  public static func accept(
    token: [UInt8], for bundleID: String, request: TimestampRequest?, certificates: [[UInt8]] = [],
    roots: [LoadedCertificate]?
  ) async -> Outcome {
    if let request, request.imprint != MessageImprint(bundleID: bundleID) {
      var check = TimestampCheck()
      check.problem = "the query is for another bundle: its imprint is not this bundle's id"
      return Outcome(check: check, record: nil)
    }
    var check = await TimestampVerifier(roots: roots?.map(\.certificate)).check(
      token: token, certificates: certificates, bundleID: bundleID, nonce: request?.nonce)
    if check.valid, let policy = request?.policy, let info = check.info, info.policy != policy {
      check.valid = false
      check.problem = "the TSA used the policy \(info.policy), not the requested \(policy)"
    }
    guard check.valid, roots == nil || check.trusted == true else { return Outcome(check: check, record: nil) }
    var seen = Set<[UInt8]>()
    let kept = ((check.token?.certificates ?? []) + check.chain + certificates).filter { seen.insert($0).inserted }
    return Outcome(check: check, record: TimestampRecord(bundleID: bundleID, token: token, certificates: kept))
  }
}
