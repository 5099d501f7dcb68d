import ChatBundle
import ChatBundleTestSupport
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The `fake-easemob` server, run as a subprocess on 127.0.0.1 for one test.
final class FakeEasemob {
  /// The binary beside `chatbundle` in the build products directory (`swift build
  /// --build-tests` builds every executable target).
  static var binary: URL {
    ChatBundleBinary.url.deletingLastPathComponent().appendingPathComponent("fake-easemob")
  }

  let process = Process()
  let port: Int
  let requestLog: String
  let importLog: String
  var base: String { "http://127.0.0.1:\(port)" }

  init(scenario: String, in directory: TemporaryDirectory) throws {
    let scenarioPath = try directory.write("scenario-\(UUID().uuidString).json", scenario)
    requestLog = directory.file("requests.log")
    importLog = directory.file("imports.log")
    process.executableURL = Self.binary
    process.arguments = [scenarioPath, "--request-log", requestLog, "--import-log", importLog]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    // The first line is the port; read byte by byte so nothing past it is consumed.
    var line = [UInt8]()
    let handle = output.fileHandleForReading
    while true {
      let byte = handle.readData(ofLength: 1)
      guard let value = byte.first else { break }
      if value == 0x0A { break }
      line.append(value)
    }
    guard let port = Int(String(decoding: line, as: UTF8.self)) else {
      _ = Glibc.kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
      throw FakeServerError.noPort
    }
    self.port = port
  }

  enum FakeServerError: Error { case noPort }

  deinit { stop() }

  /// SIGKILL: a test runner may leave SIGTERM ignored in its children.
  func stop() {
    guard process.isRunning else { return }
    _ = Glibc.kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
  }

  struct LoggedRequest {
    var method: String
    var path: String
    var status: Int
    var time: Int64
  }

  func requests() -> [LoggedRequest] {
    lines(requestLog).compactMap { object in
      guard let method = object["method"]?.stringValue, let path = object["path"]?.stringValue,
        let status = object["status"]?.int64Value, let time = object["t"]?.int64Value
      else { return nil }
      return LoggedRequest(method: method, path: path, status: Int(status), time: time)
    }
  }

  /// The import bodies received, as `(endpoint, body)`.
  func imports() -> [(String, JSONValue)] {
    lines(importLog).compactMap { object in
      guard let endpoint = object["endpoint"]?.stringValue, let body = object["body"] else { return nil }
      return (endpoint, body)
    }
  }

  private func lines(_ path: String) -> [JSONObject] {
    guard let data = FileManager.default.contents(atPath: path) else { return [] }
    return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap {
      (try? JSONParser.parse(String($0)))?.objectValue
    }
  }
}

/// Runs `chatbundle` in the background, its output going to files.
final class BackgroundRun {
  let process = Process()

  init(_ arguments: [String], environment: [String: String] = [:], in directory: TemporaryDirectory) throws {
    process.executableURL = ChatBundleBinary.url
    process.arguments = arguments
    var merged = ProcessInfo.processInfo.environment
    for (key, value) in environment { merged[key] = value }
    process.environment = merged
    _ = FileManager.default.createFile(atPath: directory.file("background.out"), contents: nil)
    _ = FileManager.default.createFile(atPath: directory.file("background.err"), contents: nil)
    process.standardOutput = FileHandle(forWritingAtPath: directory.file("background.out"))
    process.standardError = FileHandle(forWritingAtPath: directory.file("background.err"))
    try process.run()
  }

  func kill(_ signalNumber: Int32 = SIGKILL) {
    _ = Glibc.kill(process.processIdentifier, signalNumber)
    process.waitUntilExit()
  }
}

/// Waits until `condition` holds, for at most `seconds`.
func waitFor(seconds: Double, _ condition: () -> Bool) -> Bool {
  let deadline = Date().addingTimeInterval(seconds)
  while Date() < deadline {
    if condition() { return true }
    Thread.sleep(forTimeInterval: 0.05)
  }
  return condition()
}

/// Every regular file under a directory, recursively.
func allFiles(under path: String) -> [String] {
  guard let walker = FileManager.default.enumerator(atPath: path) else { return [] }
  var result: [String] = []
  while let relative = walker.nextObject() as? String {
    var isDirectory: ObjCBool = false
    let full = path + "/" + relative
    if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue {
      result.append(full)
    }
  }
  return result
}
