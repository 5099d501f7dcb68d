import ArchiveIO
import ChatBundle
import ChatBundleImport
import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// What a pull did, for the final report.
public struct PullReport: Sendable {
  public struct HourResult: Sendable {
    public var key: String
    public var record: HourRecord
    /// True when the hour was complete or empty before this run and not asked for again.
    public var skipped: Bool
  }

  public struct AttachmentProblem: Sendable {
    public var name: String
    public var hour: String
    public var reason: String
  }

  public var cluster: EasemobCluster
  public var hours: [HourResult] = []
  public var attachmentsFetched = 0
  public var attachmentsPresent = 0
  public var attachmentsFailed: [AttachmentProblem] = []
  /// Bodies whose url cannot be saved under its own name (not a plain file name, not http).
  public var attachmentsNotFetchable: [AttachmentProblem] = []
  /// Why the run stopped early (a refused token), if it did.
  public var stoppedBy: String?

  public func count(_ status: HourStatus) -> Int { hours.filter { $0.record.status == status }.count }

  /// No hour failed, no attachment failed, and the run was not stopped.
  public var succeeded: Bool { stoppedBy == nil && count(.failed) == 0 && attachmentsFailed.isEmpty }
}

/// What the puller reports while it works (retries and waits go to the client's `onNotice`).
public enum PullEvent: Sendable {
  /// An hour is being handled (1-based position of `total`).
  case hourStarted(key: String, position: Int, total: Int)
  case hourFinished(PullReport.HourResult, fetched: Int, present: Int, failed: Int)
}

/// Pulls hourly history files and their attachments into `OUT/history/<yyyyMMddHH>.gz` and
/// `OUT/media/<last url segment>` (the name `EasemobMedia` looks for), resumably.
///
/// Every file is downloaded to a hidden `.NAME.partial` beside its place and renamed when
/// whole (its length checked against `Content-Length` and, for attachments, the body's
/// `file_length`; a history file is read through to its gzip trailer first). A rerun asks
/// again only for hours that are not complete or empty and fetches only attachments that
/// are not already in place.
public final class HistoryPuller {
  public let client: EasemobClient
  public let outDirectory: String
  public let cluster: EasemobCluster
  /// How many times an hour's URL is asked for when its download link has expired.
  public var linkRequests = 3
  public var onEvent: ((PullEvent) -> Void)?

  public var historyDirectory: String { outDirectory + "/history" }
  public var mediaDirectory: String { outDirectory + "/media" }
  public var statePath: String { outDirectory + "/pull-state.json" }

  private var state: PullState
  private var report: PullReport
  private var unsavedChanges = 0
  private var lastSave = Date()
  /// Attachments handled in this run, so one named by several messages is fetched once.
  private var handledThisRun: Set<String> = []

  public init(client: EasemobClient, outDirectory: String, cluster: EasemobCluster) throws(ConnectError) {
    self.client = client
    var directory = outDirectory
    while directory.count > 1 && directory.hasSuffix("/") { directory.removeLast() }
    self.outDirectory = directory
    self.cluster = cluster
    report = PullReport(cluster: cluster)
    state = PullState(host: client.baseURL.absoluteString, org: client.org, app: client.app, cluster: cluster)
    for path in [directory, directory + "/history", directory + "/media"] {
      do {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
      } catch {
        throw .io(path: path, message: "cannot create the directory: \(error.localizedDescription)")
      }
    }
    let loaded: PullState?
    do { loaded = try PullState.load(statePath) } catch {
      guard case .unreadableInput(_, let message) = error else { throw .io(path: statePath, message: "\(error)") }
      throw .io(path: statePath, message: message)
    }
    if let saved = loaded {
      guard saved.org == client.org, saved.app == client.app, saved.cluster == cluster else {
        throw .usage(
          "\(directory) holds a pull of \(saved.org)/\(saved.app) (cluster \(saved.cluster.rawValue)); "
            + "use another --out for \(client.org)/\(client.app) (cluster \(cluster.rawValue))")
      }
      state.hours = saved.hours
      state.attachments = saved.attachments
    }
    removeStalePartials()
  }

