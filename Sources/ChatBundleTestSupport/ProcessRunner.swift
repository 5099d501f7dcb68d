import ArchiveIO
import Foundation

/// Runs the built `chatbundle` binary, as a user would.
public struct ProcessResult: Sendable {
  public var status: Int32
  public var standardOutput: String
  public var standardError: String
}

public enum ChatBundleBinary {
  /// The binary next to the test bundle in the build products directory.
  public static var url: URL {
    let products = Bundle.main.bundleURL.deletingLastPathComponent()
    let candidate = products.appendingPathComponent("chatbundle")
    if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
    // swift test on Linux runs the xctest binary from the products directory itself.
    return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
      "chatbundle")
  }

  @discardableResult
  public static func run(
    _ arguments: [String], environment: [String: String] = [:], directory: String? = nil
  ) throws -> ProcessResult {
    try runProcess(url, arguments, environment: environment, directory: directory)
  }

  /// Packs `examples/easemob` (its export, media and people file) into `output`, with the
  /// command the README gives.
  @discardableResult
  public static func packEasemobExample(to output: String) throws -> ProcessResult {
    let example = repositoryRoot().appendingPathComponent("examples/easemob").path
    return try run([
      "pack", "--source", "easemob", example + "/export", "--media", example + "/media", "--people",
      example + "/people.csv", "-o", output,
    ])
  }
}

/// Runs a program to its end and collects its output.
@discardableResult
public func runProcess(
  _ executable: URL, _ arguments: [String], environment: [String: String] = [:], directory: String? = nil
) throws -> ProcessResult {
  let process = Process()
  process.executableURL = executable
  process.arguments = arguments
  var merged = ProcessInfo.processInfo.environment
  for (key, value) in environment { merged[key] = value }
  process.environment = merged
  if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
  let output = Pipe()
  let error = Pipe()
  process.standardOutput = output
  process.standardError = error
  try process.run()
  // Drain stderr on another thread while stdout is read here, so that a process writing
  // much to one pipe cannot block on it while the other is being waited for.
  let errorData = CollectedData()
  let group = DispatchGroup()
  DispatchQueue.global().async(group: group) { errorData.set(error.fileHandleForReading.readDataToEndOfFile()) }
  let outData = output.fileHandleForReading.readDataToEndOfFile()
  group.wait()
  let errData = errorData.value
  process.waitUntilExit()
  return ProcessResult(
    status: process.terminationStatus, standardOutput: String(decoding: outData, as: UTF8.self),
    standardError: String(decoding: errData, as: UTF8.self))
}

/// The repository's root, found from this file's location.
public func repositoryRoot(file: String = #filePath) -> URL {
  var url = URL(fileURLWithPath: file)
  while url.path != "/" {
    url.deleteLastPathComponent()
    if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
  }
  return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
}

/// `../shared/corpus` beside the repository, when this checkout has it.
public func sharedCorpus() -> URL? {
  let url = repositoryRoot().deletingLastPathComponent().appendingPathComponent("shared/corpus")
  return FileManager.default.fileExists(atPath: url.path) ? url : nil
}

/// Bytes one thread reads and another takes once it is done.
private final class CollectedData: Sendable {
  private let data = Monitor(Data())

  func set(_ value: Data) { data.withLock { $0 = value } }

  var value: Data { data.withLock { $0 } }
}
