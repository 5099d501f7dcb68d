import ChatBundle
import ChatBundleTestSupport
import Foundation
import Testing

/// The built binary, run as a user runs it.
@Suite(.serialized) struct CLITests {
  let example = repositoryRoot().appendingPathComponent("examples/easemob").path

  func packExample(to output: String, environment: [String: String] = [:], reversed: Bool = false) throws
    -> ProcessResult
  {
    let export = example + "/export"
    let inputs = ["2025031009.gz", "2025031010.jsonl", "2025031011.json"].map { export + "/" + $0 }
    return try ChatBundleBinary.run(
      ["pack", "--source", "easemob"] + (reversed ? inputs.reversed() : inputs)
        + ["--media", example + "/media", "--people", example + "/people.csv", "-o", output],
      environment: environment)
  }

  @Test func everySubcommandHasHelpAndThereIsAVersion() throws {
    for command in [
      "pack", "verify", "inspect", "extract", "render", "export csv", "export easemob-import", "pull easemob",
      "push easemob-import",
    ] {
      let result = try ChatBundleBinary.run(command.split(separator: " ").map(String.init) + ["--help"])
      #expect(result.status == 0)
      #expect(result.standardOutput.contains("USAGE: chatbundle \(command)"), "\(result.standardOutput)")
    }
    let version = try ChatBundleBinary.run(["--version"])
    #expect(version.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == ChatBundleVersion.current)
  }

  @Test func packIsByteIdenticalWhateverTheTimeZoneLocaleAndInputOrder() throws {
    let directory = try TemporaryDirectory()
    let first = try packExample(to: directory.file("a.tar.gz"), environment: ["TZ": "UTC", "LANG": "C"])
    #expect(first.status == 0, "\(first.standardError)")
    let second = try packExample(
      to: directory.file("b.tar.gz"),
      environment: ["TZ": "America/Los_Angeles", "LANG": "zh_CN.UTF-8", "LC_ALL": "zh_CN.UTF-8"],
      reversed: true)
    #expect(second.status == 0, "\(second.standardError)")
    #expect(try readBytes(directory.file("a.tar.gz")) == readBytes(directory.file("b.tar.gz")))
    #expect(first.standardOutput.contains("messages       40") && first.standardOutput.contains("missing media  1"))
  }

  @Test func renderAndCSVAreByteIdenticalWhateverTheTimeZoneAndLocale() throws {
    let directory = try TemporaryDirectory()
    #expect(try packExample(to: directory.file("b.tar.gz")).status == 0)
    var trees: [[String: [UInt8]]] = []
    for (index, environment) in [
      ["TZ": "UTC", "LANG": "C"],
      ["TZ": "America/Los_Angeles", "LANG": "zh_CN.UTF-8", "LC_ALL": "zh_CN.UTF-8", "SOURCE_DATE_EPOCH": "1"],
    ].enumerated() {
      let site = directory.file("site\(index)")
      let csv = directory.file("csv\(index)")
      let render = try ChatBundleBinary.run(
        ["render", directory.file("b.tar.gz"), "-o", site], environment: environment)
      let export = try ChatBundleBinary.run(
        ["export", "csv", directory.file("b.tar.gz"), "-o", csv], environment: environment)
      #expect(render.status == 0 && export.status == 0, "\(render.standardError)\(export.standardError)")
      var tree: [String: [UInt8]] = [:]
      for root in [site, csv] {
        for case let relative as String in FileManager.default.enumerator(atPath: root)?.allObjects ?? [] {
          var isDirectory: ObjCBool = false
          let path = root + "/" + relative
          if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
            tree[(root == site ? "site/" : "csv/") + relative] = try readBytes(path)
          }
        }
      }
      trees.append(tree)
    }
    #expect(trees[0].count > 20)
    #expect(trees[0].keys.sorted() == trees[1].keys.sorted())
    for (name, bytes) in trees[0] { #expect(trees[1][name] == bytes, "\(name) differs") }
  }

