import ChatBundle
import Foundation

/// Which Easemob cluster, and so in which zone the `{time}` hour key is read.
public enum EasemobCluster: String, Sendable, CaseIterable, Codable {
  /// Chinese clusters: hour keys are Beijing time (UTC+8).
  case cn
  /// Overseas clusters: hour keys are UTC.
  case global

  public var offsetSeconds: Int { self == .cn ? 8 * 3600 : 0 }

  public var zoneDescription: String { self == .cn ? "Beijing time (UTC+8)" : "UTC" }
}

/// An hour key `yyyyMMddHH`, as the history API takes it. Both clusters read it in a zone
/// without daylight saving time, so consecutive keys are always one hour apart.
public struct HourKey: Sendable, Hashable, Comparable, CustomStringConvertible {
  /// Seconds since 1970 of the hour's start, as if the key were UTC.
  public let nominalSeconds: Int64

  public init?(_ text: String) {
    let digits = Array(text.utf8)
    guard digits.count == 10, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
    func number(_ range: Range<Int>) -> Int64 { range.reduce(0) { $0 * 10 + Int64(digits[$1] - 0x30) } }
    let year = number(0..<4)
    let month = number(4..<6)
    let day = number(6..<8)
    let hour = number(8..<10)
    guard year >= 1970, (1...12).contains(month), (0...23).contains(hour),
      (1...UTCTime.daysIn(month: month, year: year)).contains(day)
    else { return nil }
    nominalSeconds = UTCTime.days(year: year, month: month, day: day) * 86_400 + hour * 3600
  }

  private init(nominalSeconds: Int64) { self.nominalSeconds = nominalSeconds }

  public var next: HourKey { HourKey(nominalSeconds: nominalSeconds + 3600) }

  /// The hour `hours` hours later (earlier when negative); keys are years from the ends of
  /// Int64, so this cannot overflow for a count a caller computes.
  public func advanced(byHours hours: Int) -> HourKey {
    HourKey(nominalSeconds: nominalSeconds.addingReportingOverflow(Int64(hours) * 3600).partialValue)
  }

  /// The key's hour start as a real instant in the cluster's zone.
  public func start(in cluster: EasemobCluster) -> Date {
    Date(timeIntervalSince1970: Double(nominalSeconds - Int64(cluster.offsetSeconds)))
  }

  /// The key of the hour that holds `date` in the cluster's zone.
  public static func containing(_ date: Date, in cluster: EasemobCluster) -> HourKey {
    let seconds = Int64(date.timeIntervalSince1970.rounded(.down)) + Int64(cluster.offsetSeconds)
    return HourKey(nominalSeconds: seconds - ((seconds % 3600) + 3600) % 3600)
  }

  /// Every key from `from` to `to`, both included.
  public static func range(from: HourKey, to: HourKey) -> [HourKey] {
    guard from <= to else { return [] }
    return stride(from: from.nominalSeconds, through: to.nominalSeconds, by: 3600).map(HourKey.init(nominalSeconds:))
  }

  public var description: String {
    let days = UTCTime.floorDivide(nominalSeconds, 86_400)
    let (year, month, day) = UTCTime.civil(days: days)
    let hour = (nominalSeconds - days * 86_400) / 3600
    return UTCTime.pad(year, 4) + UTCTime.pad(month, 2) + UTCTime.pad(day, 2) + UTCTime.pad(hour, 2)
  }

  public static func < (lhs: HourKey, rhs: HourKey) -> Bool { lhs.nominalSeconds < rhs.nominalSeconds }
}
