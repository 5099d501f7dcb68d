import ArchiveIO
import Foundation

/// A scratch directory made only when first needed (a sort that outgrows its memory
/// budget), registered for removal after a signal, and removed with its owner.
final class LazyScratchDirectory: Sendable {
  private let parent: String
  private let prefix: String
  private let made = Monitor<String?>(nil)

  /// - Parameter parent: where to make it; by default the system's temporary directory.
  init(in parent: String? = nil, prefix: String) {
    self.parent = parent ?? ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
    self.prefix = prefix
  }

  deinit { remove() }

  func path() throws -> String {
    try made.withLock { made throws -> String in
      if let made { return made }
      let directory = try ScratchRegistry.shared.makeDirectory(in: parent, prefix: prefix)
      made = directory
      return directory
    }
  }

  func remove() {
    made.withLock { made in
      if let directory = made { ScratchRegistry.shared.remove(directory) }
      made = nil
    }
  }
}