  @Test func verifyExitCodes() throws {
    let directory = try TemporaryDirectory()
    #expect(try packExample(to: directory.file("ok.tar.gz")).status == 0)
    let valid = try ChatBundleBinary.run(["verify", directory.file("ok.tar.gz")])
    #expect(valid.status == 0 && valid.standardOutput.contains("VALID"))
    var bytes = try readBytes(directory.file("ok.tar.gz"))
    bytes[bytes.count / 2] ^= 0x10
    try directory.write("bad.tar.gz", bytes)
    let invalid = try ChatBundleBinary.run(["verify", directory.file("bad.tar.gz")])
    #expect(invalid.status == 1 && invalid.standardOutput.contains("INVALID"))
    #expect(try ChatBundleBinary.run(["verify", directory.file("absent.tar.gz")]).status == 2)
    #expect(try ChatBundleBinary.run(["verify"]).status == 2)
    #expect(try ChatBundleBinary.run(["verify", "--no-such-flag", directory.file("ok.tar.gz")]).status == 2)
  }

  @Test func verifyJSONAndExpectedID() throws {
    let directory = try TemporaryDirectory()
    #expect(try packExample(to: directory.file("ok.tar.gz")).status == 0)
    let json = try ChatBundleBinary.run(["verify", "--json", directory.file("ok.tar.gz")])
    let report = try #require(try JSONParser.parse(json.standardOutput.trimmingCharacters(in: .newlines)).objectValue)
    #expect(report["valid"] == .bool(true))
    let id = try #require(report["bundle_id"]?.stringValue)
    #expect(try ChatBundleBinary.run(["verify", "--expect-id", id, directory.file("ok.tar.gz")]).status == 0)
    let wrong = try ChatBundleBinary.run([
      "verify", "--expect-id", String(repeating: "0", count: 64), directory.file("ok.tar.gz"),
    ])
    #expect(wrong.status == 1 && wrong.standardOutput.contains("not the expected"))
  }

