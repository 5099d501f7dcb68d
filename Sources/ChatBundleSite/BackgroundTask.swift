import Foundation

/// Runs one piece of work on its own thread and hands back its error when joined. The
/// site's two closing jobs (resolving page links, grouping the search index) touch
/// disjoint files and state, so on two cores they overlap.
final class BackgroundTask: @unchecked Sendable {
  private let condition = NSCondition()
  private var done = false
  private var failure: Error?
  private let work: () throws -> Void

  init(_ work: @escaping () throws -> Void) {
    self.work = work
    let thread = Thread { [self] in run() }
    thread.stackSize = 8 << 20
    thread.start()
  }

  private func run() {
    var caught: Error?
    do { try work() } catch { caught = error }
    condition.lock()
    failure = caught
    done = true
    condition.broadcast()
    condition.unlock()
  }

  /// Waits for the work to end and rethrows its error.
  func join() throws {
    condition.lock()
    while !done { condition.wait() }
    let failure = failure
    condition.unlock()
    if let failure { throw failure }
  }
}
