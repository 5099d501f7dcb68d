/// Something in an entry's tar headers that the bundle's tar profile forbids, or on which
/// tar readers may disagree, found by `TarHeaderAuditor` in the raw header blocks.
public enum TarHeaderProblem: Sendable, Equatable, CustomStringConvertible {
  /// A pax global header (typeflag `g`), with the keywords it sets. libarchive ignores
  /// it; GNU tar and Python's tarfile apply it to the entries that follow.
  case globalHeader(keywords: [String])
  /// A `GNU.sparse.*` pax keyword: the entry is a sparse file.
  case sparseKeyword(String)
  /// The entry's typeflag is not one of a regular file (`0`, NUL, `7`).
  case typeflag(UInt8)
  /// A GNU or Solaris extension header (`L`, `K`, `V`, `A`, `X`) before the entry.
  case extensionHeader(UInt8)
  /// A pax keyword other than `path`, `size` and `mtime`.
  case paxKeywordNotAllowed(String)
  /// The same keyword twice in one pax header.
  case duplicatePaxKeyword(String)
  /// A pax record that is not `<length> <keyword>=<value>\n` with an exact length.
  case malformedPaxRecord(String)
  /// A `path`, `size` or `mtime` value that is not of the strict form.
  case paxValue(String)
  /// A pax header's `size` differs from the size in the entry's own ustar header.
  case paxSizeDiffers(pax: Int64, header: Int64?)
  /// More than one pax extended header before one entry.
  case repeatedPaxHeader
  /// An extended header or long name larger than `TarReaderLimits.extendedHeaderBytes`.
  case extendedHeaderTooLarge(Int64)
  /// A header block without the POSIX ustar magic `ustar\0` and version `00`.
  case notUstar
  /// The header checksum is not the unsigned sum POSIX defines.
  case checksum
  /// A numeric field that is not octal digits with NUL or space after them, or a name
  /// field with bytes after its terminating NUL.
  case malformedField(String)
  /// A ustar prefix that ends in `/`, or a prefix with an empty name: readers join them
  /// differently.
  case pathSplit
  /// libarchive and the strict parser read the entry differently.
  case disagreement(String)

  public var description: String {
    switch self {
    case .globalHeader(let keywords):
      let set = keywords.isEmpty ? "" : " setting \(keywords.joined(separator: ", "))"
      return "a pax global header\(set) precedes this entry; GNU tar and Python apply it, libarchive ignores it"
    case .sparseKeyword(let keyword): return "the pax keyword \(keyword) makes this a sparse file"
    case .typeflag(let flag): return "typeflag \(Self.name(of: flag)) is not a regular file"
    case .extensionHeader(let flag): return "a GNU or Solaris extension header (typeflag \(Self.name(of: flag)))"
    case .paxKeywordNotAllowed(let keyword):
      return "the pax keyword '\(keyword)' is not allowed (only path, size, mtime)"
    case .duplicatePaxKeyword(let keyword): return "the pax keyword '\(keyword)' occurs twice in one header"
    case .malformedPaxRecord(let detail): return "malformed pax record: \(detail)"
    case .paxValue(let keyword): return "the pax '\(keyword)' value is not of the strict form"
    case .paxSizeDiffers(let pax, let header):
      return "the pax size \(pax) differs from the header's size field \(header.map(String.init) ?? "(not a number)")"
    case .repeatedPaxHeader: return "more than one pax extended header for one entry"
    case .extendedHeaderTooLarge(let size): return "an extended header of \(size) bytes"
    case .notUstar: return "a header without the POSIX ustar magic and version"
    case .checksum: return "the header checksum is not the unsigned sum of the header's bytes"
    case .malformedField(let field): return "the header's \(field) field is malformed"
    case .pathSplit: return "the ustar prefix ends in '/' or has an empty name after it"
    case .disagreement(let detail): return "tar parsers disagree: \(detail)"
    }
  }

  /// A typeflag as it is usually written: the character, or its code when not printable.
  public static func name(of flag: UInt8) -> String {
    if (0x21..<0x7f).contains(flag) { return "'" + String(Character(Unicode.Scalar(flag))) + "'" }
    return "0x" + String(flag, radix: 16)
  }
}
