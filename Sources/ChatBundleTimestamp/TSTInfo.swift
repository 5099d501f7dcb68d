import SwiftASN1
import X509

/// What a TSA signs (RFC 3161 §2.4.2):
///
///     TSTInfo ::= SEQUENCE {
///       version        INTEGER { v1(1) },
///       policy         TSAPolicyId,
///       messageImprint MessageImprint,
///       serialNumber   INTEGER,
///       genTime        GeneralizedTime,
///       accuracy       Accuracy OPTIONAL,
///       ordering       BOOLEAN DEFAULT FALSE,
///       nonce          INTEGER OPTIONAL,
///       tsa            [0] GeneralName OPTIONAL,
///       extensions     [1] IMPLICIT Extensions OPTIONAL }
public struct TSTInfo: Sendable, Equatable {
  public let policy: ASN1ObjectIdentifier
  public let imprint: MessageImprint
  /// The serial number's DER INTEGER content bytes.
  public let serialNumber: [UInt8]
  public let genTime: TimestampTime
  public let accuracy: TimestampAccuracy?
  public let ordering: Bool
  public let nonce: [UInt8]?
  /// The TSA's name, as the TSA gave it.
  public let tsa: GeneralName?

  public init(derEncoded bytes: [UInt8]) throws(TimestampError) {
    let root = try DERField.parse(bytes, "the TSTInfo")
    self = try DERField.read("the TSTInfo") {
      try DER.sequence(root, identifier: .sequence) { nodes in
        let version = try DERField.smallInteger(
          try DERField.next(&nodes, "the TSTInfo's version"), "the TSTInfo's version", in: 0...1000)
        guard version == 1 else { throw TimestampError.malformed("the TSTInfo is version \(version), not 1") }
        let policy = try ASN1ObjectIdentifier(derEncoded: try DERField.next(&nodes, "the TSTInfo's policy"))
        let imprint = try MessageImprint(derEncoded: try DERField.next(&nodes, "the TSTInfo's imprint"))
        let serial = try DERField.integerBytes(try DERField.next(&nodes, "the serial number"), "the serial number")
        let genTime = try TimestampTime(derEncoded: try DERField.next(&nodes, "genTime"))
        var node = nodes.next()
        var accuracy: TimestampAccuracy?
        if let current = node, current.identifier == .sequence {
          accuracy = try TimestampAccuracy(derEncoded: current)
          node = nodes.next()
        }
        var ordering = false
        if let current = node, current.identifier == .boolean {
          ordering = try Bool(derEncoded: current)
          node = nodes.next()
        }
        var nonce: [UInt8]?
        if let current = node, current.identifier == .integer {
          nonce = try DERField.integerBytes(current, "the nonce")
          node = nodes.next()
        }
        var tsa: GeneralName?
        if let current = node, current.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) {
          tsa = try DER.explicitlyTagged(current, tagNumber: 0, tagClass: .contextSpecific) {
            try GeneralName(derEncoded: $0)
          }
          node = nodes.next()
        }
        if let current = node, current.identifier == ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific) {
          // Extensions: none is defined that changes what the token proves; a critical one
          // would have to be understood, and none is.
          if case .constructed(let extensions) = current.content {
            for ext in extensions {
              let critical = try DER.sequence(ext, identifier: .sequence) { fields in
                _ = try ASN1ObjectIdentifier(derEncoded: &fields)
                var critical = false
                if let flag = fields.next(), flag.identifier == .boolean { critical = try Bool(derEncoded: flag) }
                while fields.next() != nil {}
                return critical
              }
              if critical { throw TimestampError.malformed("the TSTInfo has a critical extension") }
            }
          }
          node = nodes.next()
        }
        guard node == nil else { throw TimestampError.malformed("the TSTInfo has unexpected fields") }
        return TSTInfo(
          policy: policy, imprint: imprint, serialNumber: serial, genTime: genTime, accuracy: accuracy,
          ordering: ordering, nonce: nonce, tsa: tsa)
      }
    }
  }

  private init(
    policy: ASN1ObjectIdentifier, imprint: MessageImprint, serialNumber: [UInt8], genTime: TimestampTime,
    accuracy: TimestampAccuracy?, ordering: Bool, nonce: [UInt8]?, tsa: GeneralName?
  ) {
    self.policy = policy
    self.imprint = imprint
    self.serialNumber = serialNumber
    self.genTime = genTime
    self.accuracy = accuracy
    self.ordering = ordering
    self.nonce = nonce
    self.tsa = tsa
  }

  /// The serial as openssl prints it, `0x…`.
  public var serialText: String { "0x" + DERField.hex(serialNumber).uppercased() }

  /// The TSA's name as a person reads it: a directory name as `CN=…,O=…`.
  public var tsaText: String? {
    guard let tsa else { return nil }
    switch tsa {
    case .directoryName(let name): return name.description
    case .dnsName(let name): return name
    case .uniformResourceIdentifier(let uri): return uri
    case .rfc822Name(let mail): return mail
    default: return tsa.description
    }
  }
}
