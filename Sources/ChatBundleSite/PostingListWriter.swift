import ChatBundle

/// Assembles one token's posting list from its sorted segments and decides how the site
/// stores it: inline in the token shard when it is short, otherwise as pieces of at most
/// `pieceBytes`, each its own script (`search/p/<shard>.<n>.<k>.js`), with the token shard
/// holding only the count and each piece's first document, last document and count.
///
/// A query then loads the token shard and the one or two pieces its page of results is in,
/// whatever the token's frequency: the 10M-message site's commonest word had a 7 MB list.
/// The text of a piece is what an inline list is (the first document in base 36, then the
/// gaps), so the page decodes both alike.
struct PostingListWriter {
  /// An inline list stays under this many bytes, so a shard of 4,096 stays small.
  static let inlineBytes = 4 << 10
  /// A piece closes at the first posting past this size (about 16,000 dense postings).
  static let pieceBytes = 32 << 10

  struct Piece: Equatable {
    var first: UInt32
    var last: UInt32
    var count: Int
  }

  /// The current piece, or the whole list while it is short enough to be inline.
  private(set) var text: [UInt8] = []
  private var piece = Piece(first: 0, last: 0, count: 0)
  private(set) var pieces: [Piece] = []
  /// The stem of the pieces' names (`<shard>.<n>`), given once the list needs pieces.
  private var stem: String?
  private let writePiece: (_ name: String, _ text: [UInt8]) throws -> Void
  private let nameStem: () -> String

  /// `nameStem` names the list's pieces when it first needs one; `writePiece` writes one.
  init(nameStem: @escaping () -> String, writePiece: @escaping (String, [UInt8]) throws -> Void) {
    self.nameStem = nameStem
    self.writePiece = writePiece
  }

  var isEmpty: Bool { piece.count == 0 && pieces.isEmpty }

  /// Adds a document after the last one.
  mutating func add(_ document: UInt32) throws {
    if piece.count > 0, text.count >= Self.pieceBytes { try closePiece() }
    if piece.count == 0 {
      SearchIndexWriter.appendBase36(Int(document), to: &text)
      piece.first = document
    } else {
      text.append(UInt8(ascii: ","))
      SearchIndexWriter.appendBase36(Int(document - piece.last), to: &text)
    }
    piece.last = document
    piece.count += 1
  }

  /// Adds a segment: its first document, then `count - 1` base-36 gaps, each after a comma,
  /// ending at `last`. The gaps are copied as they are, in runs that end where a piece must
  /// close; only the first document of a new piece is written anew.
  mutating func add(first: UInt32, gaps: ArraySlice<UInt8>, count: Int, last: UInt32) throws {
    guard first > piece.last || isEmpty, count >= 1 else { throw RenderError.output("a search segment is damaged") }
    try add(first)
    var rest = gaps
    var document = Int(first)
    while let comma = rest.first {
      guard comma == UInt8(ascii: ",") else { throw RenderError.output("a search segment is damaged") }
      if text.count >= Self.pieceBytes {
        // The piece is full: the next posting starts the next one, as a document number.
        let end = rest.dropFirst().firstIndex(of: UInt8(ascii: ",")) ?? rest.endIndex
        let (sum, _) = try Self.sumOfGaps(rest[..<end])
        document += sum
        guard let next = UInt32(exactly: document) else { throw RenderError.output("a search segment is damaged") }
        try add(next)
        rest = rest[end...]
        continue
      }
      // The postings that start before the piece is full: up to the first comma at or past
      // the room left (a posting ends at a comma or at the end).
      let room = Self.pieceBytes - text.count
      let end =
        rest.count <= room
        ? rest.endIndex
        : rest[(rest.startIndex + room)...].firstIndex(of: UInt8(ascii: ","))
          ?? rest.endIndex
      let (sum, postings) = try Self.sumOfGaps(rest[..<end])
      document += sum
      guard let reached = UInt32(exactly: document) else { throw RenderError.output("a search segment is damaged") }
      text += rest[..<end]
      piece.last = reached
      piece.count += postings
      rest = rest[end...]
    }
    guard document == Int(last) else { throw RenderError.output("a search segment is damaged") }
  }

  /// The sum and number of `,gap,gap…`, each gap one or more base-36 digits.
  static func sumOfGaps(_ bytes: ArraySlice<UInt8>) throws -> (sum: Int, count: Int) {
    var sum = 0
    var count = 0
    var gap = 0
    var digits = 0
    let valid = bytes.withUnsafeBufferPointer { buffer -> Bool in
      for byte in buffer {
        if byte == UInt8(ascii: ",") {
          if count > 0, digits == 0 { return false }
          sum += gap
          if sum > Int(UInt32.max) { return false }
          count += 1
          gap = 0
          digits = 0
          continue
        }
        guard let value = base36Value(byte), gap <= Int(UInt32.max) else { return false }
        gap = gap * 36 + value
        digits += 1
      }
      return digits > 0 || count == 0
    }
    guard valid, sum + gap <= Int(UInt32.max) else { throw RenderError.output("a search segment is damaged") }
    return (sum + gap, count)
  }

  /// The list as the token shard holds it: a string of the whole list, or
  /// `{"n": count, "p": stem, "r": [[first, last, count], …]}` after its pieces are written.
  mutating func finish(into shard: inout [UInt8]) throws {
    if pieces.isEmpty, text.count <= Self.inlineBytes {
      shard.append(UInt8(ascii: "\""))
      shard += text
      shard.append(UInt8(ascii: "\""))
      return
    }
    if piece.count > 0 { try closePiece() }
    let total = pieces.reduce(0) { $0 + $1.count }
    shard += Array("{\"n\":\(total),\"p\":\"\(stem ?? "")\",\"r\":[".utf8)
    for (index, piece) in pieces.enumerated() {
      shard += Array("\(index == 0 ? "" : ",")[\(piece.first),\(piece.last),\(piece.count)]".utf8)
    }
    shard += Array("]}".utf8)
  }

  private mutating func closePiece() throws {
    let stem = self.stem ?? nameStem()
    self.stem = stem
    try writePiece("\(stem).\(pieces.count)", text)
    pieces.append(piece)
    text.removeAll(keepingCapacity: true)
    piece = Piece(first: 0, last: piece.last, count: 0)
  }

  static func base36Value(_ byte: UInt8) -> Int? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
    case UInt8(ascii: "a")...UInt8(ascii: "z"): Int(byte - UInt8(ascii: "a")) + 10
    default: nil
    }
  }
}
