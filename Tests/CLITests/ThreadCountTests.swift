import ChatBundle
import ChatBundleTestSupport
import Foundation
import Testing

/// `--threads` changes the time a command takes, never what it writes or reports: records
/// are parsed in batches on other threads, and everything that depends on their order
/// happens after, in order.
@Suite(.serialized) struct ThreadCountTests {
  /// An Easemob history of `count` records in one NDJSON file: enough for many parsing
  /// batches (512 records or 1 MiB each) and sorted-line batches (1,024).
  func history(_ count: Int, in directory: TemporaryDirectory, edit: (Int, inout String) -> Void = { _, _ in })
    throws -> String
  {
    var random = RandomMessages(seed: 11)
    var text = ""
    for index in 0..<count {
      let group = 250_000_000_000_000 + random.int(0...5)
      let sender = "u\(random.int(0...40))"
      // Hostile text (quotes, controls, U+2028, markup), written as a JSON string.
      let words = String(decoding: JSONWriter.serialize(.string(random.text(maximum: 40))), as: UTF8.self)
      let timestamp = 1_741_500_000_000 + Int64(random.int(0...90_000_000))
      var line =
        #"{"msg_id":"\#(1_000_000_000 + index)","timestamp":\#(timestamp),"direction":"outgoing","to":"\#(group)","#
        + #""from":"\#(sender)","chat_type":"groupchat","payload":{"bodies":[{"msg":\#(words),"type":"txt"}],"#
        + #""ext":{},"from":"\#(sender)","to":"\#(group)"}}"#
      edit(index, &line)
      text += line + "\n"
    }
    let path = directory.file("history.jsonl")
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    return path
  }

  func pack(_ input: String, to output: String, threads: Int, extra: [String] = []) throws -> ProcessResult {
    try ChatBundleBinary.run(
      ["pack", "--quiet", "--source", "easemob", input, "-o", output, "--threads", String(threads)] + extra)
  }

  @Test func packVerifyAndRenderGiveTheSameBytesOnOneTwoAndSevenThreads() throws {
    let directory = try TemporaryDirectory("threads")
    let input = try history(6_000, in: directory)
    var bundles: [[UInt8]] = []
    for threads in [1, 2, 7] {
      let output = directory.file("t\(threads).tar.gz")
      let result = try pack(input, to: output, threads: threads)
      try #require(result.status == 0, "\(result.standardError)")
      bundles.append(try readBytes(output))
    }
    #expect(bundles[0].count > 100_000)
    #expect(bundles[1] == bundles[0] && bundles[2] == bundles[0])

    var reports: [String] = []
    for threads in [1, 3] {
      let verify = try ChatBundleBinary.run(
        ["verify", "--json", "--threads", String(threads), directory.file("t1.tar.gz")])
      #expect(verify.status == 0, "\(verify.standardError)")
      reports.append(verify.standardOutput)
    }
    #expect(reports[0].contains("\"valid\": true") || reports[0].contains("\"valid\":true"))
    #expect(reports[0] == reports[1])

    var sites: [[String: [UInt8]]] = []
    for threads in [1, 3] {
      let site = directory.file("site\(threads)")
      let render = try ChatBundleBinary.run(
        ["render", "--threads", String(threads), directory.file("t1.tar.gz"), "-o", site])
      #expect(render.status == 0, "\(render.standardError)")
      var tree: [String: [UInt8]] = [:]
      for case let relative as String in FileManager.default.enumerator(atPath: site)?.allObjects ?? [] {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: site + "/" + relative, isDirectory: &isDirectory),
          !isDirectory.boolValue
        {
          tree[relative] = try readBytes(site + "/" + relative)
        }
      }
      sites.append(tree)
    }
    #expect(sites[0].count > 10)
    #expect(sites[0] == sites[1])
  }

  @Test func skippedRecordsAreListedInTheirOrderOnAnyNumberOfThreads() throws {
    let directory = try TemporaryDirectory("threads-skip")
    // Every 97th record has no sender, every 331st is not JSON: spread over many batches.
    let input = try history(3_000, in: directory) { index, line in
      if index % 331 == 5 {
        line = "{not json"
      } else if index % 97 == 3 {
        line = line.replacingOccurrences(of: #""from":"#, with: #""sender_was":"#)
      }
    }
    var manifests: [String] = []
    for threads in [1, 4] {
      let output = directory.file("s\(threads).tar.gz")
      let result = try pack(input, to: output, threads: threads, extra: ["--skip-invalid"])
      try #require(result.status == 0, "\(result.standardError)")
      let inspect = try ChatBundleBinary.run(["inspect", "--json", output])
      #expect(inspect.status == 0, "\(inspect.standardError)")
      manifests.append(inspect.standardOutput)
    }
    #expect(manifests[0] == manifests[1])
    #expect(manifests[0].contains("\"line\": 4") || manifests[0].contains("\"line\":4"))
  }

  @Test func theFirstBadRecordIsTheOneReportedWhenAFileAlsoEndsEarly() throws {
    let directory = try TemporaryDirectory("threads-first")
    // Record 3 (line 4) has no sender; the gzip file is cut off far after it.
    let plain = try history(4_000, in: directory) { index, line in
      if index == 3 { line = line.replacingOccurrences(of: #""from":"#, with: #""sender_was":"#) }
    }
    let gzipped = directory.file("2025031000.gz")
    let gzip = try runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["sh", "-c", "gzip -c '\(plain)' > '\(gzipped)'"])
    try #require(gzip.status == 0)
    let whole = try readBytes(gzipped)
    try Data(whole[0..<(whole.count * 3 / 4)]).write(to: URL(fileURLWithPath: gzipped))
    for threads in [1, 3] {
      let result = try pack(gzipped, to: directory.file("f\(threads).tar.gz"), threads: threads)
      #expect(result.status != 0)
      #expect(result.standardError.contains("2025031000.gz:4: payload.from"), "\(result.standardError)")
      #expect(!result.standardError.contains("truncated"), "\(result.standardError)")
      #expect(!FileManager.default.fileExists(atPath: directory.file("f\(threads).tar.gz")))
    }
  }
}
