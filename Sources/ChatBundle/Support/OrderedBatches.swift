/// Items gathered into batches, each mapped by a `BatchJob` while the results of the
/// batches before it are handled: the pairs of item and result come back in the items'
/// order, so a pass that handles them in turn gives the same output on any number of
/// threads.
///
/// Pack's import (records), pack's write of the sorted lines and verify's line checks use
/// it; each says how big a batch is and how many may run ahead of it. A struct, so that a
/// struct such as `LineChecker` can hold one.
package struct OrderedBatches<Item: Sendable, Result: Sendable> {
  private let batch: ParallelBatch
  private let maximumItems: Int
  private let maximumBytes: Int
  private let jobsAhead: Int
  private let transform: @Sendable (Item) -> Result
  private var gathered: [Item] = []
  private var gatheredBytes = 0
  private var inFlight: [(items: [Item], job: BatchJob<Result>)] = []

  /// - Parameters:
  ///   - maximumItems, maximumBytes: a batch is handed over when it reaches either.
  ///   - jobsAhead: how many batches may be mapping while the caller handles results.
  package init(
    on batch: ParallelBatch, maximumItems: Int = .max, maximumBytes: Int, jobsAhead: Int = 1,
    _ transform: @escaping @Sendable (Item) -> Result
  ) {
    self.batch = batch
    self.maximumItems = max(1, maximumItems)
    self.maximumBytes = maximumBytes
    self.jobsAhead = max(1, jobsAhead)
    self.transform = transform
  }

  /// Adds an item of `bytes` bytes; returns the pairs of the batches that had to be waited
  /// for meanwhile, oldest first (most calls return none).
  package mutating func add(_ item: Item, bytes: Int) -> [(Item, Result)] {
    gathered.append(item)
    gatheredBytes += bytes
    guard gathered.count >= maximumItems || gatheredBytes >= maximumBytes else { return [] }
    handOver()
    var finished: [(Item, Result)] = []
    while inFlight.count > jobsAhead { finished += takeOldest() }
    return finished
  }

  /// Every pair not returned yet, in order: the batches running and the items gathered.
  package mutating func finish() -> [(Item, Result)] {
    handOver()
    var finished: [(Item, Result)] = []
    while !inFlight.isEmpty { finished += takeOldest() }
    return finished
  }

  private mutating func handOver() {
    guard !gathered.isEmpty else { return }
    inFlight.append((gathered, BatchJob(gathered, on: batch, transform)))
    gathered = []
    gatheredBytes = 0
  }

  private mutating func takeOldest() -> [(Item, Result)] {
    let oldest = inFlight.removeFirst()
    return Array(zip(oldest.items, oldest.job.results()))
  }
}
