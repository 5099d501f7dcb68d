import ChatBundle
import ChatBundleImport
import ChatBundleTestSupport
import Testing

@Suite struct SequenceTrackerTests {
  /// Against a set, for numbers in any order and with repeats: the first, the last, the
  /// count seen and the gaps are exactly the set's whenever the tracker says its gaps are
  /// complete, and it never says so when the set has more runs than it may keep.
  @Test(arguments: 0..<300)
  func theTrackerAgreesWithASet(seed: Int) {
    var random = SplitMix64(seed: UInt64(seed))
    let limit = Int(random.next() % 8) + 2
    var tracker = SequenceTracker(field: "seq", maximumRuns: limit)
    var numbers: [Int64] = []
    for _ in 0..<Int(random.next() % 60) + 1 {
      let number = Int64(random.next() % 40)
      numbers.append(number)
      tracker.note(number)
    }
    tracker.noteMissing()
    let seen = Set(numbers)
    var runs: [(first: Int64, last: Int64)] = []
    for number in seen.sorted() {
      if let last = runs.last, last.last + 1 == number {
        runs[runs.count - 1].last = number
      } else {
        runs.append((number, number))
      }
    }
    let coverage = tracker.coverage
    #expect(coverage?.first == seen.min() && coverage?.last == seen.max(), "seed \(seed)")
    #expect(coverage?.recordsWithout == 1)
    if runs.count > limit { #expect(coverage?.gapsComplete == false, "seed \(seed)") }
    if coverage?.gapsComplete == true {
      #expect(coverage?.seen == Int64(seen.count), "seed \(seed)")
      let gaps = zip(runs, runs.dropFirst()).map { SequenceCoverage.Gap(first: $0.last + 1, last: $1.first - 1) }
      #expect(coverage?.gaps == gaps, "seed \(seed)")
    } else {
      #expect((coverage?.gaps.count ?? 0) < limit, "seed \(seed)")
    }
  }

  @Test func noNumbersMeansNoCoverage() {
    var tracker = SequenceTracker(field: "seq")
    tracker.noteMissing()
    #expect(tracker.coverage == nil)
  }
}
