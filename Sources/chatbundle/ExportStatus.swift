import ArgumentParser
import ChatBundleExport

/// An export's progress on a terminal: messages written of the bundle's total.
final class ExportStatus {
  private let line = StatusLine(enabled: true)

  func show(_ messages: Int64, _ total: Int64) {
    guard total > 0 else { return }
    let percent = min(100, messages * 100 / total)
    line.show("exporting  \(messages) / \(total) messages  \(percent)%")
  }

  func clear() { line.clear() }
}

extension SQLDialect: ExpressibleByArgument {}
extension SQLiteExport.Media: ExpressibleByArgument {}
