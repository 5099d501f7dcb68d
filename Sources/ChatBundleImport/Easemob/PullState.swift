import Foundation

/// What happened to an hour.
public enum HourStatus: String, Codable, Sendable {
  /// The history file is in `history/`; its attachments are tracked one by one.
  case complete
  /// The API answered with no download link: nothing was sent that hour.
  case empty
  /// 400 "expired or unstored": past the retention, or not stored yet (a later run asks again).
  case expired
  /// 404 `storage_object_not_found`: no history file for that hour (a later run asks again).
  case notFound = "not_found"
  /// Anything else; the reason says what. A later run tries again.
  case failed
}

public enum AttachmentStatus: String, Codable, Sendable {
  case complete
  case failed
}

public struct HourRecord: Codable, Sendable, Equatable {
  public var status: HourStatus
  public var reason: String?
  /// The history files, relative to `history/`.
  public var files: [String]?
  public var records: Int?
  public var attachments: Int?
  public var updated: String

  public init(status: HourStatus, reason: String? = nil, files: [String]? = nil, records: Int? = nil) {
    self.status = status
    self.reason = reason
    self.files = files
    self.records = records
    updated = timestampNow()
  }
}

public struct AttachmentRecord: Codable, Sendable, Equatable {
  public var status: AttachmentStatus
  public var reason: String?
  public var bytes: Int64?
  /// The hour whose history named it first.
  public var hour: String
  public var updated: String

  public init(status: AttachmentStatus, reason: String? = nil, bytes: Int64? = nil, hour: String) {
    self.status = status
    self.reason = reason
    self.bytes = bytes
    self.hour = hour
    updated = timestampNow()
  }
}

/// `OUT/pull-state.json`: per hour and per attachment, what a pull has done. It holds no
/// token, no secret and no download link. The files themselves are the ground truth: a
/// file is renamed into place only when whole, so a rerun trusts what it finds there
/// even when the state was not saved after it.
public struct PullState: Codable, Sendable {
  public var version = 1
  public var host: String
  public var org: String
  public var app: String
  public var cluster: EasemobCluster
  /// How the hour keys are read, for a human looking at the file.
  public var hourKeys: String
  public var hours: [String: HourRecord] = [:]
  public var attachments: [String: AttachmentRecord] = [:]

  enum CodingKeys: String, CodingKey {
    case version, host, org, app, cluster, hours, attachments
    case hourKeys = "hour_keys"
  }

  public init(host: String, org: String, app: String, cluster: EasemobCluster) {
    self.host = host
    self.org = org
    self.app = app
    self.cluster = cluster
    hourKeys = cluster.zoneDescription
  }

  /// Reads `pull-state.json`; nil when there is none.
  public static func load(_ path: String) throws(ImportError) -> PullState? {
    guard FileManager.default.fileExists(atPath: path) else { return nil }
    do {
      let data = try Data(contentsOf: URL(fileURLWithPath: path))
      return try JSONDecoder().decode(PullState.self, from: data)
    } catch {
      throw .unreadableInput(
        path: path,
        message: "the pull state is unreadable (\(error)); move it away to start over (files already pulled are reused)"
      )
    }
  }

  /// The state's bytes as a pull stores them: sorted keys, a final newline.
  public func encoded() throws -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return Array(try encoder.encode(self)) + [0x0A]
  }
}

package func timestampNow() -> String {
  let formatter = ISO8601DateFormatter()
  formatter.formatOptions = [.withInternetDateTime]
  formatter.timeZone = TimeZone(identifier: "UTC")
  return formatter.string(from: Date())
}
