/// What the strict tar parser (`TarHeaderAuditor`) read in the raw header blocks of one
/// entry libarchive returned, and what it found wrong with them.
///
/// libarchive alone decides what the entry is; this is the second opinion, so that an
/// archive that other tar readers would see differently is not taken for a valid bundle.
public struct TarHeaderAudit: Sendable, Equatable {
  /// Offset in the tar stream of the entry's first header block (its pax header, if any).
  public var offset: Int64
  /// The typeflag byte of the entry's own header.
  public var typeflag: UInt8
  /// The name as the strict parser reads it: the pax `path`, else ustar prefix and name.
  public var path: [UInt8]
  /// The data size as the strict parser reads it: the pax `size`, else the size field.
  public var size: Int64
  /// The keywords of the pax extended headers that applied to the entry, in order.
  public var paxKeywords: [String]
  /// A pax global header came before the entry (after the previous one).
  public var globalHeader: Bool
  /// GNU machinery came with the entry: GNU magic, a long name or link (`L`, `K`), a
  /// sparse typeflag or `GNU.sparse.*` keywords.
  public var gnuExtensions: Bool
  public var problems: [TarHeaderProblem]
  /// False when the strict parser had lost track of the layout after an earlier problem
  /// (one that was already reported) and could not check this entry.
  public var audited: Bool

  public init(
    offset: Int64, typeflag: UInt8, path: [UInt8], size: Int64, paxKeywords: [String] = [],
    globalHeader: Bool = false, gnuExtensions: Bool = false, problems: [TarHeaderProblem] = [], audited: Bool = true
  ) {
    self.offset = offset
    self.typeflag = typeflag
    self.path = path
    self.size = size
    self.paxKeywords = paxKeywords
    self.globalHeader = globalHeader
    self.gnuExtensions = gnuExtensions
    self.problems = problems
    self.audited = audited
  }

  /// An entry the strict parser could not check (see `audited`).
  public static let unaudited = TarHeaderAudit(offset: -1, typeflag: 0x30, path: [], size: -1, audited: false)

  /// The typeflags of a regular file: `0`, and the legacy NUL and `7` (contiguous file).
  public static func isRegular(typeflag: UInt8) -> Bool {
    typeflag == 0x30 || typeflag == 0 || typeflag == 0x37
  }

  /// The entry's own typeflag is not a regular file's.
  public var hasIrregularTypeflag: Bool { !Self.isRegular(typeflag: typeflag) }

  /// A `GNU.sparse.*` keyword applied to the entry.
  public var isSparse: Bool {
    problems.contains {
      if case .sparseKeyword = $0 { return true }
      return false
    }
  }
}
