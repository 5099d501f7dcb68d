import ArchiveIO
import ChatBundleTestSupport
import Foundation
import Testing

@Suite struct ZipArchiveWriterTests {
  func write(_ path: String, _ entries: [(String, [UInt8], ZipArchiveWriter.Compression)]) throws {
    let zip = try ZipArchiveWriter(path: path)
    for (name, bytes, compression) in entries {
      try zip.beginEntry(name: name, size: Int64(bytes.count), compression: compression)
      try zip.write(bytes)
    }
    try zip.finish()
  }

  @Test func entriesReadBackInOrderWithTheFixedDOSTime() throws {
    let directory = try TemporaryDirectory()
    let json = Array(String(repeating: "{\"a\":1}", count: 500).utf8)
    let media: [UInt8] = (0..<3000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
    let entries: [(String, [UInt8], ZipArchiveWriter.Compression)] = [
      ("rsmf_manifest.json", json, .deflate), ("b.png", media, .store), ("empty.txt", [], .deflate),
    ]
    try write(directory.file("a.zip"), entries)
    try write(directory.file("b.zip"), entries)
    let bytes = try readBytes(directory.file("a.zip"))
    #expect(bytes == (try readBytes(directory.file("b.zip"))))
    let reader = try ZipArchiveReader(path: directory.file("a.zip"))
    var read: [(String, [UInt8])] = []
    while let entry = try reader.nextEntry() {
      var data: [UInt8] = []
      try reader.readData { data.append(contentsOf: $0) }
      read.append((entry.name ?? "", data))
    }
    #expect(read.map(\.0) == entries.map(\.0))
    #expect(read.map(\.1) == entries.map(\.1))
    // Every local header and central directory record holds 1980-01-01 00:00, whatever the zone.
    var local = 0
    var central = 0
    for index in 0..<(bytes.count - 16) where bytes[index] == 0x50 && bytes[index + 1] == 0x4B {
      if bytes[index + 2] == 3 && bytes[index + 3] == 4 {
        local += 1
        #expect(Array(bytes[(index + 10)..<(index + 14)]) == [0, 0, 0x21, 0])
        // Stored or deflated as asked.
        #expect(bytes[index + 8] == (local == 2 ? 0 : 8))
      } else if bytes[index + 2] == 1 && bytes[index + 3] == 2 {
        central += 1
        #expect(Array(bytes[(index + 12)..<(index + 16)]) == [0, 0, 0x21, 0])
      }
    }
    #expect(local == 3 && central == 3)
    // Python's zipfile agrees, CRCs included.
    let check = try runProcess(
      URL(fileURLWithPath: "/usr/bin/env"),
      [
        "python3", "-c", "import zipfile,sys; z=zipfile.ZipFile(sys.argv[1]); print(z.testzip(), z.namelist())",
        directory.file("a.zip"),
      ])
    #expect(check.standardOutput.hasPrefix("None ['rsmf_manifest.json', 'b.png', 'empty.txt']"), "\(check)")
  }

  @Test func namesAndSizesAreChecked() throws {
    let directory = try TemporaryDirectory()
    let zip = try ZipArchiveWriter(path: directory.file("x.zip"))
    for name in ["", "a/b", "..", "with space", "名字"] {
      #expect(throws: ArchiveError.self) { try zip.beginEntry(name: name, size: 1, compression: .store) }
    }
    try zip.beginEntry(name: "a", size: 2, compression: .store)
    #expect(throws: ArchiveError.self) { try zip.write([1, 2, 3]) }
    try zip.write([1])
    #expect(throws: ArchiveError.self) { try zip.finish() }
    #expect(throws: ArchiveError.self) { try ZipArchiveWriter(path: directory.file("x.zip")) }
  }
}