  /// Pulls every hour from `from` to `to`, both included. Throws only for local I/O
  /// errors; a refused token ends the run early with `stoppedBy` set.
  public func pull(from: HourKey, to: HourKey) async throws(ConnectError) -> PullReport {
    let keys = HourKey.range(from: from, to: to)
    for (index, key) in keys.enumerated() {
      onEvent?(.hourStarted(key: key.description, position: index + 1, total: keys.count))
      do {
        try await pullHour(key.description)
      } catch {
        if case .unauthorized(let message) = error {
          report.stoppedBy = message
          try saveState()
          return report
        }
        try? saveState()
        throw error
      }
    }
    try saveState()
    return report
  }

  // MARK: Hours

  private func pullHour(_ key: String) async throws(ConnectError) {
    var fetched = 0
    var present = 0
    var failed = 0
    var skipped = false
    var record: HourRecord
    var scanned: [Scan] = []
    if let saved = state.hours[key], saved.status == .complete, let files = saved.files, !files.isEmpty,
      files.allSatisfy({ DurableFile.size(of: historyDirectory + "/" + $0) != nil })
    {
      record = saved
      skipped = true
      do {
        scanned = try files.map { file throws in try scan(historyDirectory + "/" + file) }
      } catch {
        record = HourRecord(
          status: .failed,
          reason:
            "history/\(files.joined(separator: ", ")) cannot be read (\(error)); delete it to fetch the hour again")
        skipped = false
      }
    } else if let saved = state.hours[key], saved.status == .empty {
      record = saved
      skipped = true
    } else if let adopted = adoptFromDisk(key) {
      record = adopted.record
      scanned = adopted.scans
    } else {
      (record, scanned) = try await fetchHour(key)
      state.hours[key] = record
      try saveState()
    }
    if record.status == .complete {
      var seen: Set<String> = []
      for reference in scanned.flatMap(\.attachments) where seen.insert(reference.name).inserted {
        switch try await fetchAttachment(reference, hour: key) {
        case .fetched: fetched += 1
        case .present: present += 1
        case .failed: failed += 1
        case .alreadyHandled: break
        }
      }
      for problem in scanned.flatMap(\.unfetchable) {
        report.attachmentsNotFetchable.append(
          PullReport.AttachmentProblem(name: problem.0, hour: key, reason: problem.1))
      }
      record.attachments = seen.count
    }
    state.hours[key] = record
    try saveState()
    let result = PullReport.HourResult(key: key, record: record, skipped: skipped)
    report.hours.append(result)
    onEvent?(.hourFinished(result, fetched: fetched, present: present, failed: failed))
  }

  /// A history file already in place with no state saying so (the run before was stopped
  /// between the rename and the state's save) is taken as it is when it reads whole.
  private func adoptFromDisk(_ key: String) -> (record: HourRecord, scans: [Scan])? {
    let name = key + ".gz"
    let path = historyDirectory + "/" + name
    guard DurableFile.size(of: path) != nil, let scan = try? scan(path) else { return nil }
    return (HourRecord(status: .complete, files: [name], records: scan.records), [scan])
  }

