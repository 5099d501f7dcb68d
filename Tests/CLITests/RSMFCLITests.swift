import ChatBundle
import ChatBundleTestSupport
import Foundation
import Testing

/// `chatbundle export rsmf` run as a user runs it, on every example and on the shared
/// corpus: each file passes the structural check and RSMF's JSON Schema.
@Suite(.serialized) struct RSMFCLITests {
  static let root = repositoryRoot().path
  /// How each example is packed (as `make demo` packs it).
  static let examples: [(String, [String])] = [
    (
      "easemob",
      [
        "--source", "easemob", root + "/examples/easemob/export", "--media", root + "/examples/easemob/media",
        "--people", root + "/examples/easemob/people.csv",
      ]
    ),
    (
      "wecom",
      [
        "--source", "wecom", root + "/examples/wecom/messages.jsonl", "--media", root + "/examples/wecom/media",
        "--people", root + "/examples/wecom/people.csv",
      ]
    ),
    (
      "webhooks",
      [
        "--source", "easemob", root + "/examples/easemob-webhooks/webhooks.jsonl", "--people",
        root + "/examples/easemob-webhooks/people.csv",
      ]
    ),
    ("slack", ["--source", "slack", root + "/examples/slack"]),
    ("telegram", ["--source", "telegram", root + "/examples/telegram/DataExport_2025-03-10"]),
    ("discord", ["--source", "discord", root + "/examples/discord"]),
  ]

  func packAndExport(
    _ arguments: [String], label: String, shownAs shown: String? = nil, in directory: TemporaryDirectory
  ) throws {
    let what = shown ?? label
    let pack = try ChatBundleBinary.run(["pack", "--quiet"] + arguments + ["-o", directory.file(label + ".tar.gz")])
    #expect(pack.status == 0, "\(what): \(pack.standardError)")
    let export = try ChatBundleBinary.run([
      "export", "rsmf", directory.file(label + ".tar.gz"), "-o", directory.file(label),
    ])
    #expect(export.status == 0, "\(what): \(export.standardError)")
    #expect(export.standardOutput.contains("(verified)"), "\(what): \(export.standardOutput)")
    let (_, problems, schemaChecked) = try RSMFInspection.check(directory: directory.file(label))
    #expect(problems == [], "\(what)")
    if !schemaChecked {
      print("\(what): RSMF schema check skipped (needs ../shared/reference/rsmf and python3 jsonschema)")
    }
  }

  @Test func everyExampleExportsToValidRSMF() throws {
    let directory = try TemporaryDirectory()
    for (label, arguments) in Self.examples {
      try packAndExport(arguments, label: label, in: directory)
    }
  }

  @Test func theSharedCorpusExportsToValidRSMF() throws {
    guard let corpus = sharedCorpus()?.path else {
      print("skipped: ../shared/corpus is not in this checkout, so its samples were not exported to RSMF")
      return
    }
    var inputs: [(String, [String])] = [
      ("easemob", ["--source", "easemob", corpus + "/easemob/derived/2018112717_assembled_from_doc_snippets.jsonl"])
    ]
    for name in ["hfaran_slack-export-viewer_testarchive.zip", "rusq_slackdump_source_export.zip"] {
      inputs.append(("slack-" + name, ["--source", "slack", corpus + "/slack/" + name]))
    }
    for folder in ["telegram", "wecom", "discord/chat-analytics", "discord/dcef_example_guild"] {
      let source = String(folder.prefix { $0 != "/" })
      let names = try FileManager.default.contentsOfDirectory(atPath: corpus + "/" + folder)
        .filter { $0.hasSuffix(".json") }.sorted()
      #expect(!names.isEmpty, "\(folder)")
      for name in names {
        inputs.append((source + "-" + name, ["--source", source, corpus + "/" + folder + "/" + name]))
      }
    }
    let directory = try TemporaryDirectory()
    for (index, (label, arguments)) in inputs.enumerated() {
      try packAndExport(arguments, label: "c\(index)", shownAs: label, in: directory)
    }
  }

  @Test func theSameBundleGivesTheSameBytesInAnyTimeZoneAndLocale() throws {
    let directory = try TemporaryDirectory()
    let (_, arguments) = Self.examples[0]
    #expect(
      try ChatBundleBinary.run(["pack", "--quiet"] + arguments + ["-o", directory.file("b.tar.gz")]).status == 0)
    let runs = [
      ["TZ": "UTC", "LANG": "C"], ["TZ": "Pacific/Chatham", "LANG": "zh_CN.UTF-8", "LC_ALL": "zh_CN.UTF-8"],
    ]
    for (index, environment) in runs.enumerated() {
      let result = try ChatBundleBinary.run(
        ["export", "rsmf", directory.file("b.tar.gz"), "-o", directory.file("r\(index)")], environment: environment)
      #expect(result.status == 0, "\(result.standardError)")
    }
    let names = try FileManager.default.contentsOfDirectory(atPath: directory.file("r0")).sorted()
    #expect(names.count == 4)
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.file("r1")).sorted() == names)
    for name in names {
      #expect(try readBytes(directory.file("r0/" + name)) == readBytes(directory.file("r1/" + name)), "\(name)")
    }
  }

  @Test func anInvalidBundleIsRefusedWithNothingWritten() throws {
    let directory = try TemporaryDirectory()
    let (_, arguments) = Self.examples[0]
    #expect(
      try ChatBundleBinary.run(["pack", "--quiet"] + arguments + ["-o", directory.file("b.tar.gz")]).status == 0)
    var bytes = try readBytes(directory.file("b.tar.gz"))
    bytes[bytes.count / 2] ^= 0x10
    try directory.write("bad.tar.gz", bytes)
    let result = try ChatBundleBinary.run(["export", "rsmf", directory.file("bad.tar.gz"), "-o", directory.file("r")])
    #expect(result.status == 1)
    #expect(result.standardError.contains("INVALID"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["b.tar.gz", "bad.tar.gz"])
    let usage = try ChatBundleBinary.run([
      "export", "rsmf", directory.file("b.tar.gz"), "-o", directory.file("r"), "--slice", "6h",
    ])
    #expect(usage.status != 0 && usage.status != 1)
  }
}
