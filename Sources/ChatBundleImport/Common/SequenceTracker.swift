import ChatBundle

/// The sequence numbers seen in an input, as runs, for the coverage a manifest states.
/// Numbers mostly arrive in order, so a number usually extends the last run. Memory is
/// bounded: past `maximumRuns` runs, a number that would start a new run is only counted.
public struct SequenceTracker: Sendable {
  public let field: String
  public let maximumRuns: Int
  private var runs: [ClosedRange<Int64>] = []
  private var distinct: Int64 = 0
  private var unplaced: Int64 = 0
  private var lowest = Int64.max
  private var highest = Int64.min
  private var without: Int64 = 0

  public init(field: String, maximumRuns: Int = 10_001) {
    self.field = field
    self.maximumRuns = maximumRuns
  }

  /// A record without a usable number.
  public mutating func noteMissing() { without += 1 }

  public mutating func note(_ number: Int64) {
    lowest = min(lowest, number)
    highest = max(highest, number)
    guard let last = runs.last else {
      runs.append(number...number)
      distinct = 1
      return
    }
    if number > last.upperBound {
      if number == last.upperBound + 1 {
        runs[runs.count - 1] = last.lowerBound...number
        distinct += 1
      } else {
        place(number, at: runs.count)
      }
      return
    }
    // The first run whose upper bound is not below the number.
    var low = 0
    var high = runs.count
    while low < high {
      let middle = (low + high) / 2
      if runs[middle].upperBound < number { low = middle + 1 } else { high = middle }
    }
    if runs[low].contains(number) { return }
    if number + 1 == runs[low].lowerBound {
      if low > 0 && runs[low - 1].upperBound + 1 == number {
        runs[low - 1] = runs[low - 1].lowerBound...runs[low].upperBound
        runs.remove(at: low)
      } else {
        runs[low] = number...runs[low].upperBound
      }
      distinct += 1
    } else if low > 0 && runs[low - 1].upperBound + 1 == number {
      runs[low - 1] = runs[low - 1].lowerBound...number
      distinct += 1
    } else {
      place(number, at: low)
    }
  }

  private mutating func place(_ number: Int64, at index: Int) {
    guard runs.count < maximumRuns else {
      unplaced += 1
      return
    }
    runs.insert(number...number, at: index)
    distinct += 1
  }

  /// What the manifest states, or nil when no record had a number.
  public var coverage: SequenceCoverage? {
    guard !runs.isEmpty else { return nil }
    var gaps: [SequenceCoverage.Gap] = []
    for index in runs.indices.dropFirst() {
      gaps.append(SequenceCoverage.Gap(first: runs[index - 1].upperBound + 1, last: runs[index].lowerBound - 1))
    }
    // Numbers that were only counted may lie beyond the runs; the span covers them, and
    // the gaps listed then stop at the runs.
    return SequenceCoverage(
      field: field, first: lowest, last: highest, seen: distinct + unplaced, recordsWithout: without, gaps: gaps,
      gapsComplete: unplaced == 0)
  }
}