  private func fetchHour(_ key: String) async throws(ConnectError) -> (HourRecord, [Scan]) {
    var lastProblem = ""
    var round = 0
    while round < linkRequests {
      round += 1
      let response: HTTPResponse
      do {
        let request = try await client.apiRequest(client.apiURL("chatmessages/" + key))
        response = try await client.perform(request, idempotent: true, what: "hour \(key)")
      } catch let error as ConnectError {
        throw error
      } catch {
        return (HourRecord(status: .failed, reason: client.redact("\(error)")), [])
      }
      let serverText = client.redact(response.bodyExcerpt)
      switch response.status {
      case 200: break
      case 401:
        if client.refreshTokenAfterRejection() {
          round -= 1
          continue
        }
        throw client.unauthorizedError(response)
      case 400 where serverText.contains("expired") || serverText.contains("unstored"):
        return (HourRecord(status: .expired, reason: "HTTP 400: " + errorDescription(response)), [])
      case 404 where serverText.contains("storage_object_not_found"):
        return (HourRecord(status: .notFound, reason: "HTTP 404: " + errorDescription(response)), [])
      default:
        return (HourRecord(status: .failed, reason: "HTTP \(response.status): \(serverText)"), [])
      }
      guard let object = (try? JSONParser.parse(response.body, options: .lenient))?.objectValue,
        let data = object["data"]?.arrayValue
      else {
        return (HourRecord(status: .failed, reason: "the answer holds no data list: \(serverText)"), [])
      }
      if data.isEmpty { return (HourRecord(status: .empty), []) }
      var links: [URL] = []
      for entry in data {
        guard let text = entry.objectValue?["url"]?.stringValue, let url = URL(string: text),
          let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http"
        else {
          return (HourRecord(status: .failed, reason: "a data entry holds no http(s) url"), [])
        }
        links.append(url)
      }
      switch await downloadHistory(key, links: links) {
      case .done(let names, let scans):
        return (HourRecord(status: .complete, files: names, records: scans.reduce(0) { $0 + $1.records }), scans)
      case .linkProblem(let problem):
        lastProblem = problem
        if round < linkRequests { client.notice("hour \(key): \(problem); asking for a new link") }
      case .failed(let reason):
        return (HourRecord(status: .failed, reason: reason), [])
      }
    }
    return (
      HourRecord(status: .failed, reason: "the download link failed \(linkRequests) times; last: \(lastProblem)"), []
    )
  }

  private enum HistoryDownload {
    case done([String], [Scan])
    /// The link was refused or gave a broken file: worth asking for a new link.
    case linkProblem(String)
    case failed(String)
  }

  private func downloadHistory(_ key: String, links: [URL]) async -> HistoryDownload {
    var partials: [(partial: String, name: String)] = []
    var scans: [Scan] = []
    defer {
      for item in partials where FileManager.default.fileExists(atPath: item.partial) {
        try? FileManager.default.removeItem(atPath: item.partial)
        ScratchRegistry.shared.unregister(item.partial)
      }
    }
    for (index, link) in links.enumerated() {
      let name = index == 0 ? key + ".gz" : "\(key)_\(index + 1).gz"
      let partial = historyDirectory + "/." + name + ".partial"
      partials.append((partial, name))
      ScratchRegistry.shared.register(partial)
      // A signed object-store link: no token goes with it.
      var request = URLRequest(url: link)
      request.setValue("application/octet-stream, application/gzip, */*", forHTTPHeaderField: "Accept")
      let result: (response: HTTPResponse, bytes: Int64)
      do {
        result = try await client.download(request, to: partial, what: "history file \(name)")
      } catch {
        return .failed("downloading the history file: \(client.redact("\(error)"))")
      }
      let status = result.response.status
      let text = client.redact(result.response.bodyExcerpt)
      if [401, 403, 404, 410].contains(status) || (status == 400 && text.lowercased().contains("expire")) {
        return .linkProblem("the download link was refused (HTTP \(status))")
      }
      guard (200..<300).contains(status) else {
        return .failed("downloading the history file: HTTP \(status): \(text)")
      }
      if let problem = lengthProblem(result.response, bytes: result.bytes) { return .linkProblem(problem) }
      do {
        scans.append(try scan(partial))
      } catch {
        return .linkProblem("the downloaded file is not whole (\(error))")
      }
    }
    for item in partials {
      DurableFile.syncFile(item.partial)
      do {
        try DurableFile.moveIntoPlace(item.partial, to: historyDirectory + "/" + item.name)
      } catch {
        return .failed("cannot rename into history/\(item.name): \(error.message)")
      }
      ScratchRegistry.shared.unregister(item.partial)
    }
    DurableFile.syncDirectory(of: historyDirectory + "/x")
    return .done(partials.map(\.name), scans)
  }

