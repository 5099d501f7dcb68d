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
    func number(_ range: Range<Int>) -> Int { range.reduce(0) { $0 * 10 + Int(digits[$1] - 0x30) } }
    let year = number(0..<4)
    let month = number(4..<6)
    let day = number(6..<8)
    let hour = number(8..<10)
    guard year >= 1970, (1...12).contains(month), (0...23).contains(hour),
      (1...Self.daysIn(month: month, year: year)).contains(day)
    else { return nil }
    nominalSeconds = Self.daysFromCivil(year: year, month: month, day: day) * 86_400 + Int64(hour) * 3600
  }

  private init(nominalSeconds: Int64) { self.nominalSeconds = nominalSeconds }

  public var next: HourKey { HourKey(nominalSeconds: nominalSeconds + 3600) }

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
    let days = nominalSeconds >= 0 ? nominalSeconds / 86_400 : (nominalSeconds - 86_399) / 86_400
    let (year, month, day) = Self.civilFromDays(days)
    let hour = (nominalSeconds - days * 86_400) / 3600
    func pad(_ value: Int64, _ width: Int) -> String {
      let text = String(value)
      return String(repeating: "0", count: max(0, width - text.count)) + text
    }
    return pad(year, 4) + pad(month, 2) + pad(day, 2) + pad(hour, 2)
  }

  public static func < (lhs: HourKey, rhs: HourKey) -> Bool { lhs.nominalSeconds < rhs.nominalSeconds }

  private static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  // Howard Hinnant's days_from_civil / civil_from_days.
  private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
    let y = Int64(month <= 2 ? year - 1 : year)
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let m = Int64(month)
    let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + Int64(day) - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
  }

  private static func civilFromDays(_ days: Int64) -> (Int64, Int64, Int64) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let day = doy - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
  }
}
