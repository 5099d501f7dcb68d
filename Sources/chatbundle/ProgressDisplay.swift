import ChatBundle
import Foundation

/// A one-line progress display on stderr, shown only when stderr is a terminal.
final class ProgressDisplay {
  private let enabled: Bool
  private var lastDraw = Date.distantPast
  private var drawn = false
  /// Which input file is being read, for the reading phase: "3/720 2025031009.gz".
  var currentFile = ""

  init(enabled: Bool) {
    self.enabled = enabled && FileStream.standardError.isTerminal
  }

  func update(_ progress: PackProgress) {
    guard enabled else { return }
    let now = Date()
    guard now.timeIntervalSince(lastDraw) > 0.1 else { return }
    lastDraw = now
    var line: String
    switch progress.phase {
    case .reading: line = "reading   \(currentFile)  \(progress.done) records"
    case .sorting: line = "sorting   \(progress.done)" + (progress.total.map { " / \($0) messages" } ?? " messages")
    case .writing:
      if let total = progress.total, total > 0 {
        let fraction = Double(progress.done) / Double(total)
        let width = 30
        let filled = Int(fraction * Double(width))
        line =
          "writing   [" + String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
          + "] " + String(format: "%3.0f%%", fraction * 100)
      } else {
        line = "writing"
      }
    }
    FileStream.standardError.write("\r\u{1B}[K" + line)
    drawn = true
  }

  func finish() {
    guard enabled, drawn else { return }
    FileStream.standardError.write("\r\u{1B}[K")
    drawn = false
  }
}
