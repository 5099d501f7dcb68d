import ChatBundle
import ChatBundleTestSupport
import Testing

@testable import ChatBundleSite

/// A token's list, fed as the external sort hands it over (segments of any length), comes
/// out as the page decodes it: inline when short, otherwise pieces no bigger than the limit
/// plus one posting, whose documents joined are the list and whose counts are theirs.
@Suite struct PostingListWriterTests {
  struct Written {
    var shardValue: String
    var pieces: [String: [UInt8]] = [:]
  }

  static func decode(_ text: some Sequence<UInt8>) -> [UInt32] {
    var documents: [UInt32] = []
    var running: UInt32 = 0
    for part in String(decoding: Array(text), as: UTF8.self).split(separator: ",", omittingEmptySubsequences: false) {
      running += UInt32(part, radix: 36) ?? UInt32.max
      documents.append(running)
    }
    return documents
  }

  /// The segment payload `SearchIndexWriter` sorts: `,gap,gap…` after the first document.
  static func gaps(_ documents: ArraySlice<UInt32>) -> [UInt8] {
    var out: [UInt8] = []
    var previous = documents.first ?? 0
    for document in documents.dropFirst() {
      out.append(UInt8(ascii: ","))
      SearchIndexWriter.appendBase36(Int(document - previous), to: &out)
      previous = document
    }
    return out
  }

  func write(_ documents: [UInt32], segmentLengths: [Int]) throws -> Written {
    final class Sink {
      var pieces: [String: [UInt8]] = [:]
    }
    let sink = Sink()
    var list = PostingListWriter(nameStem: { "0a1.3" }, writePiece: { sink.pieces[$0] = $1 })
    var start = 0
    var lengths = segmentLengths.makeIterator()
    while start < documents.count {
      let end = min(documents.count, start + max(1, lengths.next() ?? documents.count))
      let segment = documents[start..<end]
      try list.add(
        first: segment[segment.startIndex], gaps: Self.gaps(segment)[...], count: segment.count,
        last: segment[segment.index(before: segment.endIndex)])
      start = end
    }
    var shard: [UInt8] = []
    try list.finish(into: &shard)
    return Written(shardValue: String(decoding: shard, as: UTF8.self), pieces: sink.pieces)
  }

  /// What the page reads back: the documents in order and each piece's (first, last, count).
  func readBack(_ written: Written) throws -> (documents: [UInt32], ranges: [[Int]]) {
    let value = try JSONParser.parse(Array(written.shardValue.utf8))
    if case .string(let inline) = value { return (Self.decode(inline.utf8), []) }
    guard case .object(let descriptor) = value, case .string(let stem) = descriptor["p"],
      case .array(let ranges) = descriptor["r"], case .number(let total) = descriptor["n"]
    else {
      Issue.record("not a list: \(written.shardValue)")
      return ([], [])
    }
    var documents: [UInt32] = []
    var read: [[Int]] = []
    for (index, range) in ranges.enumerated() {
      guard case .array(let numbers) = range else { continue }
      let triple = numbers.compactMap { if case .number(let n) = $0 { Int(n) } else { nil } }
      let piece = Self.decode(try #require(written.pieces["\(stem).\(index)"]))
      #expect(triple == [Int(piece.first ?? 0), Int(piece.last ?? 0), piece.count], "piece \(index)")
      documents += piece
      read.append(triple)
    }
    #expect(written.pieces.count == ranges.count)
    #expect(Int(total) == documents.count, "\(total)")
    return (documents, read)
  }

  @Test func aShortListStaysInlineAndALongOneIsSplitIntoPiecesAtTheLimit() throws {
    let short = Array(stride(from: UInt32(5), to: 5 + 300 * 7, by: 7))
    let inline = try write(short, segmentLengths: [100])
    #expect(inline.pieces.isEmpty)
    #expect(inline.shardValue.hasPrefix("\"5,7,7"))
    #expect(try readBack(inline).documents == short)

    // 40,000 dense documents: gaps of 1 are two bytes each, so three pieces of 32 KB.
    let dense = Array(UInt32(1_000)..<UInt32(41_000))
    let long = try write(dense, segmentLengths: [40_000])
    let (documents, ranges) = try readBack(long)
    #expect(documents == dense)
    #expect(ranges.count == 3, "\(ranges)")
    for (name, text) in long.pieces {
      #expect(text.count <= PostingListWriter.pieceBytes + 12, "\(name): \(text.count)")
    }
    // A list just over the inline size is one piece, not inline.
    let middle = Array(UInt32(0)..<UInt32(2_100))
    let one = try write(middle, segmentLengths: [50])
    #expect(one.pieces.count == 1 && one.shardValue.hasPrefix("{\"n\":2100,\"p\":\"0a1.3\",\"r\":[[0,2099,2100]]}"))
  }

  @Test func anySplitIntoSegmentsGivesTheSameListAndPieces() throws {
    var random = SplitMix64(seed: 0x5EA2C4)
    for round in 0..<40 {
      // Gaps from 1 to a few million, so base-36 gaps of one to five digits; the widest
      // with fewer documents, which stay below 2^32.
      let spread = [1, 40, 2_000, 3_000_000][round % 4]
      let count = Int.random(in: 1...(spread > 2_000 ? 1_200 : 30_000), using: &random)
      var document = UInt32.random(in: 0...1_000_000, using: &random)
      var documents: [UInt32] = []
      for _ in 0..<count {
        documents.append(document)
        document += UInt32.random(in: 1...UInt32(spread), using: &random)
      }
      let whole = try write(documents, segmentLengths: [count])
      let lengths = (0..<200).map { _ in Int.random(in: 1...5_000, using: &random) }
      let split = try write(documents, segmentLengths: lengths)
      #expect(split.shardValue == whole.shardValue, "round \(round)")
      #expect(split.pieces == whole.pieces, "round \(round)")
      #expect(try readBack(split).documents == documents, "round \(round)")
      // Every piece but the last is full: it ends at the first posting past the limit.
      let sizes = (0..<split.pieces.count).compactMap { split.pieces["0a1.3.\($0)"]?.count }
      #expect(sizes.count == split.pieces.count)
      for size in sizes.dropLast() {
        #expect(size >= PostingListWriter.pieceBytes && size <= PostingListWriter.pieceBytes + 8, "round \(round)")
      }
    }
  }

  @Test func aSegmentOutOfOrderOrDamagedIsAnErrorNotAWrongList() throws {
    var list = PostingListWriter(nameStem: { "000.0" }, writePiece: { _, _ in })
    try list.add(first: 10, gaps: Array(",1,1".utf8)[...], count: 3, last: 12)
    #expect(throws: RenderError.self) { try list.add(first: 12, gaps: [], count: 1, last: 12) }
    var damaged = PostingListWriter(nameStem: { "000.0" }, writePiece: { _, _ in })
    let big = Array(String(repeating: ",1", count: 20_000).utf8) + Array(",Z".utf8)
    #expect(throws: RenderError.self) { try damaged.add(first: 0, gaps: big[...], count: 20_002, last: 20_001) }
  }
}
