import ChatBundle

/// One page of a conversation: its file name, its local month, the lines of the
/// conversation file it shows, and the times of its first and last message.
struct PageInfo: Sendable, Equatable {
  var name: String
  var month: String
  var firstLine: Int64
  var lastLine: Int64
  var count: Int
  var first: Int64
  var last: Int64
}

/// A conversation's pages, in order, with the directory they are in and its title.
struct ConversationPages: Sendable {
  var entry: ConversationEntry
  var directory: String
  var title: String
  var pages: [PageInfo] = []
  /// The conversation's other pages, by sequence (`overview`; `gallery`, `gallery-2`, …),
  /// each page's next link leading to the one after it in its sequence.
  var extraPages: [[String]] = []

  /// The page whose line range holds `line`; pages are in line order.
  func page(holding line: Int64) -> PageInfo? {
    var low = 0
    var high = pages.count - 1
    while low <= high {
      let middle = (low + high) / 2
      if pages[middle].lastLine < line {
        low = middle + 1
      } else if pages[middle].firstLine > line {
        high = middle - 1
      } else {
        return pages[middle]
      }
    }
    return nil
  }
}
