import ChatBundle
import Foundation

/// Telegram Desktop's two ways of writing a time: `date_unixtime` (epoch seconds in a
/// string, the instant) and `date` (`2023-01-01T10:00:00`, the exporting machine's local
/// wall-clock time without an offset). The same holds for `edited` / `edited_unixtime`.
///
/// The epoch field wins. Old exports, and some hand-edited ones, carry only the local
/// form; it is read in the `--source-tz` zone, which should be the exporting machine's.
struct TelegramTime {
  private let zone: TimeZone?

  init(zoneIdentifier: String) {
    zone = TimeZone(identifier: zoneIdentifier)
  }

  /// The instant in UTC milliseconds from `<prefix>_unixtime`, else `<prefix>`; nil when
  /// neither is present; an error when the one present is not a time.
  func milliseconds(_ record: JSONObject, _ prefix: String) throws(RecordError) -> Int64? {
    if let value = record[prefix + "_unixtime"] {
      guard let literal = value.stringValue ?? value.numberLiteral, let seconds = Int64(literal),
        let milliseconds = Self.milliseconds(seconds: seconds)
      else {
        throw RecordError(
          field: prefix + "_unixtime",
          message: "expected seconds since 1970 as a whole number, found \(describe(value))")
      }
      return milliseconds
    }
    guard let value = record[prefix] else { return nil }
    guard let text = value.stringValue, let milliseconds = local(text) else {
      throw RecordError(
        field: prefix, message: "expected a local time like 2023-01-01T10:00:00, found \(describe(value))")
    }
    return milliseconds
  }

  static func milliseconds(seconds: Int64) -> Int64? {
    let (milliseconds, overflow) = seconds.multipliedReportingOverflow(by: 1000)
    guard !overflow, (0...BundleLimits.maximumTimestamp).contains(milliseconds) else { return nil }
    return milliseconds
  }

  /// `YYYY-MM-DDTHH:MM:SS` read in the zone: the offset is the zone's at that wall-clock
  /// time (asked twice, so that a time just after a daylight-saving change gets the new
  /// offset). A time skipped by a change reads as the offset before it.
  func local(_ text: String) -> Int64? {
    guard text.utf8.count == 19, let asIfUTC = UTCTime.parse(text + "Z"), let zone else { return nil }
    let guess = Date(timeIntervalSince1970: Double(asIfUTC) / 1000)
    let first = Int64(zone.secondsFromGMT(for: guess))
    let second = Int64(zone.secondsFromGMT(for: guess.addingTimeInterval(-Double(first))))
    let result = asIfUTC - second * 1000
    return (0...BundleLimits.maximumTimestamp).contains(result) ? result : nil
  }

  private func describe(_ value: JSONValue) -> String {
    switch value {
    case .string(let text): "\"\(text.prefix(40))\""
    case .number(let literal): literal
    default: value.typeName
    }
  }
}
