/// What a recipient asks of a bundle's coverage, from its manifest: the period asked for
/// against the first and last message delivered, the states of the source's periods, and
/// every gap, consecutive gap periods in one state taken together. Inspect, the site and
/// the certificate all show this one reading.
public struct CoverageSummary: Sendable {
  /// Consecutive periods in the same gap state, or one sequence gap.
  public struct Gap: Sendable, Equatable {
    /// Milliseconds, for a run of periods.
    public var start: Int64?
    public var end: Int64?
    /// The source's keys of the first and last period (Easemob hour keys).
    public var firstKey: String?
    public var lastKey: String?
    public var periods: Int
    /// For a sequence gap: the first and last absent number.
    public var sequenceFirst: Int64?
    public var sequenceLast: Int64?
    public var state: String
    public var reason: String?
  }

  public var requestedSince: Int64?
  public var requestedUntil: Int64?
  public var firstMessage: Int64?
  public var lastMessage: Int64?
  /// Periods by state, in the order states first appear.
  public var periodStates: [(state: String, count: Int)]
  public var periodCount: Int
  public var sequence: SequenceCoverage?
  public var gaps: [Gap]
  /// Whether the manifest says anything about coverage beyond the scope.
  public var isStated: Bool

  public init(_ manifest: Manifest) {
    requestedSince = manifest.scope.since
    requestedUntil = manifest.scope.until
    let delivered = manifest.conversations.filter { $0.messageCount > 0 }
    firstMessage = delivered.map(\.firstTimestamp).min()
    lastMessage = delivered.map(\.lastTimestamp).max()
    let coverage = manifest.coverage ?? Coverage()
    isStated = manifest.coverage != nil
    periodCount = coverage.periods.count
    var states: [(state: String, count: Int)] = []
    var gaps: [Gap] = []
    for period in coverage.periods {
      if let index = states.firstIndex(where: { $0.state == period.state }) {
        states[index].count += 1
      } else {
        states.append((period.state, 1))
      }
      guard period.isGap else { continue }
      if var last = gaps.last, last.state == period.state, last.end == period.start, last.sequenceFirst == nil {
        last.end = period.end
        last.lastKey = period.sourceKey
        last.periods += 1
        if last.reason != period.reason { last.reason = nil }
        gaps[gaps.count - 1] = last
      } else {
        gaps.append(
          Gap(
            start: period.start, end: period.end, firstKey: period.sourceKey, lastKey: period.sourceKey, periods: 1,
            state: period.state, reason: period.reason))
      }
    }
    periodStates = states
    sequence = coverage.sequence
    for gap in coverage.sequence?.gaps ?? [] {
      gaps.append(
        Gap(periods: 0, sequenceFirst: gap.first, sequenceLast: gap.last, state: "absent", reason: nil))
    }
    self.gaps = gaps
  }

  /// The source's periods by state, as `3 complete, 2 expired`.
  public var periodStatesText: String {
    periodStates.map { "\($0.count) \($0.state)" }.joined(separator: ", ")
  }

  /// The sequence numbers seen, as `seq 1–20, 16 seen, 4 absent in 2 gaps`; nil without any.
  public var sequenceText: String? {
    guard let sequence else { return nil }
    return "\(sequence.field) \(sequence.first)–\(sequence.last), \(sequence.seen) seen, "
      + "\(sequence.absent) absent in \(sequence.gaps.count) gaps"
      + (sequence.gapsComplete ? "" : " (more gaps than listed)")
      + (sequence.recordsWithout > 0 ? ", \(sequence.recordsWithout) records without \(sequence.field)" : "")
  }

  /// One line per gap, in English, times through `time`.
  public func gapLines(time: (Int64) -> String) -> [String] {
    gaps.map { gap in
      if let first = gap.sequenceFirst, let last = gap.sequenceLast {
        let field = sequence?.field ?? "sequence"
        return first == last ? "\(field) \(first) absent" : "\(field) \(first)–\(last) absent (\(last - first + 1))"
      }
      var text = ""
      if let start = gap.start, let end = gap.end { text = "\(time(start)) – \(time(end))" }
      if let firstKey = gap.firstKey {
        text += gap.firstKey == gap.lastKey ? " (hour \(firstKey))" : " (hours \(firstKey)–\(gap.lastKey ?? ""))"
      }
      text += ": \(gap.state)" + (gap.periods > 1 ? ", \(gap.periods) periods" : "")
      if let reason = gap.reason { text += " — \(reason)" }
      return text
    }
  }

  public func jsonValue() -> JSONValue {
    var object = JSONObject()
    object.append("requested_since", requestedSince.map { JSONValue.string(UTCTime.timestamp(milliseconds: $0)) })
    object.append("requested_until", requestedUntil.map { JSONValue.string(UTCTime.timestamp(milliseconds: $0)) })
    object.append("first_message", firstMessage.map { JSONValue.string(UTCTime.timestamp(milliseconds: $0)) })
    object.append("last_message", lastMessage.map { JSONValue.string(UTCTime.timestamp(milliseconds: $0)) })
    object.append("stated", JSONValue.bool(isStated))
    object.append("periods", periodCount)
    object.append(
      "period_states",
      JSONValue.object(JSONObject(periodStates.map { JSONObject.Member($0.state, .integer(Int64($0.count))) })))
    object.append(
      "gaps",
      JSONValue.array(
        gaps.map { gap in
          var fields = JSONObject()
          fields.append("state", gap.state)
          fields.append("start", gap.start.map { JSONValue.string(UTCTime.timestamp(milliseconds: $0)) })
          fields.append("end", gap.end.map { JSONValue.string(UTCTime.timestamp(milliseconds: $0)) })
          fields.append("first_key", gap.firstKey)
          fields.append("last_key", gap.lastKey)
          fields.append("periods", gap.periods)
          fields.append("sequence_first", gap.sequenceFirst)
          fields.append("sequence_last", gap.sequenceLast)
          fields.append("reason", gap.reason)
          return .object(fields)
        }))
    return .object(object)
  }
}
