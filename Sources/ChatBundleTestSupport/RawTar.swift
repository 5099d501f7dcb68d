import ArchiveIO

/// Builds tar bytes by hand, so tests can make archives our own writer never would:
/// links, devices, duplicate or hostile names, bad checksums, data after the end marker,
/// pax global headers, any typeflag, any spelling of a numeric field.
public struct RawTar {
  public private(set) var bytes: [UInt8] = []

  public init() {}

  /// How a header's checksum field is written.
  public enum Checksum: Sendable {
    /// Six octal digits, NUL, space: what libarchive and GNU tar write.
    case sixDigitsNULSpace
    /// Seven octal digits and a NUL, as some other writers do.
    case sevenDigitsNUL
    /// The sum over signed bytes, which old tars wrote and lenient readers accept.
    case signed
    /// One more than the right sum.
    case corrupt
  }

  /// Every field of a ustar header block, as the bytes to write (numeric fields included,
  /// so that tests can spell them any way they like). Fields are cut to their width.
  public struct Header: Sendable {
    public var name: [UInt8]
    public var prefix: [UInt8] = []
    public var mode = RawTar.octal(0o644, width: 8)
    public var uid = RawTar.octal(0, width: 8)
    public var gid = RawTar.octal(0, width: 8)
    /// nil: the data's length, in eleven octal digits.
    public var size: [UInt8]?
    public var mtime = RawTar.octal(1_700_000_000, width: 12)
    public var typeflag = UInt8(ascii: "0")
    public var linkName: [UInt8] = []
    public var magic = Array("ustar\u{0}".utf8)
    public var version = Array("00".utf8)
    public var uname: [UInt8] = []
    public var gname: [UInt8] = []
    public var devMajor = RawTar.octal(0, width: 8)
    public var devMinor = RawTar.octal(0, width: 8)
    public var checksum = Checksum.sixDigitsNULSpace

    public init(name: [UInt8], typeflag: UInt8 = UInt8(ascii: "0")) {
      self.name = name
      self.typeflag = typeflag
    }

    /// The 512-byte block for an entry of `dataCount` bytes.
    public func block(dataCount: Int) -> [UInt8] {
      var header = [UInt8](repeating: 0, count: 512)
      put(&header, 0, name, width: 100)
      put(&header, 100, mode, width: 8)
      put(&header, 108, uid, width: 8)
      put(&header, 116, gid, width: 8)
      put(&header, 124, size ?? RawTar.octal(dataCount, width: 12), width: 12)
      put(&header, 136, mtime, width: 12)
      header[156] = typeflag
      put(&header, 157, linkName, width: 100)
      put(&header, 257, magic, width: 6)
      put(&header, 263, version, width: 2)
      put(&header, 265, uname, width: 32)
      put(&header, 297, gname, width: 32)
      put(&header, 329, devMajor, width: 8)
      put(&header, 337, devMinor, width: 8)
      put(&header, 345, prefix, width: 155)
      for index in 148..<156 { header[index] = 0x20 }
      let unsigned = header.reduce(0) { $0 + Int($1) }
      let signedSum = header.reduce(0) { $0 + Int(Int8(bitPattern: $1)) }
      switch checksum {
      case .sixDigitsNULSpace: put(&header, 148, RawTar.octal(unsigned, width: 7) + [0], width: 8)
      case .sevenDigitsNUL: put(&header, 148, RawTar.octal(unsigned, width: 8) + [0], width: 8)
      case .signed: put(&header, 148, RawTar.octal(signedSum, width: 7) + [0], width: 8)
      case .corrupt: put(&header, 148, RawTar.octal(unsigned + 1, width: 7) + [0], width: 8)
      }
      return header
    }
  }

  /// Appends one ustar header and its data padded to 512 bytes.
  public mutating func add(
    _ name: String, _ data: [UInt8] = [], type: UInt8 = UInt8(ascii: "0"), linkName: String = "",
    mode: Int = 0o644, declaredSize: Int? = nil, corruptChecksum: Bool = false
  ) {
    add(
      rawName: Array(name.utf8), data, type: type, linkName: linkName, mode: mode,
      declaredSize: declaredSize, corruptChecksum: corruptChecksum)
  }

  public mutating func add(
    rawName: [UInt8], _ data: [UInt8] = [], type: UInt8 = UInt8(ascii: "0"), linkName: String = "",
    mode: Int = 0o644, declaredSize: Int? = nil, corruptChecksum: Bool = false
  ) {
    var header = Header(name: rawName, typeflag: type)
    if rawName.count > 100 {
      // ustar prefix field: split at a slash so that prefix + "/" + name rebuilds the path.
      let split = rawName[..<min(rawName.count, 156)].lastIndex(of: UInt8(ascii: "/")) ?? 0
      header.prefix = Array(rawName[..<split])
      header.name = Array(rawName[(split + 1)...])
    }
    header.mode = Self.octal(mode, width: 8)
    header.size = declaredSize.map { Self.octal($0, width: 12) }
    header.linkName = Array(linkName.utf8)
    if corruptChecksum { header.checksum = .corrupt }
    add(header, data)
  }

  /// Appends a header block as given and the data padded to 512 bytes.
  public mutating func add(_ header: Header, _ data: [UInt8]) {
    bytes += header.block(dataCount: data.count)
    bytes += data
    bytes += [UInt8](repeating: 0, count: (512 - data.count % 512) % 512)
  }

  /// Appends a pax extended header ('x') with the given records.
  public mutating func addPax(_ records: [(String, String)], type: UInt8 = UInt8(ascii: "x")) {
    addPax(body: Self.paxBody(records), type: type)
  }

  /// Appends a pax global header ('g'), which applies to every entry after it in the
  /// readers that honour it.
  public mutating func addGlobalPax(_ records: [(String, String)]) {
    addPax(records, type: UInt8(ascii: "g"))
  }

  /// Appends an extended header of any type with a body given byte for byte.
  public mutating func addPax(body: [UInt8], type: UInt8 = UInt8(ascii: "x"), name: String = "PaxHeader/x") {
    add(Header(name: Array(name.utf8), typeflag: type), body)
  }

  /// `<length> <keyword>=<value>\n` records, the length counting itself.
  public static func paxBody(_ records: [(String, String)]) -> [UInt8] {
    var body: [UInt8] = []
    for (key, value) in records {
      let content = " \(key)=\(value)\n"
      var length = content.utf8.count + 1
      while "\(length)".utf8.count + content.utf8.count != length { length += 1 }
      body += Array("\(length)\(content)".utf8)
    }
    return body
  }

  /// Appends the two zero blocks that end an archive.
  public mutating func end() {
    bytes += [UInt8](repeating: 0, count: 1024)
  }

  public mutating func append(_ raw: [UInt8]) { bytes += raw }

  public func gzipped(level: Int = 6) throws -> [UInt8] {
    try GzipDeflater.compress(bytes, level: level)
  }

  /// `width - 1` octal digits, zero-padded; the field's last byte is left NUL.
  public static func octal(_ value: Int, width: Int) -> [UInt8] {
    let digits = String(value, radix: 8)
    let padded = String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits
    return Array(padded.utf8)
  }
}

private func put(_ header: inout [UInt8], _ offset: Int, _ value: [UInt8], width: Int) {
  for (index, byte) in value.prefix(width).enumerated() { header[offset + index] = byte }
}
