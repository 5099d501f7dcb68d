/// One 512-byte tar header block read field by field, as strictly as the bundle's tar
/// profile asks, so that whatever it says, every tar reader reads it the same way.
///
/// Forms that some readers accept and others do not, or read differently, are problems:
/// a signed checksum, base-256 or space-free numbers where they are not needed, junk after
/// a name's NUL, a prefix that ends in `/`.
struct TarHeaderBlock {
  static let size = 512

  var typeflag: UInt8
  /// The ustar name: `prefix/name` when the prefix is not empty.
  var name: [UInt8]
  /// The size field as a number, in octal or base-256 form; nil when it is neither.
  var sizeField: Int64?
  /// The size field held plain octal digits (with or without a terminator).
  var sizeIsOctal: Bool
  var isUstar: Bool
  var isGNU: Bool
  var checksumMatches: Bool
  var linkNameIsEmpty: Bool
  var problems: [TarHeaderProblem] = []

  /// Whether a block is the start of the end-of-archive marker.
  static func isZero(_ block: [UInt8]) -> Bool {
    block.allSatisfy { $0 == 0 }
  }

  init(_ block: [UInt8]) {
    typeflag = block[156]
    isUstar =
      block[257..<263].elementsEqual([0x75, 0x73, 0x74, 0x61, 0x72, 0]) && block[263] == 0x30
      && block[264] == 0x30
    isGNU = block[257..<265].elementsEqual([0x75, 0x73, 0x74, 0x61, 0x72, 0x20, 0x20, 0])
    if !isUstar { problems.append(.notUstar) }

    let stored = Self.octal(block[148..<156])
    var sum: Int64 = 0
    for (index, byte) in block.enumerated() { sum += (148..<156).contains(index) ? 0x20 : Int64(byte) }
    checksumMatches = stored == sum
    if !checksumMatches { problems.append(.checksum) }

    for (field, range) in [("mode", 100..<108), ("uid", 108..<116), ("gid", 116..<124)]
    where Self.octal(block[range]) == nil {
      problems.append(.malformedField(field))
    }
    // mtime has no meaning in a bundle, and every reader takes base-256 there; libarchive
    // writes it when a time does not fit eleven octal digits.
    if Self.octal(block[136..<148]) == nil && Self.base256(block[136..<148]) == nil {
      problems.append(.malformedField("mtime"))
    }
    for (field, range) in [("devmajor", 329..<337), ("devminor", 337..<345)]
    where !Self.isBlank(block[range]) && Self.octal(block[range]) == nil {
      problems.append(.malformedField(field))
    }
    if let octal = Self.octal(block[124..<136]) {
      sizeField = octal
      sizeIsOctal = true
    } else {
      sizeField = Self.base256(block[124..<136])
      sizeIsOctal = false
    }

    for (field, range) in [
      ("name", 0..<100), ("linkname", 157..<257), ("uname", 265..<297), ("gname", 297..<329), ("prefix", 345..<500),
    ] where !Self.isNULTerminated(block[range]) {
      problems.append(.malformedField(field))
    }
    linkNameIsEmpty = block[157] == 0
    let shortName = Self.string(block[0..<100])
    let prefix = isUstar ? Self.string(block[345..<500]) : []
    if prefix.isEmpty {
      name = shortName
    } else {
      // POSIX joins them with a slash; libarchive does not add one after a prefix ending in
      // '/', Python's tarfile does.
      if prefix.last == 0x2f || shortName.isEmpty { problems.append(.pathSplit) }
      name = prefix + [0x2f] + shortName
    }
  }

  /// The bytes before the first NUL.
  static func string(_ field: ArraySlice<UInt8>) -> [UInt8] {
    Array(field.prefix { $0 != 0 })
  }

  /// Only NUL bytes after the first NUL (or no NUL: the field is full).
  static func isNULTerminated(_ field: ArraySlice<UInt8>) -> Bool {
    guard let end = field.firstIndex(of: 0) else { return true }
    return field[end...].allSatisfy { $0 == 0 }
  }

  static func isBlank(_ field: ArraySlice<UInt8>) -> Bool {
    field.allSatisfy { $0 == 0 || $0 == 0x20 }
  }

  /// Octal digits, optionally after spaces, then only NUL or space to the field's end (or
  /// digits to its end: libarchive writes sizes from 8 GiB that way). Every reader agrees
  /// on this form; tar readers differ on what follows a junk byte, an empty field, a sign.
  static func octal(_ field: ArraySlice<UInt8>) -> Int64? {
    var index = field.startIndex
    while index < field.endIndex && field[index] == 0x20 { index += 1 }
    var value: Int64 = 0
    var digits = 0
    while index < field.endIndex, (0x30...0x37).contains(field[index]) {
      // At most 12 digits fit a field, so 8^12 cannot overflow.
      value = value * 8 + Int64(field[index] - 0x30)
      digits += 1
      index += 1
    }
    guard digits > 0, field[index...].allSatisfy({ $0 == 0 || $0 == 0x20 }) else { return nil }
    return value
  }

  /// The GNU base-256 form: 0x80, then a big-endian number in the remaining bytes.
  static func base256(_ field: ArraySlice<UInt8>) -> Int64? {
    guard field.first == 0x80 else { return nil }
    var value: Int64 = 0
    for byte in field.dropFirst() {
      let (shifted, overflow) = value.multipliedReportingOverflow(by: 256)
      guard !overflow else { return nil }
      value = shifted | Int64(byte)
    }
    return value
  }
}
