import ChatBundle
import ChatBundleTestSupport
import PropertyBased
import Testing

@testable import ChatBundleSite

/// The overview's arithmetic: periods cover the span without a gap and lose no message,
/// the granularity follows the span, weekdays are right, and the counts of a conversation
/// survive messages out of order.
@Suite struct OverviewStatisticsTests {
  func day(_ year: Int64, _ month: Int64, _ day: Int64) -> Int64 { UTCTime.days(year: year, month: month, day: day) }

  @Test func weekdaysBeginOnMonday() {
    #expect(ConversationActivity.weekday(ofDay: 0) == 3, "1970-01-01 was a Thursday")
    #expect(ConversationActivity.weekday(ofDay: day(2025, 3, 10)) == 0, "2025-03-10 was a Monday")
    #expect(ConversationActivity.weekday(ofDay: day(2025, 3, 16)) == 6)
    #expect(ConversationActivity.weekday(ofDay: day(1969, 12, 31)) == 2, "before 1970 too")
  }

  @Test func theSpanChoosesTheGranularity() {
    let start = day(2025, 3, 1)
    func granularity(spanning days: Int64) -> ActivityPeriods.Granularity {
      ActivityPeriods(days: [(start, 1), (start + days - 1, 1)]).granularity
    }
    #expect(granularity(spanning: 1) == .day)
    #expect(granularity(spanning: 92) == .day)
    #expect(granularity(spanning: 93) == .week)
    #expect(granularity(spanning: 735) == .week)
    #expect(granularity(spanning: 736) == .month)
    #expect(granularity(spanning: 365 * 19) == .month)
    #expect(granularity(spanning: 365 * 21) == .year)
    let byDay = ActivityPeriods(days: [(start, 2), (start + 91, 3)])
    #expect(byDay.periods.count == 92, "days without messages are bars of height zero")
    #expect(byDay.periods.first?.count == 2 && byDay.periods.last?.count == 3)
    #expect(byDay.periods.dropFirst().dropLast().allSatisfy { $0.count == 0 && $0.firstActiveDay == nil })
    let byMonth = ActivityPeriods(days: [(day(2020, 1, 31), 1), (day(2020, 2, 29), 4), (day(2023, 12, 1), 1)])
    #expect(byMonth.label(byMonth.periods[1]) == "2020-02" && byMonth.periods[1].count == 4)
    #expect(byMonth.periods.count == 48)
    let byWeek = ActivityPeriods(days: [(day(2025, 3, 12), 1), (day(2025, 8, 1), 1)])
    #expect(byWeek.label(byWeek.periods[0]) == "2025-03-10", "a week is labelled by its Monday")
    #expect(byWeek.periods[0].firstActiveDay == day(2025, 3, 12))
  }

  @Test func periodsCoverTheSpanAndLoseNoMessage() async {
    await propertyCheck(count: 300, input: Gen.uint64(in: 0...UInt64.max)) { seed in
      var random = SplitMix64(seed: seed)
      var days: [(day: Int64, count: Int)] = []
      var current = Int64(random.next() % 40_000)
      let spread = [3, 20, 400, 4000][Int(random.next() % 4)]
      for _ in 0..<(1 + Int(random.next() % 60)) {
        days.append((current, 1 + Int(random.next() % 50)))
        current += 1 + Int64(random.next() % UInt64(spread))
      }
      let periods = ActivityPeriods(days: days)
      #expect(periods.periods.reduce(0) { $0 + $1.count } == days.reduce(0) { $0 + $1.count })
      #expect(periods.periods.first?.start ?? .max <= days[0].day)
      let last = periods.periods.last.map { ActivityPeriods.advance($0.start, periods.granularity) } ?? 0
      #expect(last > days[days.count - 1].day, "the last period holds the last day")
      for (earlier, later) in zip(periods.periods, periods.periods.dropFirst()) {
        #expect(ActivityPeriods.advance(earlier.start, periods.granularity) == later.start, "no gap, no overlap")
      }
      #expect(periods.periods.count <= 1000, "never more than a few hundred bars")
    }
  }

  @Test func countsSurviveMessagesOutOfOrder() throws {
    let clock = try #require(LocalClock(identifier: "Asia/Shanghai"))
    var statistics = ConversationActivity()
    let base: Int64 = 1_741_564_800_000  // 2025-03-10T08:00:00+08:00, a Monday
    let times = [base, base + 86_400_000, base - 86_400_000 * 2, base + 60_000, base - 86_400_000 * 2]
    for (index, time) in times.enumerated() {
      let message = Message(
        id: Identifier("m\(index)"), conversation: "c", timestamp: time, sender: index % 2 == 0 ? "alice" : "bob",
        body: .text("hello"), source: SourceRecord(platform: "test", raw: .null))
      statistics.add(message, at: clock.local(time), page: "2025-03")
    }
    #expect(statistics.days.map(\.day) == [day(2025, 3, 8), day(2025, 3, 10), day(2025, 3, 11)])
    #expect(statistics.days.map(\.count) == [2, 2, 1])
    #expect(statistics.weekHours[0 * 24 + 8] == 2, "Monday 08:00")
    #expect(statistics.weekHours[5 * 24 + 8] == 2, "Saturday 08:00")
    #expect(statistics.members["alice"]?.count == 3 && statistics.members["bob"]?.count == 2)
    #expect(statistics.members["alice"]?.first == base - 86_400_000 * 2)
    #expect(statistics.members["alice"]?.last == base)
    #expect(statistics.kinds[.text] == 5 && statistics.messages == 5)
  }
}