  @Test func aFailingPackLeavesAnExistingOutputUntouched() throws {
    let directory = try TemporaryDirectory()
    try directory.write("previous.tar.gz", "the previous bundle")
    try directory.write(
      "broken.jsonl",
      "{\"msg_id\":\"1\",\"timestamp\":1,\"payload\":{\"from\":\"a\",\"to\":\"b\",\"bodies\":[]}}\n{oops\n")
    let refused = try ChatBundleBinary.run([
      "pack", "--source", "easemob", directory.file("broken.jsonl"), "-o", directory.file("previous.tar.gz"),
    ])
    #expect(refused.status == 2 && refused.standardError.contains("--force"))
    let failed = try ChatBundleBinary.run([
      "pack", "--source", "easemob", directory.file("broken.jsonl"), "--force", "-o", directory.file("previous.tar.gz"),
    ])
    #expect(failed.status == 1)
    #expect(failed.standardError.contains("broken.jsonl:2:"), "\(failed.standardError)")
    #expect(try String(contentsOfFile: directory.file("previous.tar.gz"), encoding: .utf8) == "the previous bundle")
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == [
        "broken.jsonl", "previous.tar.gz",
      ])
  }

  @Test func inspectShowsNamesCountsAndMissingMedia() throws {
    let directory = try TemporaryDirectory()
    #expect(try packExample(to: directory.file("ok.tar.gz")).status == 0)
    let result = try ChatBundleBinary.run(["inspect", directory.file("ok.tar.gz")])
    #expect(result.status == 0)
    #expect(result.standardOutput.contains("三年级二班家长群  [group]"))
    #expect(result.standardOutput.contains("25 messages"))
    #expect(result.standardOutput.contains("missing media (1)") && result.standardOutput.contains("not_found"))
    let json = try ChatBundleBinary.run(["inspect", "--json", "--verify", directory.file("ok.tar.gz")])
    let object = try #require(try JSONParser.parse(json.standardOutput.trimmingCharacters(in: .newlines)).objectValue)
    #expect(object["totals"]?.objectValue?["messages"] == .number("40"))
    #expect(object["verification"]?.objectValue?["valid"] == .bool(true))
  }

  @Test func extractWritesOnlyAValidBundleAndOnlyUnderTheDirectory() throws {
    let directory = try TemporaryDirectory()
    #expect(try packExample(to: directory.file("ok.tar.gz")).status == 0)
    let result = try ChatBundleBinary.run(["extract", directory.file("ok.tar.gz"), directory.file("out")])
    #expect(result.status == 0, "\(result.standardError)")
    let manifest = try readBytes(directory.file("out/manifest.json"))
    #expect(result.standardOutput.contains(SHA256Digest.hex(of: manifest)))
    let files = FileManager.default.enumerator(atPath: directory.file("out"))?.allObjects.count ?? 0
    #expect(files > 10)
    var bytes = try readBytes(directory.file("ok.tar.gz"))
    bytes[bytes.count - 9] ^= 1
    try directory.write("bad.tar.gz", bytes)
    let refused = try ChatBundleBinary.run(["extract", directory.file("bad.tar.gz"), directory.file("bad")])
    #expect(refused.status == 1)
    #expect(!FileManager.default.fileExists(atPath: directory.file("bad")))
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == [
        "bad.tar.gz", "ok.tar.gz", "out",
      ])
  }

  @Test func anInterruptedPackLeavesNothingBehind() throws {
    let directory = try TemporaryDirectory()
    var lines = ""
    for index in 0..<150_000 {
      lines +=
        "{\"msg_id\":\"\(index)\",\"timestamp\":\(1_741_568_400_000 + index),\"chat_type\":\"groupchat\","
        + "\"payload\":{\"bodies\":[{\"type\":\"txt\",\"msg\":\"message number \(index)\"}],\"from\":\"u\(index % 7)\",\"to\":\"g\(index % 3)\"}}\n"
    }
    try directory.write("big.jsonl", lines)
    let process = Process()
    process.executableURL = ChatBundleBinary.url
    process.arguments = [
      "pack", "--source", "easemob", directory.file("big.jsonl"), "-o", directory.file("out.tar.gz"),
    ]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    Thread.sleep(forTimeInterval: 0.4)
    process.terminate()
    process.waitUntilExit()
    #expect(process.terminationStatus == 128 + SIGTERM, "the pack finished before it could be interrupted")
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["big.jsonl"])
  }

  @Test func hostileNamesCannotSteerTheTerminal() throws {
    let directory = try TemporaryDirectory()
    let escape = "\u{1B}]0;owned\u{7}\u{1B}[31m"
    try directory.write(
      "h.jsonl",
      "{\"msg_id\":\"1\",\"timestamp\":1741568400000,\"chat_type\":\"groupchat\",\"payload\":{\"bodies\":[{\"type\":\"file\",\"filename\":\"\\u001b[2Jx.pdf\",\"url\":\"https://h/chatfiles/f\"}],\"from\":\"a\",\"to\":\"g\"}}\n"
    )
    try directory.write("people.csv", "id,name\ng,group \(escape)\u{202E}name\n")
    let pack = try ChatBundleBinary.run([
      "pack", "--source", "easemob", directory.file("h.jsonl"), "--people", directory.file("people.csv"), "-o",
      directory.file("h.tar.gz"),
    ])
    #expect(pack.status == 0, "\(pack.standardError)")
    let inspect = try ChatBundleBinary.run(["inspect", directory.file("h.tar.gz")])
    #expect(inspect.status == 0)
    #expect(!inspect.standardOutput.contains("\u{1B}") && !inspect.standardOutput.contains("\u{202E}"))
    #expect(inspect.standardOutput.contains("group \\u{1b}]0;owned"), "\(inspect.standardOutput)")
    var tar = RawTar()
    tar.add("chatbundle/\u{1B}[2J.txt", [1])
    tar.end()
    try directory.write("evil.tar.gz", tar.gzipped())
    let verify = try ChatBundleBinary.run(["verify", directory.file("evil.tar.gz")])
    #expect(verify.status == 1 && !verify.standardOutput.contains("\u{1B}"), "\(verify.standardOutput)")
  }
}
