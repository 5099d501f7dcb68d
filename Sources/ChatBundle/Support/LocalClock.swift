import Foundation

/// Local dates and times in one time zone, formatted by hand so that the output depends on
/// the zone's rules only, never on the process's locale or clock. The site and the CSV
/// export both show times through it.
///
/// The zone's offset is looked up once per span between transitions: messages arrive in
/// time order within a conversation, and asking the zone database for every timestamp cost
/// more than rendering the message.
public final class LocalClock {
  public let zone: TimeZone
  /// The identifier it was made from, as given.
  public let identifier: String
  private var cachedSpan: (start: Int64, end: Int64, offset: Int64)?

  public init?(identifier: String) {
    guard let zone = TimeZone(identifier: identifier) else { return nil }
    self.zone = zone
    self.identifier = identifier
  }

  public func offsetSeconds(at milliseconds: Int64) -> Int64 {
    if let span = cachedSpan, span.start <= milliseconds, milliseconds < span.end { return span.offset }
    let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    let offset = Int64(zone.secondsFromGMT(for: date))
    let end = zone.nextDaylightSavingTimeTransition(after: date).map {
      Int64(($0.timeIntervalSince1970 * 1000).rounded(.down))
    }
    cachedSpan = (milliseconds, end ?? Int64.max, offset)
    return offset
  }

  /// (year, month, day, hour, minute, second) local.
  public func components(_ milliseconds: Int64) -> (Int64, Int64, Int64, Int64, Int64, Int64) {
    let local = milliseconds + offsetSeconds(at: milliseconds) * 1000
    let days = UTCTime.floorDivide(local, 86_400_000)
    let (year, month, day) = UTCTime.civil(days: days)
    let seconds = (local - days * 86_400_000) / 1000
    return (year, month, day, seconds / 3600, seconds / 60 % 60, seconds % 60)
  }

  public func date(_ milliseconds: Int64) -> String {
    let (year, month, day, _, _, _) = components(milliseconds)
    return "\(UTCTime.pad(year, 4))-\(UTCTime.pad(month, 2))-\(UTCTime.pad(day, 2))"
  }

  public func month(_ milliseconds: Int64) -> String {
    let (year, month, _, _, _, _) = components(milliseconds)
    return "\(UTCTime.pad(year, 4))-\(UTCTime.pad(month, 2))"
  }

  public func time(_ milliseconds: Int64) -> String {
    let (_, _, _, hour, minute, second) = components(milliseconds)
    return "\(UTCTime.pad(hour, 2)):\(UTCTime.pad(minute, 2)):\(UTCTime.pad(second, 2))"
  }

  /// `+08:00`
  public func offset(_ milliseconds: Int64) -> String {
    let seconds = offsetSeconds(at: milliseconds)
    let sign = seconds < 0 ? "-" : "+"
    let absolute = abs(seconds)
    return sign + UTCTime.pad(absolute / 3600, 2) + ":" + UTCTime.pad(absolute / 60 % 60, 2)
  }

  /// RFC 3339 with the local offset, for `<time datetime>`.
  public func timestamp(_ milliseconds: Int64) -> String {
    date(milliseconds) + "T" + time(milliseconds) + offset(milliseconds)
  }
}
