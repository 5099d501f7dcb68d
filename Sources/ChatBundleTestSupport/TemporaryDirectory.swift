import Foundation

/// A directory under the system's temporary folder, removed when the value is dropped.
/// Sendable as it is: its only state is a constant URL.
public final class TemporaryDirectory: Sendable {
  public let url: URL
  public var path: String { url.path }

  public init(_ label: String = "chatbundle-tests") throws {
    url = FileManager.default.temporaryDirectory
      .appendingPathComponent("\(label)-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(at: url) }

  public func file(_ name: String) -> String { url.appendingPathComponent(name).path }

  @discardableResult
  public func write(_ name: String, _ bytes: [UInt8]) throws -> String {
    let target = url.appendingPathComponent(name)
    try FileManager.default.createDirectory(
      at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(bytes).write(to: target)
    return target.path
  }

  @discardableResult
  public func write(_ name: String, _ text: String) throws -> String {
    try write(name, Array(text.utf8))
  }
}

public func readBytes(_ path: String) throws -> [UInt8] {
  Array(try Data(contentsOf: URL(fileURLWithPath: path)))
}
