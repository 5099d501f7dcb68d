import ChatBundleTestSupport
import Testing

@testable import ArchiveIO

@Suite struct SystemCallTests {
  @Test func aFailedOpenKeepsTheErrnoTheCallAndThePath() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("absent/file")
    do {
      _ = try OpenFile(path, .readOnly)
      Issue.record("opened a file that does not exist")
    } catch {
      #expect(error.isNotFound)
      #expect(error.operation == "open")
      #expect(error.path == path)
      #expect(error.message == "No such file or directory")
      #expect(error.description == "open '\(path)': No such file or directory")
    }
  }

  @Test func anExclusiveCreateRefusesWhatExists() throws {
    let directory = try TemporaryDirectory()
    let path = try directory.write("taken", "x")
    #expect(throws: SystemCallError.self) {
      try OpenFile(path, .writeOnly, options: [.create, .exclusiveCreate])
    }
    do {
      _ = try OpenFile(path, .writeOnly, options: [.create, .exclusiveCreate])
    } catch {
      #expect(error.isAlreadyExisting)
    }
  }

  @Test func writeAllThenReadAndPreadGiveTheSameBytes() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("data")
    let bytes = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
    let file = try OpenFile(path, .writeOnly, options: [.create, .exclusiveCreate])
    try file.writeAll(bytes)
    try file.sync()
    try file.close()
    let status = try FileStatus(path: path, followingLinks: false)
    #expect(status.kind == .regular)
    #expect(status.size == Int64(bytes.count))
    #expect(status.permissions == 0o600)
    let reader = try OpenFile(path, .readOnly)
    #expect(try reader.read(count: 1000, at: 5000) == Array(bytes[5000..<6000]))
    #expect(try reader.read(count: 10, at: Int64(bytes.count) - 4) == Array(bytes.suffix(4)))
    var buffer = [UInt8](repeating: 0, count: 16)
    #expect(try reader.read(into: &buffer) == 16)
    #expect(buffer == Array(bytes.prefix(16)))
  }

  @Test func pathCallsReportWhatTheyMeet() throws {
    let directory = try TemporaryDirectory()
    let made = directory.file("made")
    try FileSystem.makeDirectory(made, permissions: 0o700)
    #expect(FileStatus.of(made, followingLinks: false)?.kind == .directory)
    #expect(FileStatus.of(made, followingLinks: false)?.permissions == 0o700)
    do {
      try FileSystem.makeDirectory(made)
      Issue.record("made a directory twice")
    } catch {
      #expect(error.isAlreadyExisting)
      #expect(error.operation == "mkdir")
    }
    try directory.write("made/inside", "x")
    do {
      try FileSystem.removeDirectory(made)
      Issue.record("removed a directory with a file in it")
    } catch {
      #expect(error.isDirectoryNotEmpty)
    }
    try FileSystem.rename(made + "/inside", to: directory.file("moved"))
    try FileSystem.removeFile(directory.file("moved"))
    try FileSystem.removeDirectory(made)
    #expect(FileStatus.of(made, followingLinks: false) == nil)
    let prefix = directory.file(".scratch-")
    let unique = try FileSystem.makeUniqueDirectory(prefix: prefix)
    #expect(unique.hasPrefix(prefix) && unique.utf8.count == prefix.utf8.count + 6)
    #expect(FileSystem.canonicalPath(unique + "/.") == FileSystem.canonicalPath(unique))
  }

  @Test func processLiveness() {
    #expect(CurrentProcess.isAlive(CurrentProcess.id))
    // Above the kernel's pid limit (4194304 at most on Linux): never a live process.
    #expect(!CurrentProcess.isAlive(99_999_999))
  }

  @Test func byteScanFindsAndComparesLikeTheCLibrary() {
    let bytes: [UInt8] = Array("abc\ndef\n".utf8)
    bytes.withUnsafeBytes { raw in
      #expect(ByteScan.firstIndex(of: 0x0A, in: raw) == 3)
      #expect(ByteScan.firstIndex(of: 0x0A, in: raw, from: 4) == 7)
      #expect(ByteScan.firstIndex(of: 0x0A, in: raw, from: 8) == nil)
      #expect(ByteScan.firstIndex(of: 0x7A, in: raw) == nil)
      if let base = raw.baseAddress {
        #expect(ByteScan.compare(base, base + 4, count: 3) < 0)
        #expect(ByteScan.compare(base, base, count: 3) == 0)
        #expect(ByteScan.compare(base, base + 4, count: 0) == 0)
      }
    }
  }
}
