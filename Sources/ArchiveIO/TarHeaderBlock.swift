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
    block.withUnsafeBufferPointer { bytes in
      var index = 0
      while index < bytes.count {
        if bytes[index] != 0 { return false }
        index += 1
      }
      return true
    }
  }

  // Plain index loops over the buffer: this runs for every header of every bundle, and
  // generic sequence code is slow in debug builds, where most tests run.
  init(_ block: [UInt8]) {
    self = block.withUnsafeBufferPointer { Self(bytes: $0) }
  }

  private init(bytes block: UnsafeBufferPointer<UInt8>) {
    typeflag = block[156]
    isUstar = Self.matches(block, at: 257, Self.ustarMagic)
    isGNU = Self.matches(block, at: 257, Self.gnuMagic)
    if !isUstar { problems.append(.notUstar) }

    var sum: Int64 = 8 * 0x20
    var index = 0
    while index < 512 {
      if index < 148 || index >= 156 { sum += Int64(block[index]) }
      index += 1
    }
    checksumMatches = Self.octal(block, 148..<156) == sum
    if !checksumMatches { problems.append(.checksum) }

    if Self.octal(block, 100..<108) == nil { problems.append(.malformedField("mode")) }
    if Self.octal(block, 108..<116) == nil { problems.append(.malformedField("uid")) }
    if Self.octal(block, 116..<124) == nil { problems.append(.malformedField("gid")) }
    // mtime has no meaning in a bundle, and every reader takes base-256 there; libarchive
    // writes it when a time does not fit eleven octal digits.
    if Self.octal(block, 136..<148) == nil && Self.base256(block, 136..<148) == nil {
      problems.append(.malformedField("mtime"))
    }
    if !Self.isBlank(block, 329..<337) && Self.octal(block, 329..<337) == nil {
      problems.append(.malformedField("devmajor"))
    }
    if !Self.isBlank(block, 337..<345) && Self.octal(block, 337..<345) == nil {
      problems.append(.malformedField("devminor"))
    }
    if let octal = Self.octal(block, 124..<136) {
      sizeField = octal
      sizeIsOctal = true
    } else {
      sizeField = Self.base256(block, 124..<136)
      sizeIsOctal = false
    }

    if !Self.isNULTerminated(block, 0..<100) { problems.append(.malformedField("name")) }
    if !Self.isNULTerminated(block, 157..<257) { problems.append(.malformedField("linkname")) }
    if !Self.isNULTerminated(block, 265..<297) { problems.append(.malformedField("uname")) }
    if !Self.isNULTerminated(block, 297..<329) { problems.append(.malformedField("gname")) }
    if !Self.isNULTerminated(block, 345..<500) { problems.append(.malformedField("prefix")) }
    linkNameIsEmpty = block[157] == 0
    let shortName = Self.string(block, 0..<100)
    let prefix = isUstar ? Self.string(block, 345..<500) : []
    if prefix.isEmpty {
      name = shortName
    } else {
      // POSIX joins them with a slash; libarchive does not add one after a prefix ending in
      // '/', Python's tarfile does.
      if prefix.last == 0x2f || shortName.isEmpty { problems.append(.pathSplit) }
      name = prefix + [0x2f] + shortName
    }
  }

  private static let ustarMagic: [UInt8] = [0x75, 0x73, 0x74, 0x61, 0x72, 0, 0x30, 0x30]
  private static let gnuMagic: [UInt8] = [0x75, 0x73, 0x74, 0x61, 0x72, 0x20, 0x20, 0]

  private static func matches(_ block: UnsafeBufferPointer<UInt8>, at offset: Int, _ magic: [UInt8]) -> Bool {
    var index = 0
    while index < magic.count {
      if block[offset + index] != magic[index] { return false }
      index += 1
    }
    return true
  }

  /// The bytes before the first NUL.
  static func string(_ bytes: [UInt8]) -> [UInt8] {
    bytes.withUnsafeBufferPointer { string($0, 0..<$0.count) }
  }

  private static func string(_ block: UnsafeBufferPointer<UInt8>, _ field: Range<Int>) -> [UInt8] {
    var end = field.lowerBound
    while end < field.upperBound && block[end] != 0 { end += 1 }
    return Array(block[field.lowerBound..<end])
  }

  /// Only NUL bytes after the first NUL (or no NUL: the field is full).
  private static func isNULTerminated(_ block: UnsafeBufferPointer<UInt8>, _ field: Range<Int>) -> Bool {
    var index = field.lowerBound
    while index < field.upperBound && block[index] != 0 { index += 1 }
    while index < field.upperBound {
      if block[index] != 0 { return false }
      index += 1
    }
    return true
  }

  private static func isBlank(_ block: UnsafeBufferPointer<UInt8>, _ field: Range<Int>) -> Bool {
    var index = field.lowerBound
    while index < field.upperBound {
      if block[index] != 0 && block[index] != 0x20 { return false }
      index += 1
    }
    return true
  }

  /// Octal digits, optionally after spaces, then only NUL or space to the field's end (or
  /// digits to its end: libarchive writes sizes from 8 GiB that way). Every reader agrees
  /// on this form; tar readers differ on what follows a junk byte, an empty field, a sign.
  private static func octal(_ block: UnsafeBufferPointer<UInt8>, _ field: Range<Int>) -> Int64? {
    var index = field.lowerBound
    while index < field.upperBound && block[index] == 0x20 { index += 1 }
    var value: Int64 = 0
    let firstDigit = index
    while index < field.upperBound, block[index] >= 0x30 && block[index] <= 0x37 {
      // At most 12 digits fit a field, so 8^12 cannot overflow.
      value = value * 8 + Int64(block[index] - 0x30)
      index += 1
    }
    guard index > firstDigit, isBlank(block, index..<field.upperBound) else { return nil }
    return value
  }

  /// The GNU base-256 form: 0x80, then a big-endian number in the remaining bytes.
  private static func base256(_ block: UnsafeBufferPointer<UInt8>, _ field: Range<Int>) -> Int64? {
    guard block[field.lowerBound] == 0x80 else { return nil }
    var value: Int64 = 0
    var index = field.lowerBound + 1
    while index < field.upperBound {
      let (shifted, overflow) = value.multipliedReportingOverflow(by: 256)
      guard !overflow else { return nil }
      value = shifted | Int64(block[index])
      index += 1
    }
    return value
  }
}
