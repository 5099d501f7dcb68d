import ChatBundle

/// Where each message goes: the conversation's directory, the page (a page ends with its
/// local month, or after `pageSize` messages), and whether a day separator is due. It
/// decides only; writing the pages is the generator's.
struct SitePagination {
  let pageSize: Int
  /// The conversations whose pages are all placed, in the order they came.
  private(set) var finished: [ConversationPages] = []
  /// Position in `finished` by conversation id, for links resolved at the end.
  private(set) var positions: [Identifier: Int] = [:]
  private(set) var current: ConversationPages?
  /// The open page's path from the site root, for its search entries.
  private(set) var pagePath = ""
  /// The local day (`LocalTime.dayNumber`) of the open page's last separator.
  private var pageDay: Int64?
  /// The open page's local month as `year * 100 + month`.
  private var pageMonth: Int64?

  init(pageSize: Int) { self.pageSize = pageSize }

  /// The directory of a conversation's pages, from its file's name (a hash of its id).
  static func directory(of conversation: ConversationEntry) -> String {
    "c/" + String(conversation.path.dropFirst(BundleLayout.conversationsDirectory.count).dropLast(".ndjson".count))
  }

  var openPage: (conversation: ConversationPages, page: PageInfo)? {
    guard let current, let page = current.pages.last else { return nil }
    return (current, page)
  }

  /// Starts placing the pages of `conversation`, after `closeConversation`.
  mutating func open(_ conversation: ConversationEntry, title: String) {
    current = ConversationPages(entry: conversation, directory: Self.directory(of: conversation), title: title)
  }

  /// Whether a message at `local` goes on the open page.
  func fits(_ local: LocalTime) -> Bool {
    guard let last = current?.pages.last else { return false }
    return last.count < pageSize && pageMonth == local.year * 100 + local.month
  }

  /// Adds the message at `line` to the open page.
  mutating func extend(line: Int64, timestamp: Int64) {
    // Mutated in place through the optional: a copy would copy the page list per message.
    guard let index = current?.pages.indices.last else { return }
    current?.pages[index].lastLine = line
    current?.pages[index].count += 1
    current?.pages[index].last = timestamp
  }

  /// Opens a new page for the message at `line`: `2025-03`, then `2025-03-2`, … when a
  /// month takes several.
  mutating func startPage(line: Int64, timestamp: Int64, local: LocalTime) {
    let month = local.monthText
    let sameMonth = current?.pages.filter { $0.month == month }.count ?? 0
    let name = sameMonth == 0 ? month : "\(month)-\(sameMonth + 1)"
    current?.pages.append(
      PageInfo(name: name, month: month, firstLine: line, lastLine: line, count: 1, first: timestamp, last: timestamp))
    pagePath = (current?.directory ?? "") + "/" + name + ".html"
    pageDay = nil
    pageMonth = local.year * 100 + local.month
  }

  /// Whether a message at `local` needs a day separator before it on the open page.
  mutating func startsDay(_ local: LocalTime) -> Bool {
    guard local.dayNumber != pageDay else { return false }
    pageDay = local.dayNumber
    return true
  }

  /// Records pages of the open conversation besides its message pages.
  mutating func addExtraPages(_ names: [String]) { current?.extraPages.append(names) }

  mutating func closeConversation() {
    guard let current else { return }
    positions[current.entry.id] = finished.count
    finished.append(current)
    self.current = nil
  }
}
