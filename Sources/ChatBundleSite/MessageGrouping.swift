import ChatBundle

/// Which messages a transcript shows as one run under one name and avatar, as chat apps
/// do: consecutive messages of one sender, a few minutes apart, on one page and one day.
/// System rows, day headings and page breaks end a run.
package struct MessageGrouping {
  /// How far apart two messages of one run may be.
  package static let window: Int64 = 5 * 60_000

  /// The user whose messages stand on the right, as in a phone chat (`--perspective`).
  package var perspective: Identifier?
  private var last: (sender: Identifier, timestamp: Int64)?

  package init(perspective: Identifier? = nil) { self.perspective = perspective }

  /// Where a message stands, and whether it continues the run before it.
  package struct Placement: Sendable, Equatable {
    package var continuesRun: Bool
    package var isMine: Bool
  }

  /// Places `message`; call it for every message of a page in order, and `reset` at every
  /// page, day heading, or message shown otherwise (a hidden recall).
  package mutating func place(_ message: Message) -> Placement {
    guard !message.body.isSystemEvent, let sender = message.sender else {
      last = nil
      return Placement(continuesRun: false, isMine: false)
    }
    // Both times are within the format's range (0 to year 9999), so the difference cannot overflow.
    let continues =
      last.map {
        $0.sender == sender && message.timestamp >= $0.timestamp
          && message.timestamp - $0.timestamp <= Self.window
      } ?? false
    last = (sender, message.timestamp)
    return Placement(continuesRun: continues, isMine: perspective == sender)
  }

  package mutating func reset() { last = nil }
}
