import ChatBundle
import ChatBundleTestSupport
import Foundation
import Testing

/// pack checks what its paths are before it trusts them: a FIFO among the inputs, an
/// output that is an input, a --force over something that is not a regular file.
@Suite(.serialized) struct PackPathTests {
  static let record =
    "{\"msg_id\":\"1\",\"timestamp\":1741568400000,\"chat_type\":\"groupchat\","
    + "\"payload\":{\"bodies\":[{\"type\":\"txt\",\"msg\":\"hi\"}],\"from\":\"a\",\"to\":\"g\"}}\n"

  /// Runs pack, killing it after ten seconds so that a hang fails the test instead of
  /// stopping the suite; returns the result and how long it ran.
  func pack(_ arguments: [String]) throws -> (status: Int32, error: String, seconds: Double) {
    let process = Process()
    process.executableURL = ChatBundleBinary.url
    process.arguments = ["pack", "--source", "easemob"] + arguments
    let errors = Pipe()
    process.standardOutput = FileHandle.nullDevice
    process.standardError = errors
    let started = Date()
    try process.run()
    let deadline = started.addingTimeInterval(10)
    while process.isRunning && Date() < deadline { usleep(2_000) }
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
    let seconds = Date().timeIntervalSince(started)
    let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    return (process.terminationReason == .exit ? process.terminationStatus : -1, text, seconds)
  }

  func isFIFO(_ path: String) -> Bool {
    var info = stat()
    return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFIFO
  }

  @Test func aFIFOInputIsRefusedWithinASecondAsAFileAndInsideADirectory() throws {
    let directory = try TemporaryDirectory()
    try directory.write("export/a.jsonl", Self.record)
    #expect(mkfifo(directory.file("export/b.jsonl"), 0o600) == 0)
    #expect(mkfifo(directory.file("pipe.jsonl"), 0o600) == 0)
    for input in [directory.file("pipe.jsonl"), directory.file("export")] {
      let result = try pack([input, "-o", directory.file("out.tar.gz")])
      #expect(result.status == 1, "\(result.error)")
      #expect(result.seconds < 1, "took \(result.seconds) s")
      #expect(result.error.contains("FIFO"), "\(result.error)")
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["export", "pipe.jsonl"])
    // A FIFO whose name is not an export file's is passed over, as any other such file.
    try FileManager.default.removeItem(atPath: directory.file("export/b.jsonl"))
    #expect(mkfifo(directory.file("export/notes.fifo"), 0o600) == 0)
    let passed = try pack([directory.file("export"), "-o", directory.file("out.tar.gz")])
    #expect(passed.status == 0 && passed.error.contains("skipped"), "\(passed.error)")
  }

  @Test func theOutputMayNotBeAnInputNorWhereTheNextRunWouldReadIt() throws {
    let directory = try TemporaryDirectory()
    try directory.write("export/a.jsonl", Self.record)
    let before = try readBytes(directory.file("export/a.jsonl"))
    let same = try pack([directory.file("export"), "--force", "-o", directory.file("export/a.jsonl")])
    #expect(same.status == 2 && same.error.contains("is the input"), "\(same.error)")
    #expect(try readBytes(directory.file("export/a.jsonl")) == before)
    // Through another path to the same file (a hard link), too.
    #expect(link(directory.file("export/a.jsonl"), directory.file("alias.jsonl")) == 0)
    let alias = try pack([directory.file("export/a.jsonl"), "--force", "-o", directory.file("alias.jsonl")])
    #expect(alias.status == 2, "\(alias.error)")
    #expect(try readBytes(directory.file("export/a.jsonl")) == before)

    let inside = try pack([directory.file("export"), "-o", directory.file("export/bundle.gz")])
    #expect(inside.status == 2 && inside.error.contains("inside the input directory"), "\(inside.error)")
    // A .tar.gz there is allowed: the walk never reads one back.
    #expect(try pack([directory.file("export"), "-o", directory.file("export/first.tar.gz")]).status == 0)
    #expect(try pack([directory.file("export"), "-o", directory.file("second.tar.gz")]).status == 0)
    #expect(try readBytes(directory.file("export/first.tar.gz")) == readBytes(directory.file("second.tar.gz")))
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: directory.file("export")).sorted() == [
        "a.jsonl", "first.tar.gz",
      ])
  }

  @Test func forceReplacesARegularFileOnly() throws {
    let directory = try TemporaryDirectory()
    try directory.write("a.jsonl", Self.record)
    #expect(mkfifo(directory.file("pipe"), 0o600) == 0)
    try directory.write("folder/keep.txt", "keep me")
    for target in ["pipe", "folder"] {
      let result = try pack([directory.file("a.jsonl"), "--force", "-o", directory.file(target)])
      #expect(result.status == 2, "\(target): \(result.error)")
      #expect(result.seconds < 1, "took \(result.seconds) s")
    }
    #expect(isFIFO(directory.file("pipe")))
    #expect(try String(contentsOfFile: directory.file("folder/keep.txt"), encoding: .utf8) == "keep me")
    try directory.write("old.tar.gz", "an earlier bundle")
    #expect(try pack([directory.file("a.jsonl"), "--force", "-o", directory.file("old.tar.gz")]).status == 0)
    #expect(try ChatBundleBinary.run(["verify", directory.file("old.tar.gz")]).status == 0)
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == [
        "a.jsonl", "folder", "old.tar.gz", "pipe",
      ])
  }

  /// A record whose message line would pass the readers' 16 MiB line limit (the text and
  /// the source record each hold 9 MiB) is refused at pack time, not by verify afterwards.
  @Test func aRecordOverTheLineLimitIsRefusedWithItsFileAndLine() throws {
    let directory = try TemporaryDirectory()
    let text = String(repeating: "x", count: 9 << 20)
    let big =
      "{\"msg_id\":\"2\",\"timestamp\":1741568400001,\"chat_type\":\"groupchat\","
      + "\"payload\":{\"bodies\":[{\"type\":\"txt\",\"msg\":\"\(text)\"}],\"from\":\"a\",\"to\":\"g\"}}\n"
    try directory.write("h.jsonl", Self.record + big)
    let result = try pack([directory.file("h.jsonl"), "-o", directory.file("h.tar.gz")])
    #expect(result.status == 1)
    #expect(result.error.contains("h.jsonl:2:") && result.error.contains("limit"), "\(result.error)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["h.jsonl"])
  }
}
