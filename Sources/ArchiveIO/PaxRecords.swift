/// The records of a pax extended or global header, parsed as strictly as POSIX writes
/// them: `<length> <keyword>=<value>\n` back to back up to the body's end, the length in
/// decimal without leading zeros and counting the whole record.
///
/// Readers part ways on anything else: Python stops at a NUL, libarchive warns and drops
/// the rest, GNU tar reads leading zeros. Nothing else is therefore accepted.
struct PaxRecords {
  struct Record: Equatable {
    var keyword: String
    var value: [UInt8]
  }

  private(set) var records: [Record] = []
  /// Why the body is not a sequence of well-formed records, if it is not.
  private(set) var problem: String?

  init(_ body: [UInt8]) {
    var start = 0
    while start < body.count {
      var index = start
      var length = 0
      while index < body.count, (0x30...0x39).contains(body[index]), index - start < 8 {
        // Eight digits at most, so this cannot overflow.
        length = length * 10 + Int(body[index] - 0x30)
        index += 1
      }
      guard index > start, body[start] != 0x30, index < body.count, body[index] == 0x20 else {
        problem = "no record length at byte \(start)"
        return
      }
      let contentStart = index + 1
      guard length <= body.count - start, start + length > contentStart, body[start + length - 1] == 0x0a else {
        problem = "the record at byte \(start) does not end with a newline at its length"
        return
      }
      let content = body[contentStart..<(start + length - 1)]
      guard let equals = content.firstIndex(of: 0x3d), equals > content.startIndex,
        content[..<equals].allSatisfy({ (0x21..<0x7f).contains($0) })
      else {
        problem = "the record at byte \(start) has no keyword of printable ASCII followed by '='"
        return
      }
      records.append(
        Record(
          keyword: String(decoding: content[..<equals], as: UTF8.self),
          value: Array(content[(equals + 1)...])))
      start += length
    }
  }
}
