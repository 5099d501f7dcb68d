extension Coverage {
  func jsonValue() -> JSONValue {
    var object = JSONObject()
    object.append(
      "periods",
      JSONValue.array(
        periods.map { period in
          var fields = JSONObject()
          fields.append("start", UTCTime.timestamp(milliseconds: period.start))
          fields.append("end", UTCTime.timestamp(milliseconds: period.end))
          fields.append("source_key", period.sourceKey)
          fields.append("state", period.state)
          fields.append("records", period.records)
          fields.append("reason", period.reason)
          return .object(fields)
        }))
    if let sequence {
      var fields = JSONObject()
      fields.append("field", sequence.field)
      fields.append("first", sequence.first)
      fields.append("last", sequence.last)
      fields.append("seen", sequence.seen)
      fields.append("records_without", sequence.recordsWithout)
      fields.append(
        "gaps",
        JSONValue.array(
          sequence.gaps.map { .object(JSONObject(["first": .integer($0.first), "last": .integer($0.last)])) }))
      fields.append("gaps_complete", JSONValue.bool(sequence.gapsComplete))
      object.append("sequence", JSONValue.object(fields))
    }
    return .object(object)
  }

  /// Reads `coverage`, holding it to one form: periods in time order without overlaps,
  /// gaps inside the sequence's span in order, and the counts adding up.
  init(_ fields: FieldReader) throws(RecordError) {
    self.init()
    guard let elements = try fields.array("periods") else {
      throw RecordError(field: fields.path("periods"), message: "is required")
    }
    var previousEnd = Int64.min
    for (index, element) in elements.enumerated() {
      let period = try FieldReader(element, prefix: fields.path("periods[\(index)]"))
      func time(_ key: String) throws(RecordError) -> Int64 {
        let text = try period.requiredString(key)
        guard let value = UTCTime.parse(text), UTCTime.timestamp(milliseconds: value) == text,
          (0...BundleLimits.maximumTimestamp).contains(value)
        else { throw RecordError(field: period.path(key), message: "must be an RFC 3339 UTC time") }
        return value
      }
      let start = try time("start")
      let end = try time("end")
      guard start < end else { throw RecordError(field: period.path("end"), message: "must be after start") }
      guard start >= previousEnd else {
        throw RecordError(field: period.path("start"), message: "must not be before the previous period's end")
      }
      previousEnd = end
      let state = try period.requiredString("state")
      guard MissingReason.isWellFormed(state) else {
        throw RecordError(field: period.path("state"), message: "must be a state code like complete or expired")
      }
      periods.append(
        Period(
          start: start, end: end, sourceKey: try period.string("source_key"), state: state,
          records: try period.integer("records"), reason: try period.string("reason")))
    }
    if let sequenceFields = try fields.nested("sequence") {
      sequence = try SequenceCoverage(sequenceFields)
    }
  }
}

extension SequenceCoverage {
  init(_ fields: FieldReader) throws(RecordError) {
    func count(_ key: String) throws(RecordError) -> Int64 {
      guard let value = try fields.integer(key) else {
        throw RecordError(field: fields.path(key), message: "is required")
      }
      return value
    }
    let first = try count("first")
    let last = try count("last")
    guard first <= last else { throw RecordError(field: fields.path("last"), message: "must not be below first") }
    guard let complete = try fields.bool("gaps_complete") else {
      throw RecordError(field: fields.path("gaps_complete"), message: "is required")
    }
    guard let elements = try fields.array("gaps") else {
      throw RecordError(field: fields.path("gaps"), message: "is required")
    }
    var gaps: [Gap] = []
    var floor = first
    for (index, element) in elements.enumerated() {
      let gap = try FieldReader(element, prefix: fields.path("gaps[\(index)]"))
      guard let gapFirst = try gap.integer("first"), let gapLast = try gap.integer("last") else {
        throw RecordError(field: gap.path("first"), message: "first and last are required")
      }
      // A gap lies strictly inside the span and after the previous gap with a number seen
      // between them; otherwise two gaps would be one, or a gap would be an end.
      guard gapFirst > floor, gapFirst <= gapLast, gapLast < last else {
        throw RecordError(
          field: gap.path("first"), message: "must lie inside first..last, after the previous gap, in order")
      }
      gaps.append(Gap(first: gapFirst, last: gapLast))
      floor = gapLast.addingClamped(1)
    }
    self.init(
      field: try fields.requiredString("field"), first: first, last: last, seen: try count("seen"),
      recordsWithout: try count("records_without"), gaps: gaps, gapsComplete: complete)
    if complete {
      // Exact, not clamped: a clamped sum could make two different counts look equal.
      var total: Int64? = seen
      for gap in gaps {
        let size = (gap.last - gap.first).addingReportingOverflow(1)
        guard !size.overflow, let sum = total?.addingReportingOverflow(size.partialValue), !sum.overflow else {
          total = nil
          break
        }
        total = sum.partialValue
      }
      let span = (last - first).addingReportingOverflow(1)
      guard let total, !span.overflow, total == span.partialValue else {
        throw RecordError(
          field: fields.path("seen"), message: "plus the numbers in the gaps must equal last - first + 1")
      }
    }
  }
}
