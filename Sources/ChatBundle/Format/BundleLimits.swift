import ArchiveIO

/// Limits a reader applies to a bundle from a stranger, so that a small file cannot make it
/// use unbounded memory, disk or time. The defaults are far above what a real export needs.
public struct BundleLimits: Sendable, Equatable {
  /// The largest timestamp a message may carry: 9999-12-31T23:59:59.999Z, the last instant
  /// RFC 3339 can write with a four-digit year (and well inside the 2^53 range every JSON
  /// reader keeps exact).
  public static let maximumTimestamp: Int64 = 253_402_300_799_999

  public var manifestBytes: Int64 = 256 * 1024 * 1024
  public var entries: Int = 4_000_000
  public var entryBytes: Int64 = 64 * 1024 * 1024 * 1024
  public var totalBytes: Int64 = 4 * 1024 * 1024 * 1024 * 1024
  public var lineBytes: Int = 64 * 1024 * 1024
  public var pathBytes: Int = 240
  public var jsonDepth: Int = 64
  /// Zero bytes allowed after the tar end-of-archive marker (a bundle needs none; tar
  /// blocking adds at most 10,240).
  public var endPaddingBytes: Int64 = 64 * 1024

  public init() {}

  /// The reader's share of these limits.
  public var tarReaderLimits: TarReaderLimits {
    var limits = TarReaderLimits()
    limits.endPaddingBytes = endPaddingBytes
    return limits
  }
}
