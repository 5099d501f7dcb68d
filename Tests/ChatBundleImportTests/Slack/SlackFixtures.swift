import ArchiveIO
import ChatBundle
import ChatBundleImport
import ChatBundleTestSupport
import Foundation

/// Packing Slack exports in tests: a folder or zip made from (path, bytes) entries, packed
/// through `SlackImporter` and read back by the verifier.
enum SlackFixtures {
  struct Packed {
    var summary: PackSummary
    var messages: [ChatBundle.Message]
    var report: VerificationReport
    var people: [Identifier: String]
    var notes: [String]
    var output: String

    func message(_ id: String) -> ChatBundle.Message? { messages.first { $0.id.text == id } }
  }

  static var example: String { repositoryRoot().appendingPathComponent("examples/slack").path }

  /// Writes `entries` under `directory/name/` and returns the folder's path.
  static func folder(_ entries: [(String, String)], in directory: TemporaryDirectory, name: String = "export")
    throws -> String
  {
    for (path, text) in entries { try directory.write(name + "/" + path, text) }
    return directory.file(name)
  }

  /// Writes a zip holding `entries` in the order given, names exactly as given (so a test
  /// can write `../x` or `/x`), with `links` as symbolic-link entries. Python's zipfile,
  /// which the test machines have, writes it.
  static func zip(
    _ entries: [(String, [UInt8])], links: [(String, String)] = [], at path: String
  ) throws {
    let script = """
      import json, sys, zipfile
      spec = json.load(open(sys.argv[1]))
      with zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as z:
          for name, data in spec["entries"]:
              z.writestr(zipfile.ZipInfo(name, (2025, 3, 10, 0, 0, 0)), bytes(data))
          for name, target in spec["links"]:
              info = zipfile.ZipInfo(name, (2025, 3, 10, 0, 0, 0))
              info.external_attr = (0o120777 << 16)
              info.create_system = 3
              z.writestr(info, target)
      """
    let spec: [String: Any] = [
      "entries": entries.map { [$0.0, $0.1.map(Int.init)] as [Any] }, "links": links.map { [$0.0, $0.1] },
    ]
    let specPath = path + ".spec.json"
    try JSONSerialization.data(withJSONObject: spec).write(to: URL(fileURLWithPath: specPath))
    let result = try runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script, specPath, path])
    guard result.status == 0 else { throw FixtureError(message: "python3 zipfile failed: \(result.standardError)") }
    try FileManager.default.removeItem(atPath: specPath)
  }

  /// Every regular file under `folder`, as zip entries in path order.
  static func entries(ofFolder folder: String) throws -> [(String, [UInt8])] {
    let names = (FileManager.default.subpaths(atPath: folder) ?? []).sorted()
    return try names.compactMap { name in
      var isDirectory: ObjCBool = false
      FileManager.default.fileExists(atPath: folder + "/" + name, isDirectory: &isDirectory)
      return isDirectory.boolValue ? nil : (name, try readBytes(folder + "/" + name))
    }
  }

  struct FixtureError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
  }

  static func pack(
    _ inputs: [String], in directory: TemporaryDirectory, output name: String = "out.tar.gz",
    zipLimits: ZipArchiveReader.Limits = .init(), configure: (inout PackOptions) -> Void = { _ in }
  ) throws -> Packed {
    var options = PackOptions(platform: "slack", timeZone: "America/Los_Angeles")
    configure(&options)
    let output = directory.file(name)
    let builder = try BundleBuilder(options: options, outputPath: output)
    var notes: [String] = []
    let importer = SlackImporter(
      builder: builder, scratchDirectory: directory.path, zipLimits: zipLimits, onNote: { notes.append($0) })
    try importer.importExports(inputs)
    let summary = try withExtendedLifetime(importer) { try builder.finish(outputPath: output) }
    let (collector, report) = BundleCollector.read(output)
    return Packed(
      summary: summary, messages: collector.messages, report: report, people: collector.people, notes: notes,
      output: output)
  }

  /// The error a pack of `inputs` fails with, as text, or nil when it succeeds.
  static func packError(_ inputs: [String], in directory: TemporaryDirectory) -> String? {
    do {
      _ = try pack(inputs, in: directory)
      return nil
    } catch {
      return "\(error)"
    }
  }

  /// The records of every day file under `folder` (an export's folder), parsed as the
  /// importer parses them, by `<folder name>/<ts>`.
  static func dayFileRecords(_ folder: String) throws -> [(file: String, record: JSONValue)] {
    var records: [(String, JSONValue)] = []
    for name in (FileManager.default.subpaths(atPath: folder) ?? []).sorted() {
      let parts = name.split(separator: "/")
      guard parts.count == 2, parts[1].hasSuffix(".json"), parts[1].count == 15 else { continue }
      let value = try JSONParser.parse(try readBytes(folder + "/" + name), options: .lenient)
      for element in value.arrayValue ?? [] { records.append((name, element)) }
    }
    return records
  }
}
