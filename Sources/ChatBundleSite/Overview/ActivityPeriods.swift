import ChatBundle

/// Messages per period over a conversation's whole span, for its bar chart: by day for
/// up to three months, by week (from Monday) for up to two years, by month for up to
/// twenty, by year beyond, so that a chart never has more than a few hundred bars. Periods
/// without messages are bars of height zero: the time axis stays true.
struct ActivityPeriods: Sendable, Equatable {
  enum Granularity: Sendable, Equatable { case day, week, month, year }

  struct Period: Sendable, Equatable {
    /// The period's first local day (`LocalTime.dayNumber`).
    var start: Int64
    var count: Int
    /// The first day in the period that has a message, nil when none has.
    var firstActiveDay: Int64?
  }

  let granularity: Granularity
  let periods: [Period]

  /// - Parameter days: local days with their message counts, in order.
  init(days: [(day: Int64, count: Int)]) {
    guard let first = days.first?.day, let last = days.last?.day else {
      granularity = .day
      periods = []
      return
    }
    let span = last - first + 1
    let months = Self.monthIndex(last) - Self.monthIndex(first) + 1
    granularity = span <= 92 ? .day : span <= 735 ? .week : months <= 240 ? .month : .year
    var periods: [Period] = []
    var start = Self.start(of: first, granularity)
    var next = 0
    while start <= last {
      let end = Self.advance(start, granularity)
      var period = Period(start: start, count: 0, firstActiveDay: nil)
      while next < days.count, days[next].day < end {
        period.count += days[next].count
        if period.firstActiveDay == nil { period.firstActiveDay = days[next].day }
        next += 1
      }
      periods.append(period)
      start = end
    }
    self.periods = periods
  }

  /// `year * 12 + month - 1` of a day.
  static func monthIndex(_ day: Int64) -> Int64 {
    let (year, month, _) = UTCTime.civil(days: day)
    return year * 12 + month - 1
  }

  static func start(of day: Int64, _ granularity: Granularity) -> Int64 {
    switch granularity {
    case .day: return day
    case .week: return day - Int64(ConversationActivity.weekday(ofDay: day))
    case .month:
      let (year, month, _) = UTCTime.civil(days: day)
      return UTCTime.days(year: year, month: month, day: 1)
    case .year:
      let (year, _, _) = UTCTime.civil(days: day)
      return UTCTime.days(year: year, month: 1, day: 1)
    }
  }

  static func advance(_ start: Int64, _ granularity: Granularity) -> Int64 {
    switch granularity {
    case .day: return start + 1
    case .week: return start + 7
    case .month:
      let (year, month, _) = UTCTime.civil(days: start)
      return month == 12
        ? UTCTime.days(year: year + 1, month: 1, day: 1) : UTCTime.days(year: year, month: month + 1, day: 1)
    case .year:
      let (year, _, _) = UTCTime.civil(days: start)
      return UTCTime.days(year: year + 1, month: 1, day: 1)
    }
  }

  /// A period's label: `2025-03-10`, the week's Monday `2025-03-10`, `2025-03` or `2025`.
  func label(_ period: Period) -> String {
    let (year, month, day) = UTCTime.civil(days: period.start)
    switch granularity {
    case .day, .week: return UTCTime.pad(year, 4) + "-" + UTCTime.pad(month, 2) + "-" + UTCTime.pad(day, 2)
    case .month: return UTCTime.pad(year, 4) + "-" + UTCTime.pad(month, 2)
    case .year: return UTCTime.pad(year, 4)
    }
  }

  /// `2025-03-10` for a day number.
  static func date(_ day: Int64) -> String {
    let (year, month, dayOfMonth) = UTCTime.civil(days: day)
    return UTCTime.pad(year, 4) + "-" + UTCTime.pad(month, 2) + "-" + UTCTime.pad(dayOfMonth, 2)
  }
}
