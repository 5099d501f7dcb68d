/// What the records travelling with a bundle prove, as a recipient checked them: who
/// signed it (and whether the recipient trusts that key) and when it existed (and whether
/// the recipient trusts that authority). A signature proves who held the key, never what
/// the chat service said; a timestamp proves the bundle existed at its time, never that
/// it is complete.
public struct ProvenanceSummary: Sendable, Equatable {
  public struct Signer: Sendable, Equatable {
    public var fingerprint: String
    public var name: String?
    /// The signature verifies for this bundle's id.
    public var valid: Bool
    /// The key is one the recipient named as trusted; nil when they named none.
    public var trusted: Bool?
  }

  public struct Timestamp: Sendable, Equatable {
    /// When the authority says the bundle existed, UTC milliseconds.
    public var time: Int64?
    public var authority: String?
    /// The token verifies and names this bundle's id.
    public var valid: Bool
    /// It chains to a root the recipient named; nil when they named none.
    public var trusted: Bool?
    /// Why it is not valid or not trusted.
    public var problem: String?
    /// The time as the authority wrote it, ISO 8601 in UTC with every fractional digit.
    public var timeText: String?
    /// The authority's policy OID, dotted.
    public var policy: String?
    /// The token's serial number, `0x…`.
    public var serialNumber: String?

    public init(
      time: Int64?, authority: String?, valid: Bool, trusted: Bool?, problem: String?, timeText: String? = nil,
      policy: String? = nil, serialNumber: String? = nil
    ) {
      self.time = time
      self.authority = authority
      self.valid = valid
      self.trusted = trusted
      self.problem = problem
      self.timeText = timeText
      self.policy = policy
      self.serialNumber = serialNumber
    }
  }

  public var signers: [Signer] = []
  public var timestamps: [Timestamp] = []

  public init() {}

  /// The signatures of `report`'s bundle, each checked against its id and, when `trusted`
  /// is given, against those keys.
  public init(signaturesOf report: VerificationReport, trusting trusted: [PublicSigningKey]?) {
    let fingerprints = trusted.map { Set($0.map(\.fingerprint)) }
    for case .signature(let signature) in report.attachments {
      let valid = report.bundleID.map(signature.isValid(for:)) ?? false
      signers.append(
        Signer(
          fingerprint: signature.publicKey.fingerprint, name: signature.publicKey.name, valid: valid,
          trusted: fingerprints.map { $0.contains(signature.publicKey.fingerprint) }))
    }
  }

  public var isSigned: Bool { signers.contains(where: \.valid) }
  /// A valid signature by a trusted key.
  public var isSignedByTrustedKey: Bool { signers.contains { $0.valid && $0.trusted == true } }
  public var isTimestampedByTrustedAuthority: Bool { timestamps.contains { $0.valid && $0.trusted == true } }
}

extension ProvenanceSummary {
  public func jsonValue() -> JSONValue {
    func optionalBool(_ value: Bool?) -> JSONValue { value.map(JSONValue.bool) ?? .null }
    var object = JSONObject()
    object.append(
      "signatures",
      JSONValue.array(
        signers.map { signer in
          var entry = JSONObject()
          entry.append("fingerprint", signer.fingerprint)
          entry.append("name", signer.name.map(JSONValue.string) ?? .null)
          entry.append("valid", JSONValue.bool(signer.valid))
          entry.append("trusted", optionalBool(signer.trusted))
          return .object(entry)
        }))
    object.append(
      "timestamps",
      JSONValue.array(
        timestamps.map { stamp in
          var entry = JSONObject()
          let time = stamp.timeText ?? stamp.time.map { UTCTime.timestamp(milliseconds: $0) }
          entry.append("time", time.map(JSONValue.string) ?? .null)
          entry.append("authority", stamp.authority.map(JSONValue.string) ?? .null)
          entry.append("policy", stamp.policy.map(JSONValue.string) ?? .null)
          entry.append("serial", stamp.serialNumber.map(JSONValue.string) ?? .null)
          entry.append("valid", JSONValue.bool(stamp.valid))
          entry.append("trusted", optionalBool(stamp.trusted))
          entry.append("problem", stamp.problem.map(JSONValue.string) ?? .null)
          return .object(entry)
        }))
    return .object(object)
  }
}
