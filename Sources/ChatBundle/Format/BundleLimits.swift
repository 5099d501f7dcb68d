/// Limits a reader applies to a bundle from a stranger, so that a small file cannot make it
/// use unbounded memory, disk or time. The defaults are far above what a real export needs.
public struct BundleLimits: Sendable, Equatable {
  /// The largest timestamp a message may carry: 2^53 - 1, the integer range every JSON
  /// reader keeps exact.
  public static let maximumTimestamp: Int64 = 9_007_199_254_740_991

  public var manifestBytes: Int64 = 256 * 1024 * 1024
  public var entries: Int = 4_000_000
  public var entryBytes: Int64 = 64 * 1024 * 1024 * 1024
  public var totalBytes: Int64 = 4 * 1024 * 1024 * 1024 * 1024
  public var lineBytes: Int = 64 * 1024 * 1024
  public var pathBytes: Int = 240
  public var jsonDepth: Int = 64

  public init() {}
}
