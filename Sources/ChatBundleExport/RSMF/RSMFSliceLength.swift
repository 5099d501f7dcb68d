import ChatBundle

/// How much of a conversation's time one `.rsmf` file covers: a local day, or a half or a
/// third of it, as reviewers slice dense chats. Slices start at local midnight (and at
/// 12:00, or 08:00 and 16:00) in the export's time zone, so a day's files line up with
/// the calendar a reviewer reads them by.
public enum RSMFSliceLength: String, Sendable, CaseIterable {
  case day
  case twelveHours = "12h"
  case eightHours = "8h"

  public var hours: Int64 {
    switch self {
    case .day: 24
    case .twelveHours: 12
    case .eightHours: 8
    }
  }

  /// The slice a local time falls in: days since 1970 and the slot within the day.
  func key(of local: LocalTime) -> Int64 { local.dayNumber * 3 + local.hour / hours }

  /// `20250310T0800`: the slice's local start, for the file name.
  func label(of local: LocalTime) -> String {
    UTCTime.pad(local.year, 4) + UTCTime.pad(local.month, 2) + UTCTime.pad(local.day, 2) + "T"
      + UTCTime.pad(local.hour / hours * hours, 2) + "00"
  }
}
