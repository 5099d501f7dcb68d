import ArchiveIO
import Dispatch

/// Maps a batch of independent items on a few threads, the results in the batch's order.
///
/// The passes over a bundle are sequential (a conversation's order, its statistics, the
/// reports), but most of their time is the work on one record, a line parsed or a source
/// record mapped, which needs nothing of the others. That work is done here on
/// `threads` threads, the calling one among them, and the pass goes on with the results
/// as if it had made them itself: its output is the same on any number of threads.
package struct ParallelBatch: Sendable {
  /// How many threads map a batch; 1 maps on the calling thread alone.
  package let threads: Int
  /// Below this many items a batch is mapped on the calling thread: handing out the work
  /// would cost more than it saves.
  package let minimumParallelItems: Int

  package init(threads: Int = ParallelGzipDeflater.defaultThreadCount, minimumParallelItems: Int = 8) {
    self.threads = max(1, threads)
    self.minimumParallelItems = max(2, minimumParallelItems)
  }

  /// `transform` of every item, in order. `transform` runs on several threads at once, so
  /// it must touch nothing but its item and what it captures immutably.
  package func map<Item: Sendable, Result: Sendable>(
    _ items: [Item], _ transform: @Sendable (Item) -> Result
  ) -> [Result] {
    guard threads > 1, items.count >= minimumParallelItems else { return items.map(transform) }
    let parts = min(threads, items.count)
    let slices = (0..<parts).map { ResultSlice<Result>(range: Self.range(of: $0, in: parts, count: items.count)) }
    DispatchQueue.concurrentPerform(iterations: parts) { part in
      let slice = slices[part]
      let mapped = items[slice.range].map(transform)
      slice.results.update { $0 = mapped }
    }
    var results: [Result] = []
    results.reserveCapacity(items.count)
    for slice in slices { results += slice.results.withLock { $0 } }
    return results
  }

  /// The `part`th of `parts` contiguous ranges that split `0..<count` as evenly as can be.
  static func range(of part: Int, in parts: Int, count: Int) -> Range<Int> {
    let base = count / parts
    let extra = count % parts
    let start = part * base + min(part, extra)
    return start..<(start + base + (part < extra ? 1 : 0))
  }
}

/// One thread's share of a batch and, once it is done, its results. `concurrentPerform`
/// hands each slice to one iteration and returns after all of them, so the lock is never
/// contended; it is what makes the hand-over one the compiler can check.
private final class ResultSlice<Result: Sendable>: Sendable {
  let range: Range<Int>
  let results = Monitor<[Result]>([])

  init(range: Range<Int>) { self.range = range }
}
