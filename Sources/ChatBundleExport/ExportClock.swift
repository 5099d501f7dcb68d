import ChatBundle
import Foundation

/// Local times in one time zone, formatted by hand so that an export depends on the zone's
/// rules only, never on the process's locale, calendar or clock.
///
/// A copy of the site's `DisplayClock` idea, kept here so that the export module depends on
/// `ChatBundle` alone. The zone's offset is looked up once per span between transitions,
/// since messages arrive in time order within a conversation.
final class ExportClock {
  let identifier: String
  private let zone: TimeZone
  private var cachedSpan: (start: Int64, end: Int64, offset: Int64)?

  init?(identifier: String) {
    guard let zone = TimeZone(identifier: identifier) else { return nil }
    self.identifier = identifier
    self.zone = zone
  }

  func offsetSeconds(at milliseconds: Int64) -> Int64 {
    if let span = cachedSpan, span.start <= milliseconds, milliseconds < span.end { return span.offset }
    let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    let offset = Int64(zone.secondsFromGMT(for: date))
    let end = zone.nextDaylightSavingTimeTransition(after: date).map {
      Int64(($0.timeIntervalSince1970 * 1000).rounded(.down))
    }
    cachedSpan = (milliseconds, end ?? Int64.max, offset)
    return offset
  }

  /// `2025-03-10 09:05:00`, local.
  func localTime(_ milliseconds: Int64) -> String {
    let local = milliseconds + offsetSeconds(at: milliseconds) * 1000
    let days = UTCTime.floorDivide(local, 86_400_000)
    let (year, month, day) = UTCTime.civil(days: days)
    let seconds = (local - days * 86_400_000) / 1000
    return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + " " + pad(seconds / 3600, 2) + ":"
      + pad(seconds / 60 % 60, 2) + ":" + pad(seconds % 60, 2)
  }

  /// `+08:00`
  func offset(_ milliseconds: Int64) -> String {
    let seconds = offsetSeconds(at: milliseconds)
    let absolute = abs(seconds)
    return (seconds < 0 ? "-" : "+") + pad(absolute / 3600, 2) + ":" + pad(absolute / 60 % 60, 2)
  }

  /// RFC 3339 with the local offset: `2025-03-10T09:05:00+08:00`.
  func timestamp(_ milliseconds: Int64) -> String {
    var text = localTime(milliseconds)
    let space = text.index(text.startIndex, offsetBy: 10)
    text.replaceSubrange(space...space, with: "T")
    return text + offset(milliseconds)
  }

  private func pad(_ value: Int64, _ width: Int) -> String {
    let digits = String(value)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
  }
}
