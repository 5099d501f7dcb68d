import ArchiveIO
import ChatBundleTestSupport
import Testing

@Suite struct HostileArchiveTests {
  func failureKind(_ bytes: [UInt8]) throws -> ArchiveError.Kind? {
    let dir = try TemporaryDirectory()
    let path = try dir.write("b.tar.gz", bytes)
    do {
      let reader = try TarGzReader(path: path)
      while try reader.nextEntry() != nil { try reader.skipData() }
      return nil
    } catch let error as ArchiveError {
      return error.kind
    }
  }

  func sample() -> RawTar {
    var tar = RawTar()
    tar.add("root/a.txt", Array("hello".utf8))
    tar.add("root/b.txt", [UInt8](repeating: 65, count: 2000))
    tar.end()
    return tar
  }

  @Test func aCleanArchiveReads() throws {
    #expect(try failureKind(sample().gzipped()) == nil)
  }

  @Test func plainTarIsNotGzip() throws {
    #expect(try failureKind(sample().bytes) == .notGzip)
    #expect(try failureKind([]) == .notGzip)
  }

  @Test func truncationAtAnyPointIsCaught() throws {
    let full = try sample().gzipped()
    for cut in [1, 2, 10, full.count / 2, full.count - 8, full.count - 1] {
      let kind = try failureKind(Array(full[..<cut]))
      #expect(kind == .truncated || kind == .notGzip, "cut at \(cut): \(String(describing: kind))")
    }
  }

  @Test func crcAndLengthTrailerAreChecked() throws {
    var bytes = try sample().gzipped()
    bytes[bytes.count - 6] ^= 0xff  // inside the CRC-32
    #expect(try failureKind(bytes) == .corruptCompression)
    var length = try sample().gzipped()
    length[length.count - 2] ^= 0x01  // inside ISIZE
    #expect(try failureKind(length) == .corruptCompression)
  }

  @Test func bytesAfterTheLastMemberAreRejected() throws {
    #expect(try failureKind(sample().gzipped() + Array("junk".utf8)) == .trailingData)
    #expect(try failureKind(sample().gzipped() + [0]) == .trailingData)
  }

  @Test func aSecondGzipMemberOfZerosIsAccepted() throws {
    let padding = try GzipDeflater.compress([UInt8](repeating: 0, count: 4096))
    #expect(try failureKind(sample().gzipped() + padding) == nil)
  }

  @Test func dataAfterTheEndMarkerIsRejected() throws {
    var tar = sample()
    tar.add("root/hidden.txt", Array("secret".utf8))
    tar.end()
    #expect(try failureKind(tar.gzipped()) == .dataAfterEnd)
  }

  @Test func gzipInsideGzipIsNotTar() throws {
    #expect(try failureKind(GzipDeflater.compress(sample().gzipped())) == .notTar)
    #expect(try failureKind(GzipDeflater.compress(Array("PK\u{3}\u{4}zipzipzip".utf8))) == .notTar)
  }

  @Test func aBadHeaderChecksumIsMalformed() throws {
    var tar = RawTar()
    tar.add("root/a.txt", Array("hello".utf8))
    tar.add("root/b.txt", Array("x".utf8), corruptChecksum: true)
    tar.end()
    let kind = try failureKind(tar.gzipped())
    #expect(kind == .malformedTar || kind == .notTar)
  }

  @Test func linkAndDeviceTypesAreReported() throws {
    var tar = RawTar()
    tar.add("root/link", type: UInt8(ascii: "2"), linkName: "/etc/passwd")
    tar.add("root/hard", type: UInt8(ascii: "1"), linkName: "root/link")
    tar.add("root/dev", type: UInt8(ascii: "3"))
    tar.add("root/dir/", type: UInt8(ascii: "5"))
    tar.add("root/fifo", type: UInt8(ascii: "6"))
    tar.end()
    let dir = try TemporaryDirectory()
    let reader = try TarGzReader(path: dir.write("l.tar.gz", tar.gzipped()))
    var types: [TarEntryHeader.EntryType] = []
    while let header = try reader.nextEntry() { types.append(header.type) }
    #expect(types == [.symbolicLink, .hardLink, .characterDevice, .directory, .fifo])
  }
}
