import ArchiveIO
import ChatBundle
import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// What to do with a line whose import was sent but never answered (the connection broke,
/// or the run was killed, after the request went out): the server may or may not have
/// imported it, and the import API has no way to ask.
public enum UnconfirmedPolicy: String, Sendable, CaseIterable {
  /// Send it again, accepting that the message may then be there twice.
  case resend
  /// Count it as imported and go on, accepting that it may be missing.
  case skip
}

/// `FILE.checkpoint`: how far a replay has got.
///
/// The replay writes it (synced to disk, then renamed over the old one) twice per line:
/// before the request, naming the line `unconfirmed`, and after the answer, moving
/// `confirmed` past it. So whatever moment a run is stopped at, the checkpoint either
/// shows the line as not sent, as answered, or as sent without a known answer, and the
/// last case is never resolved by guessing: the next run stops and asks for an
/// ``UnconfirmedPolicy``. The one window left is the server's own: a request it acted on
/// but answered with an error is counted as failed.
public struct ReplayCheckpoint: Codable, Sendable, Equatable {
  public struct Failure: Codable, Sendable, Equatable {
    public var line: Int
    public var status: Int?
    public var body: String
  }

  public var version = 1
  /// SHA-256 of the input file: a checkpoint is never applied to another file.
  public var inputSHA256: String
  /// Every line up to and including this one (1-based) has been answered: imported, or
  /// refused and listed in `failures`. 0 before the first.
  public var confirmed: Int
  /// Lines imported (the server answered 2xx), and lines counted as imported by `skip`.
  public var imported: Int
  /// A line sent whose answer never came.
  public var unconfirmed: Int?
  public var failures: [Failure]

  enum CodingKeys: String, CodingKey {
    case version, confirmed, imported, unconfirmed, failures
    case inputSHA256 = "input_sha256"
  }
}

public struct ReplayReport: Sendable {
  /// Messages (non-blank lines) in the input.
  public var messages = 0
  /// Imported by this run.
  public var importedNow = 0
  /// Imported by earlier runs (from the checkpoint).
  public var importedBefore = 0
  /// Every failure so far, this run's and earlier ones'.
  public var failures: [ReplayCheckpoint.Failure] = []
  /// Set when the run stopped before the end; the replay can be resumed.
  public var stoppedBy: String?
  /// The line left unconfirmed when the run stopped, if any.
  public var unconfirmedLine: Int?

  public var succeeded: Bool { stoppedBy == nil && failures.isEmpty }
}

/// Replays import bodies, one message per request, in file order:
/// each line of the input is `{"endpoint":"users"|"chatgroups","body":{…}}` and `body` is
/// posted as it is to `/{org}/{app}/messages/{endpoint}/import`.
///
/// Throttled by the client's rate; 429 and 503 (the server did not take the message) are
/// retried with backoff, honouring `Retry-After`. A request that may have reached the
/// server but got no answer is not retried unless the ``UnconfirmedPolicy`` says so, so no
/// message is imported twice without the user choosing it.
public final class ImportReplayer {
  public let client: EasemobClient
  public let inputPath: String
  public let checkpointPath: String
  /// Called after each line with (lines answered, messages in all).
  public var onProgress: ((Int, Int) -> Void)?

  public init(client: EasemobClient, inputPath: String, checkpointPath: String? = nil) {
    self.client = client
    self.inputPath = inputPath
    self.checkpointPath = checkpointPath ?? inputPath + ".checkpoint"
  }

  struct Entry {
    var line: Int
    var endpoint: String
    var body: [UInt8]
  }

  public enum ReplayError: Error, CustomStringConvertible {
    case invalidInput(line: Int, message: String)
    case otherInput(String)
    case unconfirmed(line: Int)

    public var description: String {
      switch self {
      case .invalidInput(let line, let message): return "line \(line): \(message); nothing was sent"
      case .otherInput(let message): return message
      case .unconfirmed(let line):
        return "line \(line) was sent but its answer never came: Easemob may or may not have imported it. "
          + "Check the target conversation, then run again with --unconfirmed resend (send it again) "
          + "or --unconfirmed skip (take it as imported)"
      }
    }
  }

