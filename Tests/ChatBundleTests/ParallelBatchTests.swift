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
}
