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
}
