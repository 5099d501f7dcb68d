import Foundation
import SwiftASN1

/// A TSTInfo's genTime, `YYYYMMDDhhmmss[.s…]Z` (RFC 3161 §2.4.2), kept exactly: its text
/// with every fractional digit the TSA gave, and milliseconds since the epoch (truncated)
/// for comparisons with certificate validity.
public struct TimestampTime: Sendable, Equatable, Comparable {
  /// ISO 8601 in UTC, `2026-12-02T06:00:00.123456Z`: the fraction as the TSA wrote it.
  public let text: String
  public let milliseconds: Int64

  public var date: Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }

  public static func < (lhs: TimestampTime, rhs: TimestampTime) -> Bool { lhs.milliseconds < rhs.milliseconds }

  init(derEncoded node: ASN1Node) throws {
    guard node.identifier == .generalizedTime, case .primitive(let content) = node.content else {
      throw TimestampError.malformed("genTime is not a GeneralizedTime")
    }
    // SwiftASN1 checks the calendar (month lengths, leap years, ranges).
    _ = try GeneralizedTime(derEncoded: node)
    let bytes = Array(content)
    guard bytes.count >= 15, bytes.count <= 64, bytes.last == UInt8(ascii: "Z") else {
      throw TimestampError.malformed("genTime is not YYYYMMDDhhmmss[.fraction]Z")
    }
    func digits(_ range: Range<Int>) throws -> Int {
      var value = 0
      for index in range {
        let byte = bytes[index]
        guard byte >= 0x30 && byte <= 0x39 else { throw TimestampError.malformed("genTime has a non-digit") }
        value = value * 10 + Int(byte - 0x30)
      }
      return value
    }
    let year = try digits(0..<4)
    let month = try digits(4..<6)
    let day = try digits(6..<8)
    let hour = try digits(8..<10)
    let minute = try digits(10..<12)
    let second = try digits(12..<14)
    var fraction: [UInt8] = []
    if bytes.count > 15 {
      guard bytes[14] == UInt8(ascii: "."), bytes.count > 16 else {
        throw TimestampError.malformed("genTime is not YYYYMMDDhhmmss[.fraction]Z")
      }
      fraction = Array(bytes[15..<(bytes.count - 1)])
      _ = try digits(15..<(bytes.count - 1))
      // DER (X.690 §11.7): no trailing zeros in the fraction.
      guard fraction.last != UInt8(ascii: "0") else { throw TimestampError.malformed("genTime's fraction ends in 0") }
    }
    guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60 else {
      throw TimestampError.malformed("genTime is not a valid time")
    }
    func pad(_ value: Int, _ width: Int) -> String {
      let text = String(value)
      return String(repeating: "0", count: max(0, width - text.count)) + text
    }
    var text =
      pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T" + pad(hour, 2) + ":" + pad(minute, 2) + ":"
      + pad(second, 2)
    if !fraction.isEmpty { text += "." + String(decoding: fraction, as: UTF8.self) }
    self.text = text + "Z"
    var millis = 0
    for index in 0..<3 { millis = millis * 10 + (index < fraction.count ? Int(fraction[index] - 0x30) : 0) }
    // Every field is range-checked above, so this stays far inside Int64.
    let days = Self.daysFromCivil(year: Int64(year), month: Int64(month), day: Int64(day))
    milliseconds =
      ((days * 24 + Int64(hour)) * 60 + Int64(minute)) * 60_000 + Int64(second) * 1000 + Int64(millis)
  }

  /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
  static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
    let shifted = month <= 2 ? year - 1 : year
    let era = (shifted >= 0 ? shifted : shifted - 399) / 400
    let yearOfEra = shifted - era * 400
    let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }
}
