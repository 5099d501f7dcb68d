import ChatBundle

/// What a conversation's overview page shows, gathered message by message in the pass that
/// writes its pages: messages per local day (with the first page that holds the day), per
/// weekday and hour, per sender and per kind, and the bytes of stored media referenced.
///
/// It grows with the days and the senders of one conversation, never with its messages.
/// (The format's `ConversationStatistics` counts by UTC day for the bundle's index; the
/// site counts by the local day its pages show, and by page.)
struct ConversationActivity: Sendable {
  struct Day: Sendable, Equatable {
    /// `LocalTime.dayNumber`.
    var day: Int64
    var count: Int
    /// The name of the first page (without `.html`) that shows a message of this day.
    var page: String
  }

  struct Member: Sendable, Equatable {
    var count: Int
    var first: Int64
    var last: Int64
  }

  /// In day order.
  private(set) var days: [Day] = []
  /// Messages by `weekday * 24 + hour`, Monday first, in the site's time zone.
  private(set) var weekHours = [Int](repeating: 0, count: 7 * 24)
  private(set) var members: [Identifier: Member] = [:]
  private(set) var kinds: [MessageKind: Int] = [:]
  /// The sizes of the stored files the messages reference, each reference counted.
  private(set) var mediaBytes: Int64 = 0
  private(set) var mediaReferences = 0
  private(set) var messages = 0

  /// Monday 0 … Sunday 6 of a local day; 1970-01-01 was a Thursday.
  static func weekday(ofDay day: Int64) -> Int { Int(((day % 7) + 7 + 3) % 7) }

  /// Counts `message`, shown on `page`. A recalled message hidden by `--hide-recalled`
  /// counts only as a row at its time, which is all its page shows of it.
  mutating func add(_ message: Message, at local: LocalTime, page: String, hidden: Bool = false) {
    messages += 1
    if let last = days.last, last.day == local.dayNumber {
      days[days.count - 1].count += 1
    } else if days.last.map({ $0.day < local.dayNumber }) ?? true {
      days.append(Day(day: local.dayNumber, count: 1, page: page))
    } else {
      // Only a bundle rendered with --force can hold lines out of time order.
      let index = days.firstIndex { $0.day >= local.dayNumber } ?? days.count
      if index < days.count, days[index].day == local.dayNumber {
        days[index].count += 1
      } else {
        days.insert(Day(day: local.dayNumber, count: 1, page: page), at: index)
      }
    }
    weekHours[Self.weekday(ofDay: local.dayNumber) * 24 + Int(local.hour)] += 1
    guard !hidden else { return }
    kinds[message.kind, default: 0] += 1
    if let sender = message.sender {
      if var member = members[sender] {
        member.count += 1
        member.first = min(member.first, message.timestamp)
        member.last = max(member.last, message.timestamp)
        members[sender] = member
      } else {
        members[sender] = Member(count: 1, first: message.timestamp, last: message.timestamp)
      }
    }
    for (_, reference) in message.mediaReferences where reference.sha256 != nil {
      mediaReferences += 1
      // Sizes are the bundle's numbers: added without a trap, however large.
      let (sum, overflow) = mediaBytes.addingReportingOverflow(max(0, reference.size ?? 0))
      mediaBytes = overflow ? .max : sum
    }
  }
}
