import ChatBundleTestSupport
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// `chatbundle` run as a user would, awaited without holding a thread: the fake server
/// answering it runs in this process, and a thread blocked on a child is one the test
/// process does not have to spare.
final class ChatBundleRun: Sendable {
  struct Result: Sendable {
    var status: Int32
    var standardOutput: String
    var standardError: String
  }

  private let process: Process
  private let directory: TemporaryDirectory
  private let ended: AsyncStream<Int32>

  /// Starts `chatbundle`; its output goes to files until it ends.
  init(_ arguments: [String], environment: [String: String] = [:]) throws {
    directory = try TemporaryDirectory("chatbundle-run")
    process = Process()
    process.executableURL = ChatBundleBinary.url
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    for name in ["out", "err"] {
      _ = FileManager.default.createFile(atPath: directory.file(name), contents: nil)
    }
    process.standardOutput = FileHandle(forWritingAtPath: directory.file("out"))
    process.standardError = FileHandle(forWritingAtPath: directory.file("err"))
    let (ended, sink) = AsyncStream.makeStream(of: Int32.self)
    self.ended = ended
    process.terminationHandler = { process in
      sink.yield(process.terminationStatus)
      sink.finish()
    }
    try process.run()
  }

  /// Runs `chatbundle` to its end.
  static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> Result {
    try await ChatBundleRun(arguments, environment: environment).result()
  }

  /// Waits for the end; call once.
  func result() async -> Result {
    var status: Int32 = -1
    for await value in ended { status = value }
    return Result(status: status, standardOutput: text("out"), standardError: text("err"))
  }

  /// SIGKILL, as a power cut or `kill -9` would stop it; a test runner may leave SIGTERM
  /// ignored in its children.
  func kill() async -> Result {
    _ = Glibc.kill(process.processIdentifier, SIGKILL)
    return await result()
  }

  private func text(_ name: String) -> String {
    String(decoding: FileManager.default.contents(atPath: directory.file(name)) ?? Data(), as: UTF8.self)
  }
}

/// Waits until `condition` holds, for at most `seconds`.
func waitFor(seconds: Double, _ condition: () -> Bool) async -> Bool {
  let deadline = ContinuousClock.now + .seconds(seconds)
  while ContinuousClock.now < deadline {
    if condition() { return true }
    try? await Task.sleep(for: .milliseconds(50))
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
