import Testing

@testable import ChatBundle

struct ParallelBatchTests {
  @Test(arguments: [1, 2, 3, 8])
  func resultsComeInTheItemsOrderWhateverTheThreads(threads: Int) {
    let batch = ParallelBatch(threads: threads, minimumParallelItems: 2)
    for count in [0, 1, 2, 3, 7, 64, 1000] {
      let items = (0..<count).map { $0 * 7 + 1 }
      #expect(batch.map(items) { $0 * 3 } == items.map { $0 * 3 })
      let job = BatchJob(items, on: batch) { String($0) }
      #expect(job.results() == items.map { String($0) })
    }
  }

  @Test func theRangesSplitTheItemsEvenlyWithoutGapOrOverlap() {
    for count in 0...40 {
      for parts in 1...9 {
        let ranges = (0..<parts).map { ParallelBatch.range(of: $0, in: parts, count: count) }
        #expect(ranges.first?.lowerBound == 0 && ranges.last?.upperBound == count)
        for (left, right) in zip(ranges, ranges.dropFirst()) { #expect(left.upperBound == right.lowerBound) }
        let sizes = ranges.map(\.count)
        #expect((sizes.max() ?? 0) - (sizes.min() ?? 0) <= 1)
      }
    }
  }

  @Test(arguments: [1, 2, 3])
  func orderedBatchesHandBackEveryItemOnceInOrderAndHoldOnlyTheBatchesAhead(threads: Int) {
    let batch = ParallelBatch(threads: threads, minimumParallelItems: 2)
    for (maximumItems, maximumBytes, jobsAhead) in [(1, 1 << 20, 1), (5, 1 << 20, 1), (512, 64, 2), (7, 30, 3)] {
      for count in [0, 1, 6, 100, 1_001] {
        var batches = OrderedBatches<Int, String>(
          on: batch, maximumItems: maximumItems, maximumBytes: maximumBytes, jobsAhead: jobsAhead
        ) { String($0 * 3) }
        var handed: [(Int, String)] = []
        for item in 0..<count {
          handed += batches.add(item, bytes: 10)
          // What is not handed back yet is the batches ahead and the one being gathered.
          let perBatch = min(maximumItems, (maximumBytes + 9) / 10)
          #expect(item + 1 - handed.count <= (jobsAhead + 1) * perBatch, "\(item): \(handed.count)")
        }
        handed += batches.finish()
        #expect(handed.map(\.0) == Array(0..<count))
        #expect(handed.allSatisfy { $0.1 == String($0.0 * 3) })
        #expect(batches.finish().isEmpty)
      }
    }
  }
}
