import ChatBundleTestSupport
import Foundation
import Testing

@testable import ArchiveIO

/// Bytes in memory, read in order.
private final class MemoryStream: ByteStream {
  let bytes: [UInt8]
  var position = 0

  init(_ bytes: [UInt8]) { self.bytes = bytes }

  func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    let count = min(buffer.count, bytes.count - position)
    bytes.withUnsafeBytes { source in
      if let from = source.baseAddress { buffer.baseAddress?.copyMemory(from: from + position, byteCount: count) }
    }
    position += count
    return count
  }
}

private struct SinkRefused: Error, Equatable {}

/// What a test does to a deflater: write bytes, or change the level.
private enum Step {
  case write([UInt8])
  case level(Int)
}

@Suite struct ParallelGzipDeflaterTests {
  static let sizes = [0, 1, 32767, 32768, 131_071, 131_072, 131_073, 5_000_003]
  /// Odd write sizes, used in turn.
  static let chunks = [1, 7, 4093, 65_537, 200_003, 13]

  static func random(_ count: Int, seed: UInt64) -> [UInt8] {
    var generator = SplitMix64(seed: seed)
    var bytes: [UInt8] = []
    bytes.reserveCapacity(count + 8)
    while bytes.count < count {
      let word = generator.next()
      for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: word >> shift)) }
    }
    return Array(bytes.prefix(count))
  }

  /// NDJSON like an Easemob export's: records of a few shapes, ids, times, words.
  static func ndjson(_ count: Int, seed: UInt64) -> [UInt8] {
    var generator = SplitMix64(seed: seed)
    let words = [
      "老师好", "收到", "谢谢老师！", "明天几点到校？", "今天的作业是练习册第12页", "好的，我们会注意的", "辛苦了", "👍",
      "Thanks!", "Got it.", "Good morning, everyone.", "Is school closed tomorrow?", "see you at 3pm", "ok",
      "the meeting moved to Friday", "please sign the form", "哈哈哈", "已经交了", "在的",
    ].map { Array($0.utf8) }
    let types = ["txt", "txt", "txt", "img", "audio", "loc"].map { Array($0.utf8) }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(count + 1024)
    var time: UInt64 = 1_740_758_400_000
    while bytes.count < count {
      time += generator.next() % 90_000
      let from = generator.next() % 400
      let to = generator.next() % 200
      let id = generator.next() % 10_000_000_000_000
      var line = Array(#"{"msg_id":"\#(id)","timestamp":\#(time),"direction":"outgoing","#.utf8)
      line += Array(
        #""chat_type":"\#(to < 150 ? "groupchat" : "chat")","from":"user\#(from)","to":"group\#(to)","#.utf8)
      line += Array(#""payload":{"bodies":[{"type":""#.utf8) + types[Int(generator.next() % 6)]
      line += Array(#"","msg":""#.utf8)
      for index in 0..<Int(1 + generator.next() % 4) {
        if index > 0 { line.append(0x20) }
        line += words[Int(generator.next() % UInt64(words.count))]
      }
      line += Array(#""}],"ext":{"em_apns_ext":{"em_push_title":"新消息"}}}}"#.utf8) + [0x0a]
      bytes += line
    }
    return Array(bytes.prefix(count))
  }

  /// Writes `steps` (each write cut into the odd chunk sizes) and finishes.
  fileprivate static func compress(_ steps: [Step], threads: Int, level: Int = 6, bufferSize: Int = 256 * 1024) throws
    -> [UInt8]
  {
    var output: [UInt8] = []
    let deflater = try ParallelGzipDeflater(level: level, bufferSize: bufferSize, threads: threads) {
      output.append(contentsOf: $0)
    }
    var turn = 0
    for step in steps {
      switch step {
      case .level(let level): try deflater.setLevel(level)
      case .write(let bytes):
        var offset = 0
        while offset < bytes.count {
          let count = min(chunks[turn % chunks.count], bytes.count - offset)
          turn += 1
          try bytes[offset..<offset + count].withUnsafeBytes { try deflater.write($0) }
          offset += count
        }
      }
    }
    try deflater.finish()
    #expect(deflater.runningWorkers == 0)
    return output
  }

  static func compress(_ bytes: [UInt8], threads: Int, level: Int = 6) throws -> [UInt8] {
    try compress([.write(bytes)], threads: threads, level: level)
  }

  /// Inflates with the module's strict inflater; returns the bytes and the member count.
  static func inflate(_ gzip: [UInt8]) throws -> (bytes: [UInt8], members: Int) {
    let inflater = try GzipInflater(source: MemoryStream(gzip))
    var result: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 70_000)
    while true {
      let count = try buffer.withUnsafeMutableBytes { try inflater.read(into: $0) }
      if count == 0 { break }
      result += buffer[0..<count]
    }
    return (result, inflater.members)
  }

  /// The system's gzip tests the file and inflates it to the same bytes.
  static func expectGzipAccepts(_ gzip: [UInt8], inflatingTo original: [UInt8]) throws {
    let dir = try TemporaryDirectory()
    let compressed = try dir.write("data.gz", gzip)
    let plain = try dir.write("data", original)
    let shell = URL(fileURLWithPath: "/bin/sh")
    let test = try runProcess(shell, ["-c", #"gzip -t "$1""#, "sh", compressed])
    #expect(test.status == 0, "gzip -t: \(test.standardError)")
    let same = try runProcess(shell, ["-c", #"gzip -dc "$1" | cmp - "$2""#, "sh", compressed, plain])
    #expect(same.status == 0, "gzip -dc | cmp: \(same.standardOutput) \(same.standardError)")
  }

  @Test(arguments: sizes)
  func roundTripsThroughTheInflaterAndGzip(size: Int) throws {
    for (index, input) in [Self.random(size, seed: UInt64(size)), Self.ndjson(size, seed: 7)].enumerated() {
      let gzip = try Self.compress(input, threads: 3)
      let inflated = try Self.inflate(gzip)
      #expect(inflated.bytes == input, "input \(index) of \(size) bytes")
      #expect(inflated.members == 1)
      try Self.expectGzipAccepts(gzip, inflatingTo: input)
    }
  }

  @Test func theBytesAreTheSameWhateverTheThreadsAndPieces() throws {
    let text = Self.ndjson(1_500_000, seed: 1)
    let noise = Self.random(700_000, seed: 2)
    // Short blocks between level changes: the dictionary of the next spans several.
    let shortBlocks = (0..<40).flatMap { index -> [Step] in
      [.level(index % 3 == 0 ? 1 : 6), .write(Array(text[index * 5000..<(index + 1) * 5000]))]
    }
    let steps: [Step] =
      shortBlocks + [
        .write(Array(text[0..<200_000])), .level(0), .write(noise), .level(6), .write(Array(text[200_000..<900_000])),
        // Changes with no byte between them, a change to the level in use, and a last one
        // right before the end: only the levels the bytes are written at count.
        .level(1), .level(9), .write(Array(text[900_000..<1_000_000])), .level(9), .write(Array(text[1_000_000...])),
        .level(0), .write(Array(noise[0..<1000])), .level(6),
      ]
    let reference = try Self.compress(steps, threads: 1)
    for threads in [2, 3, 8] {
      #expect(try Self.compress(steps, threads: threads) == reference, "\(threads) threads")
    }
    #expect(try Self.compress(steps, threads: 2, bufferSize: 1000) == reference)
    let expected =
      Array(text[0..<200_000]) + Array(text[0..<200_000]) + noise + Array(text[200_000...]) + Array(noise[0..<1000])
    #expect(try Self.inflate(reference).bytes == expected)
    try Self.expectGzipAccepts(reference, inflatingTo: expected)
    // The levels did change the bytes.
    #expect(try Self.compress([.write(expected)], threads: 2) != reference)
  }

  @Test(arguments: [0, 1, 6, 9])
  func headerAndTrailerAreGzipDeflaters(level: Int) throws {
    let input = Self.ndjson(600_000, seed: UInt64(level))
    let parallel = try Self.compress(input, threads: 2, level: level)
    let single = try GzipDeflater.compress(input, level: level)
    // Header: no name, mtime 0, the XFL zlib writes for the level, OS 3.
    #expect(Array(parallel.prefix(10)) == Array(single.prefix(10)))
    // Trailer: CRC-32 and ISIZE of the input.
    #expect(Array(parallel.suffix(8)) == Array(single.suffix(8)))
    #expect(try Self.inflate(parallel).members == 1)
  }

  @Test(arguments: [1, 6, 9])
  func oneBlockIsExactlyGzipDeflatersStream(level: Int) throws {
    for size in [0, 1, 32768, 131_072] {
      let input = Self.ndjson(size, seed: 3)
      #expect(try Self.compress(input, threads: 2, level: level) == GzipDeflater.compress(input, level: level))
    }
  }

  @Test func levelZeroStoresIncompressibleBytes() throws {
    let noise = Self.random(1 << 20, seed: 4)
    let gzip = try Self.compress(noise, threads: 2, level: 0)
    // 18 bytes of header and trailer, and 5 for each stored block: three per 128 KiB
    // block (of up to 64 KiB) and its sync marker.
    #expect(gzip.count <= noise.count + 18 + 5 * 4 * 8)
    #expect(try Self.inflate(gzip).bytes == noise)
  }

  @Test func blocksInFlightStayWithinTwicePerThread() throws {
    let input = Self.ndjson(4_000_000, seed: 5)
    for threads in [1, 2, 3] {
      var output: [UInt8] = []
      let deflater = try ParallelGzipDeflater(threads: threads) { output.append(contentsOf: $0) }
      try deflater.write(input)
      try deflater.finish()
      #expect(deflater.peakInFlight <= 2 * threads)
      #expect(try Self.inflate(output).bytes == input)
    }
  }

  @Test func aSinkErrorComesOutAndStopsTheThreads() throws {
    let input = Self.ndjson(3_000_000, seed: 6)
    var calls = 0
    let deflater = try ParallelGzipDeflater(threads: 4) { _ in
      calls += 1
      if calls == 3 { throw SinkRefused() }
    }
    #expect(throws: SinkRefused.self) {
      for start in stride(from: 0, to: input.count, by: 100_000) {
        try deflater.write(Array(input[start..<min(start + 100_000, input.count)]))
      }
      try deflater.finish()
    }
    #expect(deflater.runningWorkers == 0)
    // Every later call fails the same way, and the sink is not called again.
    #expect(throws: SinkRefused.self) { try deflater.write(Array(input[0..<10])) }
    #expect(throws: SinkRefused.self) { try deflater.setLevel(0) }
    #expect(throws: SinkRefused.self) { try deflater.finish() }
    #expect(calls == 3)
  }

  @Test func aSinkErrorAtTheEndComesOutOfFinish() throws {
    let deflater = try ParallelGzipDeflater(threads: 2) { _ in throw SinkRefused() }
    // Less than a block: nothing reaches the sink before finish.
    try deflater.write(Array("hello".utf8))
    #expect(throws: SinkRefused.self) { try deflater.finish() }
    #expect(deflater.runningWorkers == 0)
  }

  @Test func droppingAnUnfinishedDeflaterEndsItsThreads() throws {
    let input = Self.random(3_000_000, seed: 8)
    var received = 0
    var deflater: ParallelGzipDeflater? = try ParallelGzipDeflater(threads: 3) { received += $0.count }
    try deflater?.write(input)
    #expect((deflater?.runningWorkers ?? 0) > 0)
    // deinit joins the threads, which may be busy or waiting: it must return.
    deflater = nil
    #expect(received < input.count + 1000)
  }

  @Test func misuseIsRefused() throws {
    #expect(throws: ArchiveError.self) { try ParallelGzipDeflater(level: 10) { _ in } }
    var output: [UInt8] = []
    let deflater = try ParallelGzipDeflater { output.append(contentsOf: $0) }
    #expect(throws: ArchiveError.self) { try deflater.setLevel(-2) }
    try deflater.write(Array("abc".utf8))
    try deflater.finish()
    try deflater.finish()
    #expect(throws: ArchiveError.self) { try deflater.write(Array("more".utf8)) }
    #expect(try Self.inflate(output).bytes == Array("abc".utf8))
  }

  /// The bundle's text compresses within 2% of one zlib stream at the same level.
  @Test func compressesNDJSONAlmostAsWellAsOneStream() throws {
    let text = Self.ndjson(20_000_000, seed: 9)
    let single = try GzipDeflater.compress(text, level: 6)
    let parallel = try Self.compress([.write(text)], threads: 2)
    #expect(Double(parallel.count) <= Double(single.count) * 1.02, "\(parallel.count) vs \(single.count)")
  }

  @Test func tarGzWriterWritesTheSameArchiveWithOneThreadOrEight() throws {
    let dir = try TemporaryDirectory()
    func write(_ name: String, threads: Int) throws -> [UInt8] {
      let writer = try TarGzWriter(path: dir.file(name), threads: threads)
      let text = Self.ndjson(700_000, seed: 10)
      try writer.beginEntry(path: "root/messages.ndjson", size: Int64(text.count), modificationTime: 1_700_000_000)
      try writer.write(text)
      let media = Self.random(400_000, seed: 11)
      try writer.beginEntry(
        path: "root/media/a.jpg", size: Int64(media.count), modificationTime: 1_700_000_000, compressionLevel: 0)
      try writer.write(media)
      try writer.beginEntry(path: "root/z.txt", size: 3, modificationTime: 1_700_000_000, compressionLevel: 6)
      try writer.write(Array("end".utf8))
      try writer.finish()
      return try readBytes(dir.file(name))
    }
    let one = try write("1.tar.gz", threads: 1)
    #expect(try write("8.tar.gz", threads: 8) == one)
    let test = try runProcess(URL(fileURLWithPath: "/bin/sh"), ["-c", #"gzip -t "$1""#, "sh", dir.file("1.tar.gz")])
    #expect(test.status == 0)
  }
}
