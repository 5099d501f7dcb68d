import ChatBundle

/// Slack's `ts`: `"<unix seconds>.<microseconds>"` as a string. It is a message's id within
/// its conversation, so it is kept as written; the time is read from its digits, never
/// through a floating-point number, which would round the last digits.
enum SlackTimestamp {
  /// The milliseconds since 1970 of a `ts`, or nil when it is not `digits[.digits]` within
  /// the format's time range.
  static func milliseconds(_ ts: String) -> Int64? {
    let parts = ts.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
    guard (1...2).contains(parts.count), let secondDigits = parts.first, !secondDigits.isEmpty,
      secondDigits.count <= 12, secondDigits.allSatisfy(isDigit)
    else { return nil }
    let fraction = parts.count == 2 ? Array(parts[1]) : []
    guard fraction.count <= 9, fraction.allSatisfy(isDigit), parts.count == 1 || !fraction.isEmpty else { return nil }
    var seconds: Int64 = 0
    for digit in secondDigits { seconds = seconds * 10 + Int64(digit - 0x30) }
    var milliseconds: Int64 = 0
    for (index, digit) in fraction.prefix(3).enumerated() {
      milliseconds += Int64(digit - 0x30) * [100, 10, 1][index]
    }
    let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1000)
    guard !overflow else { return nil }
    let total = scaled + milliseconds
    return (0...BundleLimits.maximumTimestamp).contains(total) ? total : nil
  }

  /// Whether `ts` is a well-formed `ts` (so that ids built from it are the service's own).
  static func isValid(_ ts: String) -> Bool { milliseconds(ts) != nil }

  private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
}
