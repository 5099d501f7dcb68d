import SwiftASN1

/// An RFC 3161 `TimeStampResp`:
///
///     TimeStampResp ::= SEQUENCE { status PKIStatusInfo, timeStampToken TimeStampToken OPTIONAL }
///     PKIStatusInfo ::= SEQUENCE { status PKIStatus, statusString PKIFreeText OPTIONAL,
///                                  failInfo PKIFailureInfo OPTIONAL }
public struct TimestampResponse: Sendable, Equatable {
  /// PKIStatus: 0 granted, 1 grantedWithMods, 2 rejection, 3 waiting, 4 revocationWarning,
  /// 5 revocationNotification.
  public let status: Int
  public let statusText: [String]
  /// The failInfo bits that are set, by name.
  public let failInfo: [String]
  /// The DER `TimeStampToken`, when one came.
  public let token: [UInt8]?

  public init(derEncoded bytes: [UInt8]) throws(TimestampError) {
    let root = try DERField.parse(bytes, "the reply")
    (status, statusText, failInfo, token) = try DERField.read("the reply") {
      try DER.sequence(root, identifier: .sequence) { nodes in
        let info = try DERField.next(&nodes, "the reply's status")
        let (status, text, failInfo) = try DER.sequence(info, identifier: .sequence) { fields in
          let status = try DERField.smallInteger(try DERField.next(&fields, "the status"), "the status", in: 0...1000)
          var node = fields.next()
          var text: [String] = []
          if let current = node, current.identifier == .sequence {
            text = try DER.sequence(of: ASN1UTF8String.self, identifier: .sequence, rootNode: current).map {
              String(String(decoding: $0.bytes, as: UTF8.self).prefix(200))
            }
            node = fields.next()
          }
          var failInfo: [String] = []
          if let current = node, current.identifier == .bitString {
            failInfo = Self.failInfoNames(try ASN1BitString(derEncoded: current))
            node = fields.next()
          }
          guard node == nil else { throw TimestampError.malformed("the reply's status has unexpected fields") }
          return (status, text, failInfo)
        }
        let token = nodes.next().map { Array($0.encodedBytes) }
        guard nodes.next() == nil else { throw TimestampError.malformed("the reply has unexpected fields") }
        return (status, text, failInfo, token)
      }
    }
  }

  public var isGranted: Bool { status == 0 || status == 1 }

  public var statusName: String {
    switch status {
    case 0: "granted"
    case 1: "grantedWithMods"
    case 2: "rejection"
    case 3: "waiting"
    case 4: "revocationWarning"
    case 5: "revocationNotification"
    default: "\(status)"
    }
  }

  /// The token of a granted reply; a refusal is thrown with its failInfo and text.
  public func grantedToken() throws(TimestampError) -> [UInt8] {
    guard isGranted else { throw .refused(status: statusName, failInfo: failInfo, text: statusText) }
    guard let token else { throw .malformed("the reply grants a timestamp but carries no token") }
    return token
  }

  /// The token in `bytes`, which hold either a whole `TimeStampResp` or a bare
  /// `TimeStampToken` (a CMS ContentInfo, which starts with an OID where a reply starts
  /// with its status).
  public static func token(fromReplyOrToken bytes: [UInt8]) throws(TimestampError) -> [UInt8] {
    let root = try DERField.parse(bytes, "the reply")
    guard root.identifier == .sequence, case .constructed(let children) = root.content,
      let first = children.first(where: { _ in true })
    else { throw .malformed("the reply is neither a TimeStampResp nor a TimeStampToken") }
    if first.identifier == .objectIdentifier { return bytes }
    return try TimestampResponse(derEncoded: bytes).grantedToken()
  }

  private static let failInfoBits: [(Int, String)] = [
    (0, "badAlg (unrecognized or unsupported algorithm)"), (2, "badRequest (transaction not permitted)"),
    (5, "badDataFormat (the data submitted has the wrong format)"),
    (14, "timeNotAvailable (the TSA's time source is not available)"),
    (15, "unacceptedPolicy (the requested policy is not supported)"),
    (16, "unacceptedExtension (the requested extension is not supported)"),
    (17, "addInfoNotAvailable"), (25, "systemFailure"),
  ]

  private static func failInfoNames(_ bits: ASN1BitString) -> [String] {
    let bytes = Array(bits.bytes)
    func isSet(_ bit: Int) -> Bool {
      let index = bit / 8
      return index < bytes.count && bytes[index] & (0x80 >> UInt8(bit % 8)) != 0
    }
    var names = failInfoBits.filter { isSet($0.0) }.map(\.1)
    let known = Set(failInfoBits.map(\.0))
    for bit in 0..<(min(bytes.count, 8) * 8) where isSet(bit) && !known.contains(bit) { names.append("bit \(bit)") }
    return names
  }
}
