/// Bounds on the work and memory `TarGzReader` spends on an archive from a stranger,
/// beyond the ones libarchive applies itself.
public struct TarReaderLimits: Sendable, Equatable {
  /// Zero bytes allowed after the end-of-archive marker before reading stops with
  /// `limitExceeded`. A bundle needs none; tar blocking adds at most one record (10,240
  /// bytes at GNU tar's default blocking factor), so this leaves room for blocking factors
  /// up to 128 while a file that inflates to gigabytes of zeros is not read to its end.
  public var endPaddingBytes: Int64 = 64 * 1024
  /// The largest pax extended header, pax global header or GNU long name whose content the
  /// strict parser reads; a larger one is a problem (a bundle's pax headers hold a path of
  /// at most a few hundred bytes) and its content is skipped unread.
  public var extendedHeaderBytes: Int64 = 64 * 1024
  /// Entries whose headers the strict parser has read while libarchive has not yet
  /// returned them. libarchive asks for the next chunk only once it is done with the
  /// current one, so two chunks' worth (1,024 entries of one block) is the most a sound
  /// archive reaches; more means that the two parsers no longer see the same entries.
  public var pendingEntries: Int = 4096

  public init() {}
}
