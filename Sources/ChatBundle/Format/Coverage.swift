/// What the source delivered against what was asked for, as the packer saw it: the
/// service's periods (an Easemob pull's hours) with their states, and the run of a
/// source's sequence numbers (WeCom `seq`) with its gaps. It is part of the manifest, so a
/// signature covers it; verify checks its form, not that the service really held no more.
public struct Coverage: Sendable, Equatable {
  public var periods: [Period] = []
  public var sequence: SequenceCoverage?

  public init(periods: [Period] = [], sequence: SequenceCoverage? = nil) {
    self.periods = periods
    self.sequence = sequence
  }

  public var isEmpty: Bool { periods.isEmpty && sequence == nil }

  /// A stretch of time the source was asked for, and what came of it.
  public struct Period: Sendable, Equatable {
    /// Milliseconds since the epoch, inclusive.
    public var start: Int64
    /// Milliseconds since the epoch, exclusive.
    public var end: Int64
    /// The service's own name for the period (Easemob's hour key `yyyyMMddHH`).
    public var sourceKey: String?
    /// `complete`, `empty`, `expired`, `not_found`, `failed` or `not_pulled`; a later minor
    /// version may add states, and a reader counts every state it does not know as a gap.
    public var state: String
    /// Records the service delivered for the period.
    public var records: Int64?
    /// Why the period is not complete, as the service or the puller said it.
    public var reason: String?

    public init(
      start: Int64, end: Int64, sourceKey: String? = nil, state: String, records: Int64? = nil, reason: String? = nil
    ) {
      self.start = start
      self.end = end
      self.sourceKey = sourceKey
      self.state = state
      self.records = records
      self.reason = reason
    }

    /// States in which the period holds everything the service had for it.
    public static let coveredStates: Set<String> = ["complete", "empty"]

    public var isGap: Bool { !Period.coveredStates.contains(state) }
  }

  /// The periods that are gaps, in time order.
  public var gapPeriods: [Period] { periods.filter(\.isGap) }

  /// How many gaps there are, periods and sequence gaps together.
  public var gapCount: Int { gapPeriods.count + (sequence?.gaps.count ?? 0) }
}

/// The sequence numbers a source gives every record (WeCom's corp-wide `seq`), as seen
/// in the input: the first, the last, how many, and every run that is absent.
public struct SequenceCoverage: Sendable, Equatable {
  /// The record member that holds the number.
  public var field: String
  public var first: Int64
  public var last: Int64
  /// Distinct numbers seen; with `gapsComplete` false, records with a number that were not
  /// placed in the list are counted too, duplicates included.
  public var seen: Int64
  /// Records of the input without a usable number.
  public var recordsWithout: Int64
  public var gaps: [Gap]
  /// False when the input had more gaps than the manifest lists; then `gaps` holds the
  /// first ones found and the rest are unknown.
  public var gapsComplete: Bool

  public struct Gap: Sendable, Equatable {
    public var first: Int64
    public var last: Int64
    public init(first: Int64, last: Int64) {
      self.first = first
      self.last = last
    }
    /// How many numbers are absent, clamped rather than overflowing.
    public var count: Int64 { (last - first).addingReportingOverflow(1).overflow ? Int64.max : last - first + 1 }
  }

  public init(
    field: String, first: Int64, last: Int64, seen: Int64, recordsWithout: Int64, gaps: [Gap], gapsComplete: Bool
  ) {
    self.field = field
    self.first = first
    self.last = last
    self.seen = seen
    self.recordsWithout = recordsWithout
    self.gaps = gaps
    self.gapsComplete = gapsComplete
  }

  /// Numbers absent between the first and the last, as listed.
  public var absent: Int64 { gaps.reduce(0) { $0.addingClamped($1.count) } }
}
