import ChatBundle
import Foundation

/// The output directory of `chatbundle pull easemob`: `history/`, `media/` and
/// `pull-state.json`. Packed as it is, it gives the bundle its inputs, its media and its
/// coverage: every hour asked for, with what came of it.
public struct PulledDirectory: Sendable {
  public let path: String
  public var historyDirectory: String { path + "/history" }
  public var mediaDirectory: String { path + "/media" }
  public var statePath: String { path + "/pull-state.json" }
  public let state: PullState

  /// More hours than this are not listed one by one: the list is clipped to the hours the
  /// pull asked for (11 years of hours).
  public static let maximumListedHours = 100_000

  /// The pulled directory at `path`, or nil when `path` is not one.
  public static func open(_ path: String) throws(ImportError) -> PulledDirectory? {
    let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: trimmed, isDirectory: &isDirectory), isDirectory.boolValue,
      let state = try PullState.load(trimmed + "/pull-state.json")
    else { return nil }
    return PulledDirectory(path: trimmed, state: state)
  }

  /// Why the pull has no file for an attachment, when it tried and failed: for a missing
  /// entry's `detail`. The reasons in the state hold no token (the puller removes them).
  public func missingDetail(forSourceReference reference: String?) -> String? {
    guard let reference, let key = EasemobMedia.fileKey(fromURL: reference),
      let record = state.attachments[key], record.status == .failed
    else { return nil }
    return "the pull failed to fetch it" + (record.reason.map { ": " + $0 } ?? "")
  }

  /// Every hour from the first to the last asked for (or the scope's bounds, when given),
  /// in time order, each with its state; an hour the pull never asked for is `not_pulled`.
  public func coverage(scope: ExportScope) -> Coverage {
    let cluster = state.cluster
    let known = state.hours.compactMap { key, record in HourKey(key).map { ($0, record) } }
    guard let earliest = known.map(\.0).min(), let latest = known.map(\.0).max() else { return Coverage() }
    let records = Dictionary(known, uniquingKeysWith: { first, _ in first })
    func hour(at milliseconds: Int64) -> HourKey {
      HourKey.containing(Date(timeIntervalSince1970: Double(milliseconds) / 1000), in: cluster)
    }
    var first = scope.since.map { hour(at: $0) } ?? earliest
    var last = scope.until.map { hour(at: $0 - 1) } ?? latest
    if last.nominalSeconds - first.nominalSeconds > Int64(Self.maximumListedHours) * 3600 {
      first = max(first, earliest)
      last = min(last, latest)
    }
    var periods: [Coverage.Period] = []
    for key in HourKey.range(from: first, to: last).prefix(Self.maximumListedHours) {
      let start = (key.nominalSeconds - Int64(cluster.offsetSeconds)) * 1000
      let record = records[key]
      periods.append(
        Coverage.Period(
          start: start, end: start + 3_600_000, sourceKey: key.description,
          state: record?.status.rawValue ?? "not_pulled", records: record.flatMap { $0.records.map(Int64.init) },
          reason: record == nil ? "the pull did not ask for this hour" : record?.reason))
    }
    return Coverage(periods: periods)
  }
}
