import ChatBundle

/// The whole bundle's overview: each conversation's statistics added in as it closes, and,
/// for each local day, which conversations spoke and on which of their pages.
struct BundleActivity: Sendable {
  struct Share: Sendable, Equatable {
    /// The conversation's position among the finished ones.
    var conversation: Int
    var count: Int
    /// From the site root: `c/<dir>/<page>.html`.
    var page: String
  }

  private(set) var days: [Int64: [Share]] = [:]
  private(set) var weekHours = [Int](repeating: 0, count: 7 * 24)
  private(set) var members: [Identifier: ConversationActivity.Member] = [:]
  private(set) var kinds: [MessageKind: Int] = [:]
  private(set) var mediaBytes: Int64 = 0
  private(set) var mediaReferences = 0
  private(set) var messages = 0

  mutating func add(_ statistics: ConversationActivity, conversation: Int, directory: String) {
    for day in statistics.days {
      days[day.day, default: []].append(
        Share(conversation: conversation, count: day.count, page: directory + "/" + day.page + ".html"))
    }
    for index in weekHours.indices { weekHours[index] += statistics.weekHours[index] }
    for (id, member) in statistics.members {
      if let known = members[id] {
        members[id] = ConversationActivity.Member(
          count: known.count + member.count, first: min(known.first, member.first), last: max(known.last, member.last))
      } else {
        members[id] = member
      }
    }
    for (kind, count) in statistics.kinds { kinds[kind, default: 0] += count }
    let (sum, overflow) = mediaBytes.addingReportingOverflow(statistics.mediaBytes)
    mediaBytes = overflow ? .max : sum
    mediaReferences += statistics.mediaReferences
    messages += statistics.messages
  }

  /// The days in order, with their message count.
  var dayTotals: [(day: Int64, count: Int)] {
    days.keys.sorted().map { day in (day, days[day]?.reduce(0) { $0 + $1.count } ?? 0) }
  }
}
