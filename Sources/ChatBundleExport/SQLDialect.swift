import ChatBundle

/// The SQL a script is written in: its types and how each value is spelled. Every literal
/// is made so that no text can end it early: quotes doubled, and for PostgreSQL an
/// escape string (`E'…'`) with every backslash doubled, which reads the same whatever
/// `standard_conforming_strings` says.
public enum SQLDialect: String, Sendable, CaseIterable {
  case postgresql
  case sqlite

  func type(_ type: DatabaseTable.ColumnType) -> String {
    switch self {
    case .sqlite: SQLiteFileWriter.type(type)
    case .postgresql:
      switch type {
      case .text: "text"
      case .integer: "bigint"
      case .boolean: "boolean"
      case .timestamp: "timestamptz"
      case .json: "jsonb"
      case .blob: "bytea"
      }
    }
  }

  /// The value as a literal. A script never carries file bytes, so blobs are null.
  func literal(_ value: DatabaseValue, to out: inout [UInt8]) {
    switch value {
    case .null, .blob, .reservedBlob: out += Array("NULL".utf8)
    case .text(let text): string(text, to: &out)
    case .integer(let number): out += Array(String(number).utf8)
    case .boolean(let flag):
      switch self {
      case .postgresql: out += Array((flag ? "TRUE" : "FALSE").utf8)
      case .sqlite: out.append(flag ? 0x31 : 0x30)
      }
    case .timestamp(let milliseconds):
      string(UTCTime.timestamp(milliseconds: milliseconds, alwaysMilliseconds: true), to: &out)
    case .json(let text):
      switch self {
      case .postgresql: string(Self.withoutNULEscapes(text), to: &out)
      case .sqlite: string(text, to: &out)
      }
    }
  }

  /// A string literal. PostgreSQL's text cannot hold U+0000, so it becomes U+FFFD there;
  /// SQLite's can, and gets it through `char(0)`, since a NUL byte never appears in the
  /// script. A carriage return is spelled out too (`\r`, `char(13)`): the sqlite3 shell,
  /// and editors that normalise line ends, would take a CR before a line feed away.
  private func string(_ text: String, to out: inout [UInt8]) {
    switch self {
    case .postgresql:
      out += [0x45, 0x27]
      for byte in text.utf8 {
        switch byte {
        case 0x27: out += [0x27, 0x27]
        case 0x5C: out += [0x5C, 0x5C]
        case 0x00: out += [0xEF, 0xBF, 0xBD]
        case 0x0D: out += [0x5C, 0x72]
        default: out.append(byte)
        }
      }
      out.append(0x27)
    case .sqlite:
      out.append(0x27)
      for byte in text.utf8 {
        switch byte {
        case 0x27: out += [0x27, 0x27]
        case 0x00: out += Array("' || char(0) || '".utf8)
        case 0x0D: out += Array("' || char(13) || '".utf8)
        default: out.append(byte)
        }
      }
      out.append(0x27)
    }
  }

  /// PostgreSQL's `jsonb` refuses the escape `\u0000`: in JSON the bundle wrote, it is the
  /// escape of U+0000 when an odd number of backslashes leads to it, and becomes `\ufffd`.
  static func withoutNULEscapes(_ json: String) -> String {
    let bytes = Array(json.utf8)
    let escape = Array("u0000".utf8)
    var found: [Int] = []
    var backslashes = 0
    var index = 0
    while index < bytes.count {
      let byte = bytes[index]
      if backslashes % 2 == 1, byte == 0x75, bytes[index...].starts(with: escape) { found.append(index) }
      backslashes = byte == 0x5C ? backslashes + 1 : 0
      index += 1
    }
    guard !found.isEmpty else { return json }
    var out = bytes
    for start in found { out.replaceSubrange(start..<(start + 5), with: Array("ufffd".utf8)) }
    return String(decoding: out, as: UTF8.self)
  }
}
