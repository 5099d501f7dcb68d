/// Calendar arithmetic in UTC, done by hand so that output never depends on the
/// process's time zone, locale or calendar settings.
public enum UTCTime {
  /// `YYYY-MM-DD` for a time in milliseconds since the epoch.
  public static func date(milliseconds: Int64) -> String {
    let (year, month, day) = civil(days: floorDivide(milliseconds, 86_400_000))
    return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
  }

  /// RFC 3339 in UTC with a `Z`, with milliseconds only when they are not zero; with
  /// `alwaysMilliseconds`, always three digits of them, so that the texts sort as the times
  /// do (a database's text column compares them as text).
  public static func timestamp(milliseconds: Int64, alwaysMilliseconds: Bool = false) -> String {
    let days = floorDivide(milliseconds, 86_400_000)
    let inDay = milliseconds - days * 86_400_000
    let (year, month, day) = civil(days: days)
    let seconds = inDay / 1000
    var text =
      pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T" + pad(seconds / 3600, 2) + ":"
      + pad(seconds / 60 % 60, 2) + ":" + pad(seconds % 60, 2)
    if alwaysMilliseconds || inDay % 1000 != 0 { text += "." + pad(inDay % 1000, 3) }
    return text + "Z"
  }

  /// Parses RFC 3339 (`2025-03-10T09:30:00Z`, `…+08:00`, fractional seconds allowed) or a
  /// plain date (`2025-03-10`, taken as midnight at `defaultOffsetSeconds` east of UTC).
  public static func parse(_ text: String, defaultOffsetSeconds: Int64 = 0) -> Int64? {
    let bytes = Array(text.utf8)
    func number(_ range: Range<Int>) -> Int64? {
      guard range.upperBound <= bytes.count else { return nil }
      var value: Int64 = 0
      for index in range {
        let byte = bytes[index]
        guard byte >= 0x30 && byte <= 0x39 else { return nil }
        value = value * 10 + Int64(byte - 0x30)
      }
      return value
    }
    guard bytes.count >= 10, bytes[4] == 0x2D, bytes[7] == 0x2D,
      let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
      (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day)
    else { return nil }
    let dayNumber = days(year: year, month: month, day: day)
    if bytes.count == 10 { return (dayNumber * 86_400 - defaultOffsetSeconds) * 1000 }
    guard bytes.count >= 20, bytes[10] == 0x54 || bytes[10] == 0x74 || bytes[10] == 0x20,
      bytes[13] == 0x3A, bytes[16] == 0x3A,
      let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
      hour < 24, minute < 60, second < 61
    else { return nil }
    var index = 19
    var milliseconds: Int64 = 0
    if index < bytes.count && bytes[index] == 0x2E {
      index += 1
      var scale: Int64 = 100
      let start = index
      while index < bytes.count, bytes[index] >= 0x30 && bytes[index] <= 0x39 {
        milliseconds += Int64(bytes[index] - 0x30) * scale
        scale /= 10
        index += 1
      }
      if index == start { return nil }
    }
    guard index < bytes.count else { return nil }
    var offset: Int64 = 0
    if bytes[index] == 0x5A || bytes[index] == 0x7A {
      guard index + 1 == bytes.count else { return nil }
    } else if bytes[index] == 0x2B || bytes[index] == 0x2D {
      guard index + 6 == bytes.count, bytes[index + 3] == 0x3A,
        let hours = number(index + 1..<index + 3), let minutes = number(index + 4..<index + 6)
      else { return nil }
      offset = (hours * 3600 + minutes * 60) * (bytes[index] == 0x2D ? -1 : 1)
    } else {
      return nil
    }
    let seconds = dayNumber * 86_400 + hour * 3600 + minute * 60 + min(second, 59) - offset
    return seconds * 1000 + milliseconds
  }

  public static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
    value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor)
  }

  /// Days since 1970-01-01 to (year, month, day); Howard Hinnant's civil_from_days.
  public static func civil(days: Int64) -> (Int64, Int64, Int64) {
    let z = days + 719_468
    let era = floorDivide(z, 146_097)
    let dayOfEra = z - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let monthIndex = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
    let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
    return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
  }

  /// (year, month, day) to days since 1970-01-01; Howard Hinnant's days_from_civil.
  public static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
    let y = month <= 2 ? year - 1 : year
    let era = floorDivide(y, 400)
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }

  public static func daysIn(month: Int64, year: Int64) -> Int64 {
    switch month {
    case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  /// `value` in decimal, zero-padded on the left to `width` digits.
  public static func pad(_ value: Int64, _ width: Int) -> String {
    var bytes: [UInt8] = []
    appendPadded(value, width, to: &bytes)
    return String(decoding: bytes, as: UTF8.self)
  }

  /// `pad` as bytes, for callers that print many times without making strings.
  public static func appendPadded(_ value: Int64, _ width: Int, to out: inout [UInt8]) {
    guard value >= 0 else {
      // Not reached by times after 1969; kept as the text `String(value)` would give.
      let digits = Array(String(value).utf8)
      out += [UInt8](repeating: 0x30, count: max(0, width - digits.count)) + digits
      return
    }
    var divisor: Int64 = 1
    var digits = 1
    while divisor <= value / 10 {
      divisor *= 10
      digits += 1
    }
    for _ in digits..<max(digits, width) { out.append(0x30) }
    var rest = value
    while divisor > 0 {
      out.append(UInt8(truncatingIfNeeded: 0x30 + rest / divisor))
      rest %= divisor
      divisor /= 10
    }
  }
}
