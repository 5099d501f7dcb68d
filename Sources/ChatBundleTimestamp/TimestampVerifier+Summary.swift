import ChatBundle

extension TimestampVerifier {
  /// Every timestamp record of `report`'s bundle, checked against its id.
  public func summaries(of report: VerificationReport) async -> [ProvenanceSummary.Timestamp] {
    var result: [ProvenanceSummary.Timestamp] = []
    for case .timestamp(let record) in report.attachments {
      guard let bundleID = report.bundleID else {
        result.append(
          ProvenanceSummary.Timestamp(
            time: nil, authority: nil, valid: false, trusted: nil, problem: "the bundle has no id to check against"))
        continue
      }
      result.append(await check(record, bundleID: bundleID).summary)
    }
    return result
  }
}
