/// What a tar header says about one entry, before its data is read.
public struct TarEntryHeader: Sendable, Equatable {
  public enum EntryType: Sendable, Equatable {
    case regular, directory, symbolicLink, hardLink, characterDevice, blockDevice, fifo, socket
    case unknown(UInt32)
  }

  /// The path as UTF-8 text, or nil when the header's name is not valid UTF-8.
  public var path: String?
  /// The name's bytes as stored.
  public var rawPath: [UInt8]
  public var type: EntryType
  public var size: Int64
  public var linkTarget: String?
  public var isSparse: Bool
  public var mode: UInt32
  public var uid: Int64
  public var gid: Int64
  /// Warnings libarchive raised while reading this header (a strict reader rejects them).
  public var warnings: [String]
  /// Whether the header is POSIX ustar or pax, not GNU or v7 tar.
  public var isPOSIX: Bool
  /// The strict parser's reading of the same headers, and what it found wrong.
  public var audit: TarHeaderAudit
}
