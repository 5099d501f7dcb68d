import Testing

@testable import ArchiveIO

/// A source that gives `bytes` in pieces of `piece`, then fails if `failure` is set.
private final class PieceSource: ByteStream {
  let bytes: [UInt8]
  let piece: Int
  let failure: ArchiveError?
  var position = 0

  init(_ bytes: [UInt8], piece: Int, failure: ArchiveError? = nil) {
    self.bytes = bytes
    self.piece = piece
    self.failure = failure
  }

  func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    let count = min(piece, buffer.count, bytes.count - position)
    if count == 0, let failure { throw failure }
    bytes.withUnsafeBytes { source in
      if let from = source.baseAddress { buffer.baseAddress?.copyMemory(from: from + position, byteCount: count) }
    }
    position += count
    return count
  }
}

@Suite struct ReadAheadStreamTests {
  let data = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }

  func drain(_ stream: ByteStream, chunk: Int) throws -> [UInt8] {
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: chunk)
    while true {
      let count = try buffer.withUnsafeMutableBytes { try stream.read(into: $0) }
      if count == 0 { return out }
      out += buffer[0..<count]
    }
  }

  @Test(arguments: [1, 7, 4096, 1 << 20])
  func everyByteArrivesInOrder(chunk: Int) throws {
    let stream = ReadAheadStream(source: PieceSource(data, piece: 10_007), blockSize: 65_536, depth: 2)
    #expect(try drain(stream, chunk: chunk) == data)
  }

  @Test func theSourcesErrorComesAfterItsBytes() {
    let broken = ArchiveError(.truncated, operation: "inflate", message: "cut short")
    let stream = ReadAheadStream(source: PieceSource(data, piece: 999, failure: broken), blockSize: 4096, depth: 3)
    var received = 0
    var buffer = [UInt8](repeating: 0, count: 5000)
    do {
      while true {
        let count = try buffer.withUnsafeMutableBytes { try stream.read(into: $0) }
        if count == 0 { break }
        received += count
      }
      Issue.record("no error after \(received) bytes")
    } catch {
      #expect(received == data.count)
      #expect((error as? ArchiveError)?.kind == .truncated)
    }
  }

  @Test func stoppingEarlyEndsTheThreadWhileItWaitsForRoom() throws {
    let stream = ReadAheadStream(source: PieceSource(data, piece: 100_000), blockSize: 1024, depth: 1)
    var buffer = [UInt8](repeating: 0, count: 10)
    _ = try buffer.withUnsafeMutableBytes { try stream.read(into: $0) }
    stream.stop()
    // The thread stopped with the queue full: it read no more than two blocks past ours,
    // and handed the source back.
    let position = try #require(stream.source?.position)
    #expect(position <= 3 * 1024)
  }

  @Test func theSourceComesBackAfterTheEnd() throws {
    let stream = ReadAheadStream(source: PieceSource(data, piece: 4099), blockSize: 8192, depth: 2)
    #expect(stream.source == nil)
    #expect(try drain(stream, chunk: 1000) == data)
    stream.stop()
    #expect(stream.source?.position == data.count)
    // Stopping again changes nothing.
    stream.stop()
    #expect(stream.source?.position == data.count)
  }
}
