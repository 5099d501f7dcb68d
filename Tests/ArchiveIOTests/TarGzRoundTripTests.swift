import ArchiveIO
import ChatBundleTestSupport
import Foundation
import Testing

@Suite struct TarGzRoundTripTests {
  func writeSample(_ path: String, level: Int = 6) throws {
    let writer = try TarGzWriter(path: path)
    try writer.beginEntry(path: "root/a.txt", size: 5, modificationTime: 1_700_000_000)
    try writer.write(Array("hello".utf8))
    let big = [UInt8]((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
    try writer.beginEntry(
      path: "root/media/b.bin", size: Int64(big.count), modificationTime: 1_700_000_000,
      compressionLevel: level)
    try writer.write(big)
    try writer.beginEntry(path: "root/empty", size: 0, modificationTime: 1_700_000_000)
    try writer.finish()
  }

  func readAll(_ path: String) throws -> [(TarEntryHeader, [UInt8])] {
    let reader = try TarGzReader(path: path)
    var result: [(TarEntryHeader, [UInt8])] = []
    while let header = try reader.nextEntry() {
      var bytes: [UInt8] = []
      try reader.readData { bytes.append(contentsOf: $0) }
      result.append((header, bytes))
    }
    return result
  }

  @Test func entriesComeBackInOrderWithTheirBytes() throws {
    let dir = try TemporaryDirectory()
    try writeSample(dir.file("x.tar.gz"), level: 1)
    let entries = try readAll(dir.file("x.tar.gz"))
    #expect(entries.map { $0.0.path } == ["root/a.txt", "root/media/b.bin", "root/empty"])
    #expect(entries[0].1 == Array("hello".utf8))
    #expect(entries[1].1.count == 300_000)
    #expect(entries[1].1[299_999] == UInt8(truncatingIfNeeded: 299_999 &* 7))
    #expect(entries.allSatisfy { $0.0.type == .regular && $0.0.uid == 0 && !$0.0.isSparse })
    #expect(entries[0].0.mode & 0o7777 == 0o644)
  }

  @Test func outputIsByteIdenticalAcrossRuns() throws {
    let dir = try TemporaryDirectory()
    try writeSample(dir.file("1.tar.gz"))
    try writeSample(dir.file("2.tar.gz"))
    #expect(try readBytes(dir.file("1.tar.gz")) == readBytes(dir.file("2.tar.gz")))
    // No gzip time stamp (bytes 4..<8), and OS byte 3 whatever the platform (byte 9).
    #expect(try Array(readBytes(dir.file("1.tar.gz"))[4..<8]) == [0, 0, 0, 0])
    #expect(try readBytes(dir.file("1.tar.gz"))[9] == 3)
  }

  @Test func gnuTarReadsTheArchive() throws {
    let dir = try TemporaryDirectory()
    try writeSample(dir.file("x.tar.gz"))
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["tar", "-tzf", dir.file("x.tar.gz")]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    #expect(String(decoding: output, as: UTF8.self) == "root/a.txt\nroot/media/b.bin\nroot/empty\n")
  }

  @Test func writerRefusesAnExistingPathAndShortEntries() throws {
    let dir = try TemporaryDirectory()
    try dir.write("exists", "x")
    #expect(throws: ArchiveError.self) { try TarGzWriter(path: dir.file("exists")) }
    let unicode = try TarGzWriter(path: dir.file("unicode.tar.gz"))
    #expect(throws: ArchiveError.self) {
      try unicode.beginEntry(path: "媒体", size: 0, modificationTime: 0)
    }
    let writer = try TarGzWriter(path: dir.file("short.tar.gz"))
    try writer.beginEntry(path: "a", size: 10, modificationTime: 0)
    try writer.write(Array("abc".utf8))
    #expect(throws: ArchiveError.self) { try writer.finish() }
    #expect(throws: ArchiveError.self) { try writer.write(Array("12345678".utf8)) }
  }
}
