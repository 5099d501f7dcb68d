import ChatBundle

/// Sizes, dimensions, durations and levels as sources write them: a whole number or a
/// numeric string (some SDKs send `"1024"`), a fraction rounded.
///
/// A negative number, or one beyond any real file or recording (WeCom's SDK is seen to
/// write `filesize` values above 2^63), says nothing true about the file: it is left out
/// of the model, and `source.raw` keeps it as the service wrote it. Unchecked, it would
/// trap the arithmetic that follows or make a bundle its own verifier refuses.
enum SourceCount {
  /// Far above any real file size, pixel count or duration in milliseconds, and small
  /// enough that no sum or product the tool makes of such numbers can overflow.
  static let largest: Int64 = 1 << 53

  /// The count in `value`; nil when absent, not a number, or out of range.
  static func count(_ value: JSONValue?) -> Int64? {
    guard let value, let literal = value.numberLiteral ?? value.stringValue else { return nil }
    let number: Int64?
    if let whole = Int64(literal) {
      number = whole
    } else if let fraction = Double(literal), fraction.isFinite, abs(fraction) < 9e15 {
      number = Int64(fraction.rounded())
    } else {
      number = nil
    }
    guard let number, (0...largest).contains(number) else { return nil }
    return number
  }

  /// A duration the source gives in whole seconds, as the bundle's milliseconds.
  static func milliseconds(seconds value: JSONValue?) -> Int64? {
    guard let seconds = count(value) else { return nil }
    let (milliseconds, overflow) = seconds.multipliedReportingOverflow(by: 1000)
    return overflow || milliseconds > largest ? nil : milliseconds
  }
}
