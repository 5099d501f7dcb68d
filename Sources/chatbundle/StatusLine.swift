import ArchiveIO
import Foundation

/// A one-line status on stderr, shown only when stderr is a terminal. Retry notices come
/// from the connector's tasks while the command prints its own lines, so whether a status
/// is drawn is kept under a lock.
final class StatusLine: Sendable {
  private let enabled: Bool
  private let drawn = Monitor(false)

  init(enabled: Bool) { self.enabled = enabled && FileStream.standardError.isTerminal }

  func show(_ text: String) {
    guard enabled else { return }
    drawn.withLock { drawn in
      FileStream.standardError.write("\r\u{1B}[K" + text.terminalSafe)
      drawn = true
    }
  }

  func clear() {
    guard enabled else { return }
    drawn.withLock { drawn in
      guard drawn else { return }
      FileStream.standardError.write("\r\u{1B}[K")
      drawn = false
    }
  }

  /// Writes a line to stderr, clearing the status first.
  func note(_ text: String) {
    clear()
    FileStream.standardError.write(text.terminalSafe + "\n")
  }
}
