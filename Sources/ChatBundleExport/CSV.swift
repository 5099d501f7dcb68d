import Foundation

/// RFC 4180 CSV as spreadsheets read it: UTF-8 with a byte order mark (so that Excel
/// does not guess a legacy code page and garble Chinese), CRLF after every record, and a
/// field quoted when it holds a comma, a double quote, a CR or an LF, with quotes doubled.
///
/// Every field is also defused against formula injection: a cell that starts with `=`,
/// `+`, `-`, `@`, a tab or a CR would be run as a formula by Excel or LibreOffice when the
/// file is opened, so such a field gets a leading apostrophe (`'=1+1`). The apostrophe is
/// part of the data a CSV reader sees; it is the price of never running a message as code.
public enum CSV {
  public static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

  /// Whether a spreadsheet would treat a cell starting like this as a formula.
  public static func needsFormulaGuard(_ field: String) -> Bool {
    guard let first = field.utf8.first else { return false }
    switch first {
    case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D: return true
    default: return false
    }
  }

  /// One field as it appears in the file: guarded, then quoted if it must be.
  public static func encode(_ field: String) -> String {
    let guarded = needsFormulaGuard(field) ? "'" + field : field
    let mustQuote = guarded.utf8.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0D || $0 == 0x0A }
    guard mustQuote else { return guarded }
    return "\"" + guarded.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  /// One record, CRLF included.
  public static func record(_ fields: [String]) -> [UInt8] {
    var bytes: [UInt8] = []
    for (index, field) in fields.enumerated() {
      if index > 0 { bytes.append(0x2C) }
      bytes.append(contentsOf: encode(field).utf8)
    }
    bytes.append(contentsOf: [0x0D, 0x0A])
    return bytes
  }
}
