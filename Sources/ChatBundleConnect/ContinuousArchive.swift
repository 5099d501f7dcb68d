import ArchiveIO
import ChatBundle
import ChatBundleImport
import Foundation

/// A continuous archive (`chatbundle archive`): a directory that a scheduled `sync` fills
/// hour by hour from a service that keeps history only for days, and from which `seal`
/// packs consecutive periods into bundles that form a chain (spec §7.15). It holds
/// `archive.json` (what is archived and the chain sealed so far), `pull/` (a pull
/// directory: history files, media and every hour's state) and `.lock`.
///
/// Credentials are never written here: each run takes them from its environment.
public final class ContinuousArchive {
  public let directory: String
  public private(set) var record: Record

  public struct Record: Codable, Sendable, Equatable {
    public var format = "chatbundle-archive"
    public var version = 1
    /// Fixed at `init`: the id every sealed bundle's lineage names.
    public var archiveID: String
    public var source = "easemob"
    public var host: String
    public var org: String
    public var app: String
    public var cluster: EasemobCluster
    /// The first hour kept (yyyyMMddHH in the cluster's zone).
    public var firstHour: String
    /// How long the service keeps an hour's history, for the warnings.
    public var retentionHours: Int
    public var sealed: [Sealed] = []

    enum CodingKeys: String, CodingKey {
      case format, version, source, host, org, app, cluster, sealed
      case archiveID = "archive_id"
      case firstHour = "first_hour"
      case retentionHours = "retention_hours"
    }
  }

  /// One sealed bundle of the chain.
  public struct Sealed: Codable, Sendable, Equatable {
    public var sequence: Int64
    public var bundleID: String
    /// The first hour it covers and the hour after its last (hour keys).
    public var since: String
    public var until: String
    /// Where it was written, as given (for the operator; the chain is by id).
    public var file: String

    public init(sequence: Int64, bundleID: String, since: String, until: String, file: String) {
      self.sequence = sequence
      self.bundleID = bundleID
      self.since = since
      self.until = until
      self.file = file
    }

    enum CodingKeys: String, CodingKey {
      case sequence, since, until, file
      case bundleID = "bundle_id"
    }
  }

  public var pullDirectory: String { directory + "/pull" }
  public var recordPath: String { directory + "/archive.json" }
  public var lockPath: String { directory + "/.lock" }

  private init(directory: String, record: Record) {
    self.directory = directory
    self.record = record
  }

  /// Makes a new archive at `directory` (which may exist, but must hold no archive).
  public static func create(
    at directory: String, host: String, org: String, app: String, cluster: EasemobCluster, firstHour: HourKey,
    retentionHours: Int
  ) throws(ConnectError) -> ContinuousArchive {
    let archive = ContinuousArchive(
      directory: directory,
      record: Record(
        archiveID: "easemob:\(org)/\(app)@\(firstHour)", host: host, org: org, app: app, cluster: cluster,
        firstHour: firstHour.description, retentionHours: retentionHours))
    if FileManager.default.fileExists(atPath: archive.recordPath) {
      throw .usage(
        "\(directory) holds an archive already (\(archive.recordPath)); sync it, or choose another directory")
    }
    do {
      try FileManager.default.createDirectory(atPath: archive.pullDirectory, withIntermediateDirectories: true)
    } catch {
      throw .io(path: directory, message: "cannot create the archive directory: \(error.localizedDescription)")
    }
    try archive.save()
    return archive
  }

  public static func open(_ directory: String) throws(ConnectError) -> ContinuousArchive {
    let path = directory + "/archive.json"
    guard let data = FileManager.default.contents(atPath: path) else {
      throw .usage("\(directory) is not an archive (no archive.json); make one with 'chatbundle archive init'")
    }
    let record: Record
    do { record = try JSONDecoder().decode(Record.self, from: data) } catch {
      throw .io(path: path, message: "not an archive record: \(error)")
    }
    guard record.format == "chatbundle-archive", record.version == 1 else {
      throw .usage("\(path) is an archive of another format or version (\(record.format) \(record.version))")
    }
    guard HourKey(record.firstHour) != nil else { throw .io(path: path, message: "first_hour is not an hour key") }
    return ContinuousArchive(directory: directory, record: record)
  }

  /// Takes the archive's lock for this run; refused while another run holds it.
  public func lock() throws(ConnectError) -> FileLock {
    let lock: FileLock?
    do { lock = try FileLock(path: lockPath) } catch {
      throw .io(path: lockPath, message: error.description)
    }
    guard let lock else {
      throw .usage("another run holds \(lockPath) (a sync or seal of this archive is running); try again when it ends")
    }
    return lock
  }

  public var firstHour: HourKey {
    HourKey(record.firstHour) ?? HourKey.containing(Date(timeIntervalSince1970: 0), in: .cn)
  }

  /// The newest hour a sync at `now` asks for: the last hour that ended at least `margin`
  /// before now, since the service writes an hour's file some time after the hour.
  public func newestSyncableHour(now: Date, margin: TimeInterval) -> HourKey {
    HourKey.containing(now.addingTimeInterval(-margin - 3600), in: record.cluster)
  }

  /// When the service stops serving the hour.
  public func leavesWindow(_ hour: HourKey) -> Date {
    hour.start(in: record.cluster).addingTimeInterval(TimeInterval(record.retentionHours) * 3600)
  }

  /// Records a sealed bundle as the chain's newest.
  public func append(_ sealed: Sealed) throws(ConnectError) {
    record.sealed.append(sealed)
    try save()
  }

  private func save() throws(ConnectError) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    let bytes: [UInt8]
    do { bytes = Array(try encoder.encode(record)) + [0x0A] } catch {
      throw .io(path: recordPath, message: "cannot encode the archive record: \(error)")
    }
    try DurableFile.store(bytes, at: recordPath)
  }
}
