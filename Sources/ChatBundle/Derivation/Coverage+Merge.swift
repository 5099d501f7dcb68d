/// How the coverage of derived bundles is combined (spec §7.15.1): a period several parents
/// state is kept once with its best state, so a gap one parent fills is no longer a gap; a
/// sequence's numbers seen by any parent count as seen.
extension Coverage {
  /// The coverage of the union of bundles, from each parent's (labelled for errors).
  /// Periods that overlap without being the same period cannot be combined and are refused.
  public static func merged(_ parents: [(label: String, coverage: Coverage?)]) throws -> Coverage? {
    let stated = parents.compactMap { parent in parent.coverage.map { (parent.label, $0) } }
    guard !stated.isEmpty else { return nil }
    var periods: [(label: String, period: Period)] = stated.flatMap { label, coverage in
      coverage.periods.map { (label, $0) }
    }
    periods.sort { ($0.period.start, $0.period.end) < ($1.period.start, $1.period.end) }
    var merged: [(label: String, period: Period)] = []
    for next in periods {
      guard let last = merged.last else {
        merged.append(next)
        continue
      }
      if last.period.start == next.period.start && last.period.end == next.period.end {
        if Self.precedes(last.period, next.period) { merged[merged.count - 1] = next }
      } else if next.period.start < last.period.end {
        throw ChatBundleError.invalidOption(
          "the coverage of \(last.label) has the period \(UTCTime.timestamp(milliseconds: last.period.start)) to "
            + "\(UTCTime.timestamp(milliseconds: last.period.end)) and that of \(next.label) the period "
            + "\(UTCTime.timestamp(milliseconds: next.period.start)) to \(UTCTime.timestamp(milliseconds: next.period.end)), "
            + "which overlap without being the same; merge bundles whose periods are the same service periods")
      } else {
        merged.append(next)
      }
    }
    let sequences = stated.compactMap { label, coverage in coverage.sequence.map { (label, $0) } }
    return Coverage(periods: merged.map(\.period), sequence: try SequenceCoverage.merged(sequences))
  }

  /// The order in which a combined period's statement is chosen, so the choice does not
  /// depend on the order of the parents: covered before a gap, complete before empty, more
  /// records before fewer, then by the text of the rest.
  private static func precedes(_ lhs: Period, _ rhs: Period) -> Bool {
    func rank(_ period: Period) -> (Int, Int, Int64) {
      (period.isGap ? 0 : 1, period.state == "complete" ? 1 : 0, period.records ?? -1)
    }
    if rank(lhs) != rank(rhs) { return rank(lhs) < rank(rhs) }
    let left = [lhs.state, lhs.reason ?? "", lhs.sourceKey ?? ""].map { Array($0.utf8) }
    let right = [rhs.state, rhs.reason ?? "", rhs.sourceKey ?? ""].map { Array($0.utf8) }
    for (a, b) in zip(left, right) where a != b { return a.lexicographicallyPrecedes(b) }
    return false
  }

  /// The part of a parent's coverage a slice keeps: the periods that overlap its time
  /// range. A sequence is not kept: a slice leaves numbers out by design, so the parent's
  /// gaps would say nothing true of it.
  public func sliced(since: Int64?, until: Int64?) -> Coverage? {
    let kept = periods.filter { period in
      (since.map { period.end > $0 } ?? true) && (until.map { period.start < $0 } ?? true)
    }
    return kept.isEmpty ? nil : Coverage(periods: kept)
  }
}

extension SequenceCoverage {
  /// The numbers seen by any parent, and the runs none of them saw between the lowest
  /// first and the highest last. `records_without` is the largest of the parents', since
  /// parents may hold the same records; gaps are complete only if every parent's were.
  public static func merged(_ sequences: [(label: String, sequence: SequenceCoverage)]) throws -> SequenceCoverage? {
    guard let head = sequences.first?.sequence else { return nil }
    for (label, sequence) in sequences where sequence.field != head.field {
      throw ChatBundleError.invalidOption(
        "the coverage of \(sequences[0].label) numbers records by \(head.field) and that of \(label) by "
          + "\(sequence.field); bundles numbered differently cannot be merged")
    }
    // Seen numbers as closed intervals: each parent's range minus its gaps.
    var seen: [(Int64, Int64)] = []
    for (_, sequence) in sequences {
      var next = sequence.first
      for gap in sequence.gaps.sorted(by: { $0.first < $1.first }) {
        if gap.first > next { seen.append((next, gap.first - 1)) }
        if gap.last == Int64.max { next = Int64.max } else { next = max(next, gap.last + 1) }
      }
      if next <= sequence.last { seen.append((next, sequence.last)) }
    }
    seen.sort { $0 < $1 }
    var union: [(Int64, Int64)] = []
    for interval in seen {
      if let last = union.last, last.1 == Int64.max || interval.0 <= last.1 + 1 {
        union[union.count - 1].1 = max(last.1, interval.1)
      } else {
        union.append(interval)
      }
    }
    let first = sequences.map(\.sequence.first).min() ?? head.first
    let last = sequences.map(\.sequence.last).max() ?? head.last
    var gaps: [Gap] = []
    var cursor = first
    var count: Int64 = 0
    for (low, high) in union {
      if low > cursor { gaps.append(Gap(first: cursor, last: low - 1)) }
      count = count.addingClamped(Gap(first: low, last: high).count)
      cursor = high == Int64.max ? Int64.max : high + 1
    }
    return SequenceCoverage(
      field: head.field, first: first, last: last, seen: count,
      recordsWithout: sequences.map(\.sequence.recordsWithout).max() ?? 0, gaps: gaps,
      gapsComplete: sequences.allSatisfy(\.sequence.gapsComplete))
  }
}
