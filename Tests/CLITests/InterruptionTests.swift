import ChatBundle
import ChatBundleTestSupport
import Foundation
import Testing

/// Commands killed at random moments while they write into an existing empty directory:
/// the directory is then empty or complete, never partial, and the scratch a killed run
/// leaves beside it is gone after the next run; SIGTERM and SIGINT remove it at once.
@Suite(.serialized) struct InterruptionTests {
  struct Command: Sendable {
    var name: String
    var arguments: @Sendable (String, String) -> [String]
  }

  static let commands = [
    Command(name: "extract") { bundle, output in ["extract", bundle, output] },
    Command(name: "render") { bundle, output in ["render", bundle, "-o", output] },
    Command(name: "csv") { bundle, output in ["export", "csv", bundle, "-o", output] },
  ]

  /// A bundle that takes the debug build about a second per command: sixty group chats
  /// over two months (dozens of CSV files, a few hundred in the site), hostile text, a few
  /// media files.
  static func makeBundle(at path: String) throws {
    let media = try TemporaryDirectory("interruption-media")
    let builder = try BundleBuilder(options: PackOptions(platform: "test", timeZone: "Asia/Shanghai"), outputPath: path)
    let input = builder.addInput(
      name: "generated.ndjson", size: 0, sha256: String(repeating: "0", count: 64), records: 0)
    var stored: [StoredMedia] = []
    for index in 0..<6 {
      let file = try media.write(
        "m\(index)", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: UInt8(index), count: 20_000))
      stored.append(try builder.storeMedia(localPath: file, name: "p\(index).png"))
    }
    var random = RandomMessages(seed: 2025)
    for index in 0..<2_400 {
      let group = Identifier("g\(index % 60)")
      let conversation = ConversationInfo(id: Identifier("group:" + group.text), kind: .group, sourceID: group)
      let body: MessageBody
      if index % 400 == 0 {
        let file = stored[(index / 400) % stored.count]
        body = .media(
          MediaContent(
            .image,
            reference: MediaReference(sha256: file.sha256, size: file.size, name: "p.png", mediaType: file.mediaType)))
      } else {
        body = .text(random.text(maximum: 30))
      }
      let message = Message.test(
        Identifier("m\(index)"), in: conversation.id, at: 1_700_000_000_000 + Int64(index) * 1_800_000,
        from: Identifier("u\(index % 9)"), body)
      try builder.add(message, conversation: conversation, input: input, line: Int64(index + 1))
    }
    _ = try builder.finish(outputPath: path)
  }

  /// Every file under `root` by relative path, with its SHA-256.
  static func snapshot(_ root: String) throws -> [String: String] {
    var files: [String: String] = [:]
    for case let relative as String in FileManager.default.enumerator(atPath: root)?.allObjects ?? [] {
      var isDirectory: ObjCBool = false
      let path = root + "/" + relative
      if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
        files[relative] = SHA256Digest.hex(of: try readBytes(path))
      }
    }
    return files
  }

  /// The scratch entries in `directory` (both forms), with the pid in each name.
  static func scratch(in directory: String) throws -> [(name: String, pid: Int32)] {
    try FileManager.default.contentsOfDirectory(atPath: directory).compactMap { name in
      if name.hasPrefix(".chatbundle-") {
        let parts = name.split(separator: "-")
        return (name, (parts.count == 4 ? Int32(parts[2]) : nil) ?? -1)
      }
      if name.hasPrefix("."), let marker = name.range(of: ".partial-", options: .backwards) {
        return (name, Int32(name[marker.upperBound...]) ?? -1)
      }
      return nil
    }
  }

  static func start(_ arguments: [String]) throws -> Process {
    let process = Process()
    process.executableURL = ChatBundleBinary.url
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    return process
  }

  static func resetEmpty(_ path: String) throws {
    try? FileManager.default.removeItem(atPath: path)
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
  }

  /// An uninterrupted run's files (relative path to SHA-256) and how long it took.
  typealias Reference = ([String: String], Double)

  /// The uninterrupted output of each command and how long it took.
  static func references(bundle: String, in directory: TemporaryDirectory) throws -> [String: Reference] {
    var result: [String: Reference] = [:]
    for command in commands {
      let output = directory.file("reference-" + command.name)
      try resetEmpty(output)
      let started = Date()
      let run = try ChatBundleBinary.run(command.arguments(bundle, output))
      #expect(run.status == 0, "\(command.name): \(run.standardError)")
      result[command.name] = (try snapshot(output), Date().timeIntervalSince(started))
    }
    return result
  }

  @Test func killedRunsLeaveTheDestinationEmptyOrCompleteAndTheNextRunSweepsTheirScratch() throws {
    let work = try TemporaryDirectory("interruption")
    let bundle = work.file("bundle.tar.gz")
    try Self.makeBundle(at: bundle)
    let reference = try Self.references(bundle: bundle, in: work)
    for (name, (files, _)) in reference { #expect(files.count > 10, "\(name)") }

    // The outputs live in a directory of their own, so that whatever scratch appears in it
    // is theirs.
    let parent = try TemporaryDirectory("interruption-out")
    var random = RandomMessages(seed: 9)
    var kills: [String: Int] = [:]
    var completed = 0
    var swept = 0
    let started = Date()
    var run = 0
    // Until at least 54 kills and 10 of each command: under load a command may finish before
    // its kill more often than the reference run predicts.
    func enoughKills() -> Bool {
      kills.values.reduce(0, +) >= 54 && Self.commands.allSatisfy { (kills[$0.name] ?? 0) >= 10 }
    }
    while !enoughKills() && run < 300 {
      let command = Self.commands[run % Self.commands.count]
      run += 1
      let output = parent.file(command.name)
      try Self.resetEmpty(output)
      let duration = reference[command.name]?.1 ?? 1
      let process = try Self.start(command.arguments(bundle, output))
      let begun = Date()
      if run % 3 == 0 {
        // Every third kill comes the moment anything appears in the destination: where a
        // commit that moved items one at a time would be caught halfway.
        while (try? FileManager.default.contentsOfDirectory(atPath: output).isEmpty) ?? true,
          process.isRunning, Date().timeIntervalSince(begun) < 3 * duration + 5
        {
          usleep(300)
        }
      } else {
        Thread.sleep(forTimeInterval: duration * Double(random.int(3...105)) / 100)
      }
      let delay = Date().timeIntervalSince(begun)
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
      let killed = process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL
      if killed {
        kills[command.name, default: 0] += 1
      } else {
        #expect(process.terminationStatus == 0, "\(command.name) failed uninterrupted")
        completed += 1
      }

      let files = try Self.snapshot(output)
      #expect(
        files.isEmpty || files == reference[command.name]?.0,
        "\(command.name) killed after \(delay) s left \(files.count) of \(reference[command.name]?.0.count ?? 0) files")
      let left = try Self.scratch(in: parent.path)
      #expect(left.allSatisfy { $0.pid > 0 }, "\(left.map(\.name))")
      // A run that made its own scratch, or finished, had first removed every dead run's.
      if !killed || left.contains(where: { $0.pid == process.processIdentifier }) {
        swept += 1
        #expect(
          left.allSatisfy { $0.pid == process.processIdentifier },
          "scratch of earlier runs survived run \(run): \(left.map(\.name))")
      }
    }
    let total = kills.values.reduce(0, +)
    #expect(total >= 50 && Self.commands.allSatisfy { (kills[$0.name] ?? 0) >= 10 }, "\(kills)")
    #expect(swept >= 10, "only \(swept) runs got as far as their scratch")

    // One more uninterrupted run of each: complete output, and nothing left beside it.
    for command in Self.commands {
      let output = parent.file(command.name)
      try Self.resetEmpty(output)
      #expect(try ChatBundleBinary.run(command.arguments(bundle, output)).status == 0)
      #expect(try Self.snapshot(output) == reference[command.name]?.0)
    }
    #expect(try Self.scratch(in: parent.path).isEmpty)
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: parent.path).sorted() == Self.commands.map(\.name).sorted())
    print(
      "interruption: \(total) kills \(kills), \(completed) runs finished first, \(swept) sweeps checked, "
        + "\(Int(Date().timeIntervalSince(started))) s")
  }

  @Test func sigtermAndSigintRemoveTheScratchAtOnceAndExitWith128PlusTheSignal() throws {
    let work = try TemporaryDirectory("interruption")
    let bundle = work.file("bundle.tar.gz")
    try Self.makeBundle(at: bundle)
    let reference = try Self.references(bundle: bundle, in: work)
    let parent = try TemporaryDirectory("interruption-out")
    var random = RandomMessages(seed: 11)
    var interrupted = 0
    let plan =
      Self.commands.flatMap { command in Array(repeating: (command, SIGTERM), count: 6) }
      + Array(repeating: (Self.commands[1], SIGINT), count: 6)
    for (command, signal) in plan {
      let output = parent.file(command.name)
      try Self.resetEmpty(output)
      let duration = reference[command.name]?.1 ?? 1
      let process = try Self.start(command.arguments(bundle, output))
      Thread.sleep(forTimeInterval: max(0.15, duration * Double(random.int(10...90)) / 100))
      kill(process.processIdentifier, signal)
      process.waitUntilExit()
      if process.terminationReason == .exit && process.terminationStatus == 128 + signal {
        interrupted += 1
      } else {
        #expect(
          process.terminationReason == .exit && process.terminationStatus == 0,
          "\(command.name) ended with \(process.terminationStatus) on signal \(signal)")
      }
      let files = try Self.snapshot(output)
      #expect(files.isEmpty || files == reference[command.name]?.0, "\(command.name): \(files.count) files")
      let left = try Self.scratch(in: parent.path)
      #expect(left.isEmpty, "\(command.name) on signal \(signal) left scratch: \(left.map(\.name))")
    }
    #expect(interrupted >= plan.count / 2, "only \(interrupted) of \(plan.count) runs were interrupted")
  }
}
