import ChatBundleTestSupport
import Foundation

/// The `openssl` command line, which plays the TSA and the second opinion in these tests.
enum OpenSSL {
  /// Whether `openssl` runs here; the tests that need it are skipped with a message when not.
  static let available: Bool =
    (try? runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["openssl", "version"]))?
    .status == 0

  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  /// Runs `openssl ARGUMENTS` in `directory`; a non-zero exit is thrown with its stderr.
  @discardableResult
  static func run(_ arguments: [String], in directory: String? = nil) throws -> ProcessResult {
    let result = try runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["openssl"] + arguments, directory: directory)
    guard result.status == 0 else {
      throw Failure(description: "openssl \(arguments.joined(separator: " ")): \(result.standardError)")
    }
    return result
  }

  /// `YYMMDDHHMMSSZ`, as `openssl ca -startdate/-enddate` take it.
  static func date(_ date: Date) -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
    let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
    let fields = [
      (parts.year ?? 2000) % 100, parts.month ?? 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0,
      parts.second ?? 0,
    ]
    return fields.map { String(format: "%02d", $0) }.joined() + "Z"
  }
}
