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

  /// The local calendar fields of an instant, to print in any of the site's forms.
  public func local(_ milliseconds: Int64) -> LocalTime {
    let offset = offsetSeconds(at: milliseconds)
    return LocalTime(localMilliseconds: milliseconds + offset * 1000, offsetSeconds: offset)
  }

  public func date(_ milliseconds: Int64) -> String { local(milliseconds).date }

  public func month(_ milliseconds: Int64) -> String { local(milliseconds).monthText }

  public func time(_ milliseconds: Int64) -> String { local(milliseconds).time }

  /// `+08:00`
  public func offset(_ milliseconds: Int64) -> String { local(milliseconds).offset }

  /// RFC 3339 with the local offset, for `<time datetime>`.
  public func timestamp(_ milliseconds: Int64) -> String { local(milliseconds).timestamp }
}
