import ArchiveIO
import Dispatch

/// A batch being mapped by a `ParallelBatch` on other threads while the caller goes on
/// with the batch before it: a pass then waits for the mapping only when the mapping is
/// the slower of the two, and the results still come in the batch's order.
package final class BatchJob<Result: Sendable>: Sendable {
  /// nil until the job has mapped the batch.
  private let mapped = Monitor<[Result]?>(nil)

  package init<Item: Sendable>(
    _ items: [Item], on batch: ParallelBatch, _ transform: @escaping @Sendable (Item) -> Result
  ) {
    let mapped = self.mapped
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