  private func errorDescription(_ response: HTTPResponse) -> String {
    if let object = (try? JSONParser.parse(response.body, options: .lenient))?.objectValue,
      let description = object["error_description"]?.stringValue ?? object["error"]?.stringValue
    {
      return client.redact(description)
    }
    return client.redact(response.bodyExcerpt)
  }

  /// A body shorter than its `Content-Length` (when the body was not re-encoded on the way).
  private func lengthProblem(_ response: HTTPResponse, bytes: Int64) -> String? {
    guard response.header("Content-Encoding") == nil, let text = response.header("Content-Length"),
      let expected = Int64(text), expected != bytes
    else { return nil }
    return "the download stopped early: \(bytes) of \(expected) bytes"
  }

  // MARK: Attachments

  private enum AttachmentOutcome { case fetched, present, failed, alreadyHandled }

  private func fetchAttachment(
    _ reference: AttachmentReference, hour: String
  ) async throws(ConnectError) -> AttachmentOutcome {
    guard handledThisRun.insert(reference.name).inserted else { return .alreadyHandled }
    let path = mediaDirectory + "/" + reference.name
    if let size = DurableFile.size(of: path) {
      let savedBytes = state.attachments[reference.name].flatMap { $0.status == .complete ? $0.bytes : nil }
      let declaredMatches = reference.declaredSize.map { $0 <= 0 || $0 == size } ?? true
      if declaredMatches && (savedBytes == nil || savedBytes == size) {
        if state.attachments[reference.name]?.status != .complete {
          state.attachments[reference.name] = AttachmentRecord(status: .complete, bytes: size, hour: hour)
          try noteChange()
        }
        report.attachmentsPresent += 1
        return .present
      }
    }
    let partial = mediaDirectory + "/." + reference.name + ".partial"
    ScratchRegistry.shared.register(partial)
    defer {
      try? FileManager.default.removeItem(atPath: partial)
      ScratchRegistry.shared.unregister(partial)
    }
    var outcome = AttachmentRecord(status: .failed, hour: hour)
    var request = URLRequest(url: reference.url)
    request.setValue("application/octet-stream", forHTTPHeaderField: "Accept")
    if let secret = reference.secret, !secret.isEmpty, !secret.contains(where: \.isNewline) {
      request.setValue(secret, forHTTPHeaderField: "share-secret")
    }
    if client.isAPIHost(reference.url) {
      request.setValue("Bearer " + (try await client.token()), forHTTPHeaderField: "Authorization")
    }
    do {
      let result = try await client.download(request, to: partial, what: "attachment \(reference.name)")
      let status = result.response.status
      if (200..<300).contains(status) {
        if let problem = lengthProblem(result.response, bytes: result.bytes) {
          outcome.reason = problem
        } else if let declared = reference.declaredSize, declared > 0, declared != result.bytes {
          outcome.reason = "got \(result.bytes) bytes, but the message says file_length \(declared)"
        } else {
          DurableFile.syncFile(partial)
          do {
            try DurableFile.moveIntoPlace(partial, to: path)
            outcome = AttachmentRecord(status: .complete, bytes: result.bytes, hour: hour)
          } catch {
            outcome.reason = "cannot rename into media/: \(error.message)"
          }
        }
      } else if status == 401 && client.isAPIHost(reference.url) {
        if client.refreshTokenAfterRejection() {
          handledThisRun.remove(reference.name)
          return try await fetchAttachment(reference, hour: hour)
        }
        throw client.unauthorizedError(result.response)
      } else if status == 403 {
        outcome.reason =
          "HTTP 403 forbidden"
          + (reference.secret == nil ? " (the message gives no secret)" : " (the share-secret was refused)")
      } else if status == 404 {
        outcome.reason = "HTTP 404: the file is gone (recalled, expired or deleted)"
      } else {
        outcome.reason = "HTTP \(status): \(client.redact(result.response.bodyExcerpt))"
      }
    } catch let error as ConnectError {
      throw error
    } catch {
      outcome.reason = client.redact("\(error)")
    }
    state.attachments[reference.name] = outcome
    try noteChange()
    if outcome.status == .complete {
      report.attachmentsFetched += 1
      return .fetched
    }
    report.attachmentsFailed.append(
      PullReport.AttachmentProblem(name: reference.name, hour: hour, reason: outcome.reason ?? "failed"))
    return .failed
  }

