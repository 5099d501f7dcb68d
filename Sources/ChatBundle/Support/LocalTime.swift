/// One instant's local calendar fields in a `LocalClock`'s zone, worked out once and then
/// printed as many ways as a page needs (`<time datetime>`, the clock time, the day
/// separator, the search entry), as bytes or as text.
public struct LocalTime: Sendable, Equatable {
  public let year: Int64
  public let month: Int64
  public let day: Int64
  public let hour: Int64
  public let minute: Int64
  public let second: Int64
  public let offsetSeconds: Int64
  /// Whole local days since 1970-01-01: it changes exactly when the local date does.
  public let dayNumber: Int64

  init(localMilliseconds local: Int64, offsetSeconds: Int64) {
    dayNumber = UTCTime.floorDivide(local, 86_400_000)
    (year, month, day) = UTCTime.civil(days: dayNumber)
    let seconds = (local - dayNumber * 86_400_000) / 1000
    hour = seconds / 3600
    minute = seconds / 60 % 60
    second = seconds % 60
    self.offsetSeconds = offsetSeconds
  }

  /// `2025-03-10`
  public func appendDate(to out: inout [UInt8]) {
    UTCTime.appendPadded(year, 4, to: &out)
    out.append(UInt8(ascii: "-"))
    UTCTime.appendPadded(month, 2, to: &out)
    out.append(UInt8(ascii: "-"))
    UTCTime.appendPadded(day, 2, to: &out)
  }

  /// `2025-03`
  public func appendMonth(to out: inout [UInt8]) {
    UTCTime.appendPadded(year, 4, to: &out)
    out.append(UInt8(ascii: "-"))
    UTCTime.appendPadded(month, 2, to: &out)
  }

  /// `09:30:05`
  public func appendTime(to out: inout [UInt8]) {
    UTCTime.appendPadded(hour, 2, to: &out)
    out.append(UInt8(ascii: ":"))
    UTCTime.appendPadded(minute, 2, to: &out)
    out.append(UInt8(ascii: ":"))
    UTCTime.appendPadded(second, 2, to: &out)
  }

  /// `+08:00`
  public func appendOffset(to out: inout [UInt8]) {
    out.append(UInt8(ascii: offsetSeconds < 0 ? "-" : "+"))
    let absolute = abs(offsetSeconds)
    UTCTime.appendPadded(absolute / 3600, 2, to: &out)
    out.append(UInt8(ascii: ":"))
    UTCTime.appendPadded(absolute / 60 % 60, 2, to: &out)
  }

  /// RFC 3339 with the local offset: `2025-03-10T09:30:05+08:00`.
  public func appendTimestamp(to out: inout [UInt8]) {
    appendDate(to: &out)
    out.append(UInt8(ascii: "T"))
    appendTime(to: &out)
    appendOffset(to: &out)
  }

  /// `2025-03-10 09:30:05`
  public func appendDateTime(to out: inout [UInt8]) {
    appendDate(to: &out)
    out.append(UInt8(ascii: " "))
    appendTime(to: &out)
  }

  public var date: String { text(appendDate) }
  public var monthText: String { text(appendMonth) }
  public var time: String { text(appendTime) }
  public var offset: String { text(appendOffset) }
  public var timestamp: String { text(appendTimestamp) }
  public var dateTime: String { text(appendDateTime) }

  private func text(_ write: (inout [UInt8]) -> Void) -> String {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(26)
    write(&bytes)
    return String(decoding: bytes, as: UTF8.self)
  }
}
