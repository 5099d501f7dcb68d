import ChatBundleTimestamp
import Foundation
import SwiftASN1
import Testing

/// TSTInfo fields read exactly: genTime with every fractional digit, accuracy, optional
/// fields, and the forms DER and RFC 3161 forbid.
struct TSTInfoTests {
  /// A TSTInfo with `genTime` as its GeneralizedTime text.
  func tstInfo(genTime: String, accuracy: (Int?, Int?, Int?)? = nil, nonce: Bool = true) throws -> [UInt8] {
    var coder = DER.Serializer()
    try coder.appendConstructedNode(identifier: .sequence) { coder in
      try coder.serialize(1)
      try coder.serialize([1, 2, 3, 4, 1] as ASN1ObjectIdentifier)
      try coder.appendConstructedNode(identifier: .sequence) { coder in
        try coder.appendConstructedNode(identifier: .sequence) { coder in
          try coder.serialize([2, 16, 840, 1, 101, 3, 4, 2, 1] as ASN1ObjectIdentifier)
        }
        try coder.serialize(ASN1OctetString(contentBytes: Array(repeating: 0xAB, count: 32)[...]))
      }
      try coder.serialize(0x1234_5678)
      coder.appendPrimitiveNode(identifier: .generalizedTime) { $0.append(contentsOf: Array(genTime.utf8)) }
      if let (seconds, millis, micros) = accuracy {
        try coder.appendConstructedNode(identifier: .sequence) { coder in
          if let seconds { try coder.serialize(seconds) }
          if let millis {
            coder.appendPrimitiveNode(identifier: ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)) {
              // Minimal: one byte below 128.
              if millis >= 128 { $0.append(UInt8(millis >> 8)) }
              $0.append(UInt8(millis & 0xFF))
            }
          }
          if let micros {
            coder.appendPrimitiveNode(identifier: ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific)) {
              $0.append(UInt8(micros))
            }
          }
        }
      }
      if nonce { try coder.serialize(42) }
    }
    return coder.serializedBytes
  }

  @Test func genTimeKeepsEveryFractionalDigit() throws {
    let info = try TSTInfo(derEncoded: try tstInfo(genTime: "20261202061146.123456Z", accuracy: (nil, 500, nil)))
    #expect(info.genTime.text == "2026-12-02T06:11:46.123456Z")
    let expected = try #require(ISO8601DateFormatter().date(from: "2026-12-02T06:11:46Z"))
    #expect(info.genTime.milliseconds == Int64(expected.timeIntervalSince1970) * 1000 + 123)
    #expect(info.accuracy?.description == "±0.500000 s")
    #expect(info.serialText == "0x12345678" && info.nonce == [42] && info.tsa == nil && !info.ordering)
    let whole = try TSTInfo(derEncoded: try tstInfo(genTime: "20280229235959Z", nonce: false))
    #expect(whole.genTime.text == "2028-02-29T23:59:59Z" && whole.nonce == nil && whole.accuracy == nil)
  }

  @Test(arguments: [
    "20261202061146.120Z",  // a trailing zero in the fraction
    "20261202061146.Z",  // a point and no digit
    "20261202061146",  // no Z
    "20261202061146+0800",  // an offset
    "20270229000000Z",  // no such day
    "20261302000000Z",  // no such month
    "2026120206114Z",  // too short
  ])
  func malformedGenTimesAreRefused(text: String) throws {
    #expect(throws: TimestampError.self) { try TSTInfo(derEncoded: try tstInfo(genTime: text)) }
  }

  @Test func accuracyOutsideItsRangesIsRefused() throws {
    #expect(throws: TimestampError.self) {
      try TSTInfo(derEncoded: try tstInfo(genTime: "20261202061146Z", accuracy: (1, 1000, nil)))
    }
    #expect(throws: TimestampError.self) {
      try TSTInfo(derEncoded: try tstInfo(genTime: "20261202061146Z", accuracy: (1, nil, 0)))
    }
    let full = try TSTInfo(derEncoded: try tstInfo(genTime: "20261202061146Z", accuracy: (2, 5, 7)))
    #expect(full.accuracy?.description == "±2.005007 s")
  }
}