  /// Checks the whole input, then sends what the checkpoint says is left.
  public func run(unconfirmed policy: UnconfirmedPolicy? = nil) async throws -> ReplayReport {
    let (entries, digest) = try readInput()
    var checkpoint = try loadCheckpoint(digest: digest)
    var report = ReplayReport(messages: entries.count, importedBefore: checkpoint.imported)
    if let line = checkpoint.unconfirmed {
      switch policy {
      case nil: throw ReplayError.unconfirmed(line: line)
      case .skip?:
        checkpoint.unconfirmed = nil
        checkpoint.confirmed = line
        checkpoint.imported += 1
        report.importedBefore += 1
        try save(checkpoint)
      case .resend?: break
      }
    }
    for entry in entries where entry.line > checkpoint.confirmed {
      checkpoint.unconfirmed = entry.line
      try save(checkpoint)
      let url = client.apiURL("messages/\(entry.endpoint)/import")
      var attempt = 0
      var outcome: HTTPResponse?
      while outcome == nil {
        attempt += 1
        do {
          let request = try await client.apiRequest(url, method: "POST", body: entry.body)
          let response = try await client.perform(request, idempotent: false, what: "line \(entry.line)")
          if response.status == 401 && client.refreshTokenAfterRejection() { continue }
          outcome = response
        } catch let failure as TransportFailure {
          if case .unreachable = failure {
            // Never sent: the line is not in doubt.
            checkpoint.unconfirmed = nil
            try save(checkpoint)
            report.stoppedBy = "line \(entry.line): \(failure)"
            return finished(report, checkpoint)
          }
          if policy == .resend && attempt < client.retry.attempts {
            client.notice("line \(entry.line): \(failure); sending it again (--unconfirmed resend)")
            try await Task.sleep(for: .seconds(client.retry.backoff(afterAttempt: attempt)))
            continue
          }
          if policy == .skip {
            client.notice("line \(entry.line): \(failure); taken as imported (--unconfirmed skip)")
            outcome = HTTPResponse(status: 200, headers: [:], body: [])
            continue
          }
          report.stoppedBy = "line \(entry.line): \(failure)"
          report.unconfirmedLine = entry.line
          return finished(report, checkpoint)
        }
      }
      guard let response = outcome else { continue }
      switch response.status {
      case 200..<300:
        checkpoint.imported += 1
        report.importedNow += 1
      case 401:
        // Refused before anything was imported.
        checkpoint.unconfirmed = nil
        try save(checkpoint)
        throw client.unauthorizedError(response)
      case 429, 503:
        // Still turned away after every retry: not imported, so the line can wait.
        checkpoint.unconfirmed = nil
        try save(checkpoint)
        report.stoppedBy =
          "line \(entry.line): the server kept answering HTTP \(response.status); run again later to go on"
        return finished(report, checkpoint)
      default:
        checkpoint.failures.append(
          ReplayCheckpoint.Failure(
            line: entry.line, status: response.status, body: client.redact(response.bodyExcerpt)))
      }
      checkpoint.confirmed = entry.line
      checkpoint.unconfirmed = nil
      try save(checkpoint)
      onProgress?(checkpoint.imported + checkpoint.failures.count, entries.count)
    }
    return finished(report, checkpoint)
  }

  private func finished(_ report: ReplayReport, _ checkpoint: ReplayCheckpoint) -> ReplayReport {
    var result = report
    result.failures = checkpoint.failures
    return result
  }

  /// Reads and checks every line before anything is sent, and hashes the file.
  func readInput() throws -> ([Entry], String) {
    let file: FileByteStream
    do { file = try FileByteStream(path: inputPath) } catch {
      throw ConnectError.io(path: inputPath, message: "cannot open: \(error)")
    }
    var digest = SHA256Digest()
    file.observer = { digest.update($0) }
    let reader = LineReader(stream: file)
    var entries: [Entry] = []
    while let raw = try reader.nextLine() {
      var bytes = raw
      if reader.lineNumber == 1, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
      if bytes.last == 0x0D { bytes = bytes.dropLast() }
      if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
      let line = Int(reader.lineNumber)
      let value: JSONValue
      do { value = try JSONParser.parse(bytes) } catch {
        throw ReplayError.invalidInput(line: line, message: "not JSON (\(error))")
      }
      guard let object = value.objectValue else {
        throw ReplayError.invalidInput(line: line, message: "not a JSON object")
      }
      guard let endpoint = object["endpoint"]?.stringValue, endpoint == "users" || endpoint == "chatgroups" else {
        throw ReplayError.invalidInput(line: line, message: "\"endpoint\" must be \"users\" or \"chatgroups\"")
      }
      guard let body = object["body"], body.objectValue != nil else {
        throw ReplayError.invalidInput(line: line, message: "\"body\" must be a JSON object")
      }
      entries.append(Entry(line: line, endpoint: endpoint, body: JSONWriter.serialize(body)))
    }
    return (entries, digest.finalizeHex())
  }

  private func loadCheckpoint(digest: String) throws -> ReplayCheckpoint {
    guard FileManager.default.fileExists(atPath: checkpointPath) else {
      return ReplayCheckpoint(inputSHA256: digest, confirmed: 0, imported: 0, unconfirmed: nil, failures: [])
    }
    let checkpoint: ReplayCheckpoint
    do {
      checkpoint = try JSONDecoder().decode(
        ReplayCheckpoint.self, from: Data(contentsOf: URL(fileURLWithPath: checkpointPath)))
    } catch {
      throw ConnectError.io(path: checkpointPath, message: "the checkpoint is unreadable: \(error)")
    }
    guard checkpoint.inputSHA256 == digest else {
      throw ReplayError.otherInput(
        "\(checkpointPath) belongs to another version of \(inputPath) (its SHA-256 differs): "
          + "replaying would import messages twice or skip some; move the checkpoint away only if you mean to start over"
      )
    }
    return checkpoint
  }

  private func save(_ checkpoint: ReplayCheckpoint) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    try DurableFile.store(Array(try encoder.encode(checkpoint)) + [0x0A], at: checkpointPath)
  }
}
