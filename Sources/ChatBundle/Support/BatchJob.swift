import ArchiveIO
import Dispatch

/// A batch being mapped by a `ParallelBatch` on other threads while the caller goes on
/// with the batch before it: a pass then waits for the mapping only when the mapping is
/// the slower of the two, and the results still come in the batch's order. On one thread
/// (`--threads 1`) it maps the batch where it is made, so that one means one.
package final class BatchJob<Result: Sendable>: Sendable {
  /// nil until the job has mapped the batch.
  private let mapped: Monitor<[Result]?>

  package init<Item: Sendable>(
    _ items: [Item], on batch: ParallelBatch, _ transform: @escaping @Sendable (Item) -> Result
  ) {
    guard batch.threads > 1 else {
      mapped = Monitor(items.map(transform))
      return
    }
    let mapped = Monitor<[Result]?>(nil)
    self.mapped = mapped
    DispatchQueue.global().async {
      let results = batch.map(items, transform)
      mapped.update { $0 = results }
    }
  }

  /// The results, in the items' order, once the mapping is done.
  package func results() -> [Result] {
    mapped.wait(until: { $0 != nil }) { $0 ?? [] }
  }
}
