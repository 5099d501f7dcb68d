/// A second tar parser, strict and our own, that reads every decompressed byte before
/// libarchive does and keeps the raw facts of each entry's headers for when libarchive
/// returns it.
///
/// libarchive quietly skips what it does not use (pax global headers, unknown keywords)
/// and reads unknown typeflags as regular files, where GNU tar and Python's tarfile apply
/// or refuse them; a verifier that saw only libarchive's view could call an archive valid
/// that other readers extract differently. This parser follows the same layout libarchive
/// does (which headers belong to which entry, how much data follows each) so that the
/// two views can be compared entry by entry, and records everything outside the bundle's
/// tar profile as a `TarHeaderProblem`.
///
/// It reads header blocks and extended header bodies only; entry data is skipped by
/// count. Memory is bounded by `TarReaderLimits`: extended headers are read up to
/// `extendedHeaderBytes`, and at most `pendingEntries` entries wait for libarchive.
final class TarHeaderAuditor {
  private enum State {
    case header
    case body(flag: UInt8, size: Int64, remaining: Int64)
    case data(remaining: Int64)
    case end
    /// The layout can no longer be followed, after a problem that is already recorded.
    case lost
  }

  /// What the extension headers before an entry's own header said.
  private struct Prefix {
    var offset: Int64?
    var paxPath: [UInt8]?
    var paxSize: Int64?
    var paxSizeUnreadable = false
    var longName: [UInt8]?
    /// A GNU long name came before any pax header, so libarchive applies it last.
    var longNameWins = false
    var paxHeaders = 0
    var keywords: [String] = []
    var globalHeader = false
    var gnu = false
    var problems: [TarHeaderProblem] = []
  }

  private static let maximumProblems = 32
  private static let maximumKeywords = 64

  private let limits: TarReaderLimits
  private var state = State.header
  /// Bytes of the tar stream read so far.
  private(set) var offset: Int64 = 0
  private var block: [UInt8] = []
  private var body: [UInt8] = []
  private var prefix = Prefix()
  private var ready: [TarHeaderAudit] = []
  private var readyStart = 0
  /// Where the first block of the end-of-archive marker starts, once it is found.
  private(set) var endOffset: Int64?

  init(limits: TarReaderLimits) {
    self.limits = limits
    block.reserveCapacity(TarHeaderBlock.size)
  }

  private var isLost: Bool {
    if case .lost = state { return true }
    return false
  }