  // MARK: Reading history files

  struct AttachmentReference {
    var name: String
    var url: URL
    var secret: String?
    var declaredSize: Int64?
  }

  struct Scan {
    var records = 0
    var attachments: [AttachmentReference] = []
    var unfetchable: [(String, String)] = []
  }

  /// Reads a history file through (so a truncated gzip shows) and lists the attachments its
  /// bodies name: `url` (with `secret`, `file_length`) and, for a video, `thumb` (with
  /// `thumb_secret`).
  func scan(_ path: String) throws -> Scan {
    let opened = try openPossiblyCompressedFile(path: path)
    let splitter = RecordSplitter(stream: opened.stream)
    var result = Scan()
    while let record = try splitter.next() {
      result.records += 1
      guard let object = (try? JSONParser.parse(record.bytes, options: .lenient))?.objectValue,
        let bodies = object["payload"]?.objectValue?["bodies"]?.arrayValue
      else { continue }
      for body in bodies {
        guard let fields = body.objectValue else { continue }
        if let url = fields["url"]?.stringValue, !url.isEmpty {
          add(url, secret: fields["secret"]?.stringValue, size: integer(fields["file_length"]), to: &result)
        }
        if fields["type"]?.stringValue == "video", let thumb = fields["thumb"]?.stringValue, !thumb.isEmpty {
          add(thumb, secret: fields["thumb_secret"]?.stringValue, size: nil, to: &result)
        }
      }
    }
    return result
  }

  private func add(_ text: String, secret: String?, size: Int64?, to scan: inout Scan) {
    guard let name = EasemobMedia.fileKey(fromURL: text) else { return }
    guard EasemobMedia.isSafeFileName(name) else {
      scan.unfetchable.append((name, "the url's last segment is not a plain file name"))
      return
    }
    guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http"
    else {
      scan.unfetchable.append((name, "the url is not an http(s) URL"))
      return
    }
    scan.attachments.append(AttachmentReference(name: name, url: url, secret: secret, declaredSize: size))
  }

  private func integer(_ value: JSONValue?) -> Int64? {
    if let number = value?.int64Value { return number }
    if let text = value?.stringValue { return Int64(text) }
    return nil
  }

  // MARK: State

  private func noteChange() throws(ConnectError) {
    unsavedChanges += 1
    if unsavedChanges >= 25 || Date().timeIntervalSince(lastSave) > 10 { try saveState() }
  }

  private func saveState() throws(ConnectError) {
    let bytes: [UInt8]
    do { bytes = try state.encoded() } catch {
      throw .io(path: statePath, message: "cannot encode the state: \(error)")
    }
    try DurableFile.store(bytes, at: statePath)
    unsavedChanges = 0
    lastSave = Date()
  }

  private func removeStalePartials() {
    for directory in [historyDirectory, mediaDirectory] {
      let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
      for name in names where name.hasPrefix(".") && name.hasSuffix(".partial") {
        try? FileManager.default.removeItem(atPath: directory + "/" + name)
      }
    }
  }
}
