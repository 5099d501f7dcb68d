import ArchiveIO

/// Limits a reader applies to a bundle from a stranger, so that a small file cannot make it
/// use unbounded memory, disk or time (spec §12). The defaults are far above what a real
/// export needs, and each bounds what is held before anything is parsed.
public struct BundleLimits: Sendable, Equatable {
  /// The largest timestamp a message may carry: 9999-12-31T23:59:59.999Z, the last instant
  /// RFC 3339 can write with a four-digit year (and well inside the 2^53 range every JSON
  /// reader keeps exact).
  public static let maximumTimestamp: Int64 = 253_402_300_799_999

  /// The manifest is held whole while it is read; a manifest with 100,000 media files is
  /// about 25 MiB.
  public var manifestBytes: Int64 = 64 * 1024 * 1024
  public var entries: Int = 4_000_000
  /// Entries the manifest does not list: each is an error already, and reading on past a
  /// few would only let a small file make the reader hold a name per entry.
  public var unlistedEntries: Int = 64
  public var entryBytes: Int64 = 64 * 1024 * 1024 * 1024
  public var totalBytes: Int64 = 4 * 1024 * 1024 * 1024 * 1024
  /// One NDJSON line is held whole, and a message's text can grow several times over on
  /// its way into a page; real messages are kilobytes.
  public var lineBytes: Int = 16 * 1024 * 1024
  public var pathBytes: Int = 240
  public var jsonDepth: Int = 64
  /// Members of one JSON object; duplicate detection holds a set of its keys.
  public var jsonObjectMembers: Int = 1_000_000
  /// Zero bytes allowed after the tar end-of-archive marker (a bundle needs none; tar
  /// blocking adds at most 10,240).
  public var endPaddingBytes: Int64 = 64 * 1024

  public init() {}

  /// How lines and the manifest are parsed under these limits.
  var strictParsing: JSONParser.Options {
    var options = JSONParser.Options.strict
    options.maxDepth = jsonDepth
    options.maxObjectMembers = jsonObjectMembers
    return options
  }

  /// The reader's share of these limits.
  public var tarReaderLimits: TarReaderLimits {
    var limits = TarReaderLimits()
    limits.endPaddingBytes = endPaddingBytes
    return limits
  }
}