  /// Reads the next bytes of the tar stream. Throws only when a limit is exceeded.
  func consume(_ bytes: UnsafeRawBufferPointer) throws(ArchiveError) {
    var index = 0
    while index < bytes.count {
      let available = bytes.count - index
      switch state {
      case .lost, .end:
        offset += Int64(available)
        return
      case .data(let remaining):
        let step = Int(min(Int64(available), remaining))
        index += step
        offset += Int64(step)
        state = remaining == Int64(step) ? .header : .data(remaining: remaining - Int64(step))
      case .header:
        let step = min(TarHeaderBlock.size - block.count, available)
        block.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[index..<(index + step)]))
        index += step
        offset += Int64(step)
        if block.count == TarHeaderBlock.size {
          try header(at: offset - Int64(TarHeaderBlock.size))
          block.removeAll(keepingCapacity: true)
        }
      case .body(let flag, let size, let remaining):
        let step = Int(min(Int64(available), remaining))
        let kept = size <= limits.extendedHeaderBytes ? Int(size) : 0
        let wanted = min(step, kept - body.count)
        if wanted > 0 { body.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[index..<(index + wanted)])) }
        index += step
        offset += Int64(step)
        if remaining == Int64(step) {
          state = .header
          extensionBody(flag, size: size)
        } else {
          state = .body(flag: flag, size: size, remaining: remaining - Int64(step))
        }
      }
    }
  }

  /// The facts of the next entry, which libarchive has just returned with this name, size
  /// and type; any difference between the two readings is added as a disagreement.
  func take(path: [UInt8], size: Int64, isRegular: Bool) -> TarHeaderAudit {
    guard readyStart < ready.count else {
      if isLost { return .unaudited }
      return TarHeaderAudit(
        offset: offset, typeflag: 0x30, path: path, size: size,
        problems: [.disagreement("libarchive reads an entry that the strict parser does not find")], audited: false)
    }
    var audit = ready[readyStart]
    readyStart += 1
    guard audit.audited else { return audit }
    if audit.path != path {
      audit.problems.append(
        .disagreement("libarchive reads the name '\(Self.text(path))', the strict parser '\(Self.text(audit.path))'"))
    }
    if audit.size != size {
      audit.problems.append(.disagreement("libarchive reads \(size) bytes of data, the strict parser \(audit.size)"))
    }
    if TarHeaderAudit.isRegular(typeflag: audit.typeflag) && !isRegular && path.last != 0x2f {
      audit.problems.append(.disagreement("libarchive does not read a regular file"))
    }
    return audit
  }

  /// What the strict parser found in the headers of the entry libarchive is reading, for
  /// when libarchive fails on it and never returns it.
  func pendingProblems() -> [TarHeaderProblem] {
    readyStart < ready.count ? ready[readyStart].problems : prefix.problems
  }

  /// What is left over once libarchive has found the end of the archive after `consumed`
  /// bytes: headers after the last entry, entries libarchive did not return, an end that
  /// is not where the strict parser found it.
  func finish(consumed: Int64) -> [TarHeaderProblem] {
    var problems = prefix.problems
    if prefix.offset != nil && problems.isEmpty {
      problems.append(.disagreement("extended headers with no entry after them"))
    }
    if readyStart < ready.count {
      let first = ready[readyStart]
      problems.append(
        .disagreement(
          "the strict parser reads \(ready.count - readyStart) more entries, the first '\(Self.text(first.path))' "
            + "at byte \(first.offset), where libarchive finds the end of the archive"))
    }
    if !isLost {
      if let endOffset {
        if consumed != endOffset + 1024 && consumed != endOffset + 512 {
          problems.append(
            .disagreement("libarchive ends the archive at byte \(consumed), the strict parser at \(endOffset)"))
        }
      } else {
        problems.append(
          .disagreement("libarchive ends the archive at byte \(consumed), where the strict parser finds no end marker"))
      }
    }
    return problems
  }

  // MARK: - Headers

  private func header(at blockOffset: Int64) throws(ArchiveError) {
    if TarHeaderBlock.isZero(block) {
      endOffset = blockOffset
      state = .end
      return
    }
    let parsed = TarHeaderBlock(block)
    if prefix.offset == nil { prefix.offset = blockOffset }
    if parsed.isGNU { prefix.gnu = true }
    // Without the ustar magic the block is GNU's or v7's layout (no prefix, sparse maps in
    // extra blocks); with a bad checksum libarchive stops or hunts for the next header.
    // Neither can be followed further.
    guard parsed.isUstar, parsed.checksumMatches else {
      var problems = parsed.problems
      if !Array("xXgLKAV".utf8).contains(parsed.typeflag) && !TarHeaderAudit.isRegular(typeflag: parsed.typeflag) {
        problems.append(.typeflag(parsed.typeflag))
      }
      try loseTrack(parsed, problems)
      return
    }
    let flag = parsed.typeflag
    var problems = parsed.problems
    switch flag {
    case UInt8(ascii: "x"), UInt8(ascii: "X"), UInt8(ascii: "g"), UInt8(ascii: "L"), UInt8(ascii: "K"),
      UInt8(ascii: "A"):
      guard let size = parsed.sizeField, parsed.sizeIsOctal else {
        try loseTrack(parsed, problems + [.malformedField("size")])
        return
      }
      switch flag {
      case UInt8(ascii: "x"), UInt8(ascii: "X"):
        // libarchive keeps only the last pax header's records (and applies them twice);
        // Python applies the first one's over the last one's.
        prefix.paxHeaders += 1
        if prefix.paxHeaders > 1 { problems.append(.repeatedPaxHeader) }
        if flag == UInt8(ascii: "X") { problems.append(.extensionHeader(flag)) }
        prefix.paxPath = nil
        prefix.paxSize = nil
        prefix.paxSizeUnreadable = false
      case UInt8(ascii: "g"):
        prefix.globalHeader = true
      case UInt8(ascii: "L"):
        if prefix.paxHeaders == 0 && prefix.longName == nil { prefix.longNameWins = true }
        prefix.gnu = true
        problems.append(.extensionHeader(flag))
      default:
        if flag == UInt8(ascii: "K") { prefix.gnu = true }
        problems.append(.extensionHeader(flag))
      }
      if size > limits.extendedHeaderBytes { problems.append(.extendedHeaderTooLarge(size)) }
      add(problems)
      let padded = (size + 511) / 512 * 512  // an octal size field is below 2^36
      if padded == 0 {
        extensionBody(flag, size: 0)
      } else {
        state = .body(flag: flag, size: size, remaining: padded)
      }
    case UInt8(ascii: "V"):
      // A GNU volume label: libarchive goes on to the next block without skipping any data.
      add(problems + [.extensionHeader(flag)])
    default:
      try entry(parsed, problems, at: blockOffset)
    }
  }

  private func entry(_ parsed: TarHeaderBlock, _ blockProblems: [TarHeaderProblem], at blockOffset: Int64)
    throws(ArchiveError)
  {
    let flag = parsed.typeflag
    var problems = blockProblems
    if !TarHeaderAudit.isRegular(typeflag: flag) {
      problems.append(.typeflag(flag))
      if flag == UInt8(ascii: "S") { prefix.gnu = true }
    } else if !parsed.linkNameIsEmpty {
      problems.append(.malformedField("linkname"))
    }
    var size: Int64?
    if let paxSize = prefix.paxSize {
      size = paxSize
      // A reader that does not know pax must still find the next header where we do.
      if parsed.sizeField != paxSize { problems.append(.paxSizeDiffers(pax: paxSize, header: parsed.sizeField)) }
    } else if parsed.sizeIsOctal && !prefix.paxSizeUnreadable {
      size = parsed.sizeField
    } else if !parsed.sizeIsOctal {
      problems.append(.malformedField("size"))
    }
    var path = prefix.paxPath ?? prefix.longName ?? parsed.name
    if prefix.longNameWins, let longName = prefix.longName { path = longName }

    // The data that follows, as libarchive reads it: none for links, devices and
    // directories unless a pax size says otherwise; none for a "regular" file whose name
    // ends in '/', which libarchive takes for a directory.
    var data = size
    switch flag {
    case UInt8(ascii: "2")...UInt8(ascii: "6"): data = prefix.paxSize ?? 0
    // libarchive guesses from what follows whether a hard link's size is data.
    case UInt8(ascii: "1"): data = prefix.paxSize ?? (parsed.sizeField == 0 ? 0 : nil)
    default:
      if flag != UInt8(ascii: "M") && flag != UInt8(ascii: "D") && path.last == 0x2f {
        data = 0
        if TarHeaderAudit.isRegular(typeflag: flag) {
          problems.append(.disagreement("a regular file named with a trailing '/': a directory to libarchive"))
        }
      }
    }
    guard let data else {
      try loseTrack(parsed, problems)
      return
    }
    let (padded, overflow) = data.addingReportingOverflow(511)
    guard !overflow else {
      try loseTrack(parsed, problems)
      return
    }
    let audit = TarHeaderAudit(
      offset: prefix.offset ?? blockOffset, typeflag: flag, path: path, size: data, paxKeywords: prefix.keywords,
      globalHeader: prefix.globalHeader, gnuExtensions: prefix.gnu, problems: capped(prefix.problems + problems))
    prefix = Prefix()
    try push(audit)
    let blocks = padded / 512 * 512
    state = blocks > 0 ? .data(remaining: blocks) : .header
  }

  /// Records the entry that this header belongs to without comparing it, and stops
  /// following the layout: every later entry libarchive returns is `unaudited`.
  private func loseTrack(_ parsed: TarHeaderBlock, _ problems: [TarHeaderProblem]) throws(ArchiveError) {
    // The typeflag of an extension header is not the entry's.
    let flag = Array("xXgLKAV".utf8).contains(parsed.typeflag) ? UInt8(ascii: "0") : parsed.typeflag
    let audit = TarHeaderAudit(
      offset: prefix.offset ?? offset, typeflag: flag, path: parsed.name, size: -1, paxKeywords: prefix.keywords,
      globalHeader: prefix.globalHeader, gnuExtensions: prefix.gnu, problems: capped(prefix.problems + problems),
      audited: false)
    prefix = Prefix()
    try push(audit)
    state = .lost
  }

  private func push(_ audit: TarHeaderAudit) throws(ArchiveError) {
    if readyStart > 0 && readyStart * 2 >= ready.count {
      ready.removeFirst(readyStart)
      readyStart = 0
    }
    ready.append(audit)
    if ready.count - readyStart > limits.pendingEntries {
      throw ArchiveError(
        .limitExceeded, operation: "tar",
        message: "more than \(limits.pendingEntries) entries ahead of libarchive: the tar parsers no longer agree")
    }
  }

  private func add(_ problems: [TarHeaderProblem]) {
    prefix.problems = capped(prefix.problems + problems)
  }

  private func capped(_ problems: [TarHeaderProblem]) -> [TarHeaderProblem] {
    Array(problems.prefix(Self.maximumProblems))
  }

  // MARK: - Extended header bodies

  private func extensionBody(_ flag: UInt8, size: Int64) {
    defer { body.removeAll(keepingCapacity: body.count <= 4096) }
    guard size <= limits.extendedHeaderBytes else {
      if flag == UInt8(ascii: "g") { add([.globalHeader(keywords: [])]) }
      return
    }
    switch flag {
    case UInt8(ascii: "L"):
      prefix.longName = TarHeaderBlock.string(body)
    case UInt8(ascii: "x"), UInt8(ascii: "X"), UInt8(ascii: "g"):
      let parsed = PaxRecords(body)
      var problems: [TarHeaderProblem] = []
      if let problem = parsed.problem { problems.append(.malformedPaxRecord(problem)) }
      if flag == UInt8(ascii: "g") {
        let keywords = parsed.records.prefix(Self.maximumKeywords).map(\.keyword)
        add([.globalHeader(keywords: keywords)] + problems)
        return
      }
      var seen: Set<String> = []
      for record in parsed.records {
        if !seen.insert(record.keyword).inserted { problems.append(.duplicatePaxKeyword(record.keyword)) }
        if prefix.keywords.count < Self.maximumKeywords { prefix.keywords.append(record.keyword) }
        switch record.keyword {
        case "path":
          // libarchive takes the value as a C string, Python keeps a NUL.
          if record.value.isEmpty || record.value.contains(0) { problems.append(.paxValue("path")) }
          prefix.paxPath = TarHeaderBlock.string(record.value)
        case "size":
          if let size = Self.decimal(record.value) {
            prefix.paxSize = size
          } else {
            // libarchive reads the leading digits, Python reads 0: no telling where data ends.
            problems.append(.paxValue("size"))
            prefix.paxSize = nil
            prefix.paxSizeUnreadable = true
          }
        case "mtime":
          if !Self.isTime(record.value) { problems.append(.paxValue("mtime")) }
        case let keyword where keyword.hasPrefix("GNU.sparse."):
          prefix.gnu = true
          problems.append(.sparseKeyword(keyword))
        default:
          problems.append(.paxKeywordNotAllowed(record.keyword))
        }
      }
      add(problems)
    default:
      break
    }
  }

  /// Decimal digits without a leading zero (except "0"), within Int64.
  static func decimal(_ value: [UInt8]) -> Int64? {
    guard !value.isEmpty, value.allSatisfy({ (0x30...0x39).contains($0) }), value[0] != 0x30 || value.count == 1
    else { return nil }
    var result: Int64 = 0
    for digit in value {
      let (times, overflow) = result.multipliedReportingOverflow(by: 10)
      let (sum, carry) = times.addingReportingOverflow(Int64(digit - 0x30))
      guard !overflow, !carry else { return nil }
      result = sum
    }
    return result
  }

  /// `-?[0-9]+(\.[0-9]+)?`, the form every reader parses alike.
  static func isTime(_ value: [UInt8]) -> Bool {
    var rest = value[...]
    if rest.first == 0x2d { rest = rest.dropFirst() }
    let whole = rest.prefix { (0x30...0x39).contains($0) }
    guard !whole.isEmpty else { return false }
    rest = rest.dropFirst(whole.count)
    if rest.isEmpty { return true }
    guard rest.first == 0x2e else { return false }
    rest = rest.dropFirst()
    return !rest.isEmpty && rest.allSatisfy { (0x30...0x39).contains($0) }
  }

  private static func text(_ bytes: [UInt8]) -> String {
    String(decoding: bytes.prefix(300), as: UTF8.self)
  }
}
