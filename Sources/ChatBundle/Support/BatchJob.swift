import Dispatch

/// A batch being mapped by a `ParallelBatch` on other threads while the caller goes on
/// with the batch before it: a pass then waits for the mapping only when the mapping is
/// the slower of the two, and the results still come in the batch's order.
package final class BatchJob<Result: Sendable>: Sendable {
  private let group = DispatchGroup()
  private let box = ResultBox()

  package init<Item: Sendable>(
    _ items: [Item], on batch: ParallelBatch, _ transform: @escaping @Sendable (Item) -> Result
  ) {
    let box = self.box
    DispatchQueue.global().async(group: group) { box.results = batch.map(items, transform) }
  }

  /// The results, in the items' order, once the mapping is done.
  package func results() -> [Result] {
    group.wait()
    return box.results
  }

  /// `@unchecked Sendable` is sound: `results` is written once, by the job, before it
  /// leaves the group, and read only after `group.wait()` has seen it leave; leaving and
  /// waiting order the write before every read.
  private final class ResultBox: @unchecked Sendable {
    var results: [Result] = []
  }
}
