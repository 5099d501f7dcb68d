import ChatBundle
import Foundation
import Testing

/// The clock caches a zone's offset between transitions; it must agree with the zone
/// database at every instant, across daylight-saving changes and standard-offset changes.
@Suite struct LocalClockTests {
  @Test(arguments: ["America/Los_Angeles", "Europe/Moscow", "Asia/Pyongyang", "Australia/Lord_Howe", "Asia/Shanghai"])
  func cachedOffsetsMatchTheZoneDatabase(zone: String) throws {
    let clock = try #require(LocalClock(identifier: zone))
    let reference = try #require(TimeZone(identifier: zone))
    // Every 20 minutes from 2010 to 2020, forwards, then a sample backwards.
    var instants = Array(stride(from: Int64(1_262_304_000_000), to: 1_577_836_800_000, by: 1_200_000))
    instants += instants.reversed().enumerated().filter { $0.offset % 97 == 0 }.map(\.element)
    for milliseconds in instants {
      let expected = Int64(reference.secondsFromGMT(for: Date(timeIntervalSince1970: Double(milliseconds) / 1000)))
      #expect(clock.offsetSeconds(at: milliseconds) == expected, "\(zone) at \(milliseconds)")
      if clock.offsetSeconds(at: milliseconds) != expected { return }
    }
  }

  /// Every printed form of a local time agrees with Foundation's calendar in that zone.
  @Test(arguments: ["Asia/Shanghai", "America/St_Johns", "Pacific/Kiritimati", "UTC"])
  func localTimeTextMatchesTheCalendar(zone: String) throws {
    let clock = try #require(LocalClock(identifier: zone))
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = try #require(TimeZone(identifier: zone))
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<2000 {
      let milliseconds = Int64.random(in: 0...4_102_444_800_000, using: &generator)
      let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
      let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
      let offset = calendar.timeZone.secondsFromGMT(for: date)
      let sign = offset < 0 ? "-" : "+"
      func two(_ value: Int?) -> String { String(format: "%02d", value ?? -1) }
      let day = String(format: "%04d", parts.year ?? -1) + "-" + two(parts.month) + "-" + two(parts.day)
      let time = two(parts.hour) + ":" + two(parts.minute) + ":" + two(parts.second)
      let zoneText = sign + two(abs(offset) / 3600) + ":" + two(abs(offset) / 60 % 60)
      let local = clock.local(milliseconds)
      #expect(local.date == day && local.time == time && local.offset == zoneText, "\(zone) at \(milliseconds)")
      #expect(local.timestamp == day + "T" + time + zoneText && local.dateTime == day + " " + time)
      #expect(local.monthText == String(day.prefix(7)))
      if local.date != day || local.time != time { return }
    }
  }
}
