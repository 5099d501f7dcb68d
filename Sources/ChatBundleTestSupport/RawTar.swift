import ArchiveIO

/// Builds tar bytes by hand, so tests can make archives our own writer never would:
/// links, devices, duplicate or hostile names, bad checksums, data after the end marker.
public struct RawTar {
  public private(set) var bytes: [UInt8] = []

  public init() {}

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
    var header = [UInt8](repeating: 0, count: 512)
    var name = rawName
    if name.count > 100 {
      // ustar prefix field: split at a slash so that prefix + "/" + name rebuilds the path.
      let split = name[..<min(name.count, 156)].lastIndex(of: UInt8(ascii: "/")) ?? 0
      put(&header, 345, Array(name[..<split]), width: 155)
      name = Array(name[(split + 1)...])
    }
    put(&header, 0, name, width: 100)
    put(&header, 100, octal(mode, width: 8), width: 8)
    put(&header, 108, octal(0, width: 8), width: 8)
    put(&header, 116, octal(0, width: 8), width: 8)
    put(&header, 124, octal(declaredSize ?? data.count, width: 12), width: 12)
    put(&header, 136, octal(1_700_000_000, width: 12), width: 12)
    header[156] = type
    put(&header, 157, Array(linkName.utf8), width: 100)
    put(&header, 257, Array("ustar\u{0}00".utf8), width: 8)
    for index in 148..<156 { header[index] = 0x20 }
    var sum = header.reduce(0) { $0 + Int($1) }
    if corruptChecksum { sum += 1 }
    put(&header, 148, octal(sum, width: 7) + [0], width: 8)
    bytes += header
    bytes += data
    bytes += [UInt8](repeating: 0, count: (512 - data.count % 512) % 512)
  }

  /// Appends a pax extended header ('x') with the given records.
  public mutating func addPax(_ records: [(String, String)]) {
    var body: [UInt8] = []
    for (key, value) in records {
      let content = " \(key)=\(value)\n"
      var length = content.utf8.count + 1
      while "\(length)".utf8.count + content.utf8.count != length { length += 1 }
      body += Array("\(length)\(content)".utf8)
    }
    add("PaxHeader/x", body, type: UInt8(ascii: "x"))
  }

  /// Appends the two zero blocks that end an archive.
  public mutating func end() {
    bytes += [UInt8](repeating: 0, count: 1024)
  }

  public mutating func append(_ raw: [UInt8]) { bytes += raw }

  public func gzipped(level: Int = 6) throws -> [UInt8] {
    try GzipDeflater.compress(bytes, level: level)
  }

  private func octal(_ value: Int, width: Int) -> [UInt8] {
    let digits = String(value, radix: 8)
    let padded = String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits
    return Array(padded.utf8)
  }

  private func put(_ header: inout [UInt8], _ offset: Int, _ value: [UInt8], width: Int) {
    for (index, byte) in value.prefix(width).enumerated() { header[offset + index] = byte }
  }
}
