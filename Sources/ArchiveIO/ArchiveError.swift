/// A failure in the archive or compression layer, with the library's own explanation.
///
/// `kind` tells callers what went wrong in terms a verifier can map to its issue codes;
/// `message` carries libarchive's or zlib's text, copied before the handle is touched again.
public struct ArchiveError: Error, CustomStringConvertible, Sendable, Equatable {
  public enum Kind: String, Sendable, Equatable {
    /// The file does not start with a gzip header.
    case notGzip
    /// The compressed stream ends before its end marker.
    case truncated
    /// Corrupt deflate data, or a gzip trailer whose CRC-32 or length does not match.
    case corruptCompression
    /// Bytes that are not a gzip member follow the last member.
    case trailingData
    /// The decompressed stream is not a tar archive.
    case notTar
    /// A tar header that libarchive rejected or warned about.
    case malformedTar
    /// Non-zero bytes after the tar end-of-archive marker.
    case dataAfterEnd
    /// A configured limit was exceeded.
    case limitExceeded
    /// A file system or write failure.
    case io
    /// A misuse of the API (writing more bytes than declared, and the like).
    case usage
  }

  public var kind: Kind
  public var operation: String
  public var message: String
  public var path: String?
  /// What the strict tar parser found in headers that belong to no entry libarchive
  /// returned: the one libarchive failed on, or headers after the last one.
  public var tarProblems: [TarHeaderProblem]

  public init(
    _ kind: Kind, operation: String, message: String, path: String? = nil, tarProblems: [TarHeaderProblem] = []
  ) {
    self.kind = kind
    self.operation = operation
    self.message = message
    self.path = path
    self.tarProblems = tarProblems
  }

  public var description: String {
    var text = operation
    if let path { text += " '\(path)'" }
    return text + ": " + message
  }
}

extension ArchiveError {
  /// A failed system call as an I/O error, with the errno's text as the message.
  public init(_ error: SystemCallError) {
    self.init(.io, operation: error.operation, message: error.message, path: error.path)
  }
}
