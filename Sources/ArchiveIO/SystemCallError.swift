import SystemPackage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A failed system call: which one, on what path, and the errno it left. `message` is the
/// C library's text for the errno (through `Errno`), the one place that text is made.
public struct SystemCallError: Error, CustomStringConvertible, Sendable, Equatable {
  public var errno: Errno
  public var operation: String
  public var path: String?

  public init(_ errno: Errno, operation: String, path: String? = nil) {
    self.errno = errno
    self.operation = operation
    self.path = path
  }

  /// The error the last failed call left in `errno`; read at once, before anything can
  /// overwrite it.
  static func last(_ operation: String, path: String? = nil) -> SystemCallError {
    SystemCallError(Errno(rawValue: lastErrno()), operation: operation, path: path)
  }

  /// "No such file or directory", and the like.
  public var message: String { errno.description }

  public var description: String {
    var text = operation
    if let path { text += " '\(path)'" }
    return text + ": " + message
  }

  /// ENOENT: the path (or a directory on it) does not exist.
  public var isNotFound: Bool { errno == .noSuchFileOrDirectory }
  /// EEXIST: a create that must not replace found something there.
  public var isAlreadyExisting: Bool { errno == .fileExists }
  /// ENOTEMPTY or EEXIST: a directory rename or removal met a directory with entries.
  public var isDirectoryNotEmpty: Bool { errno == .directoryNotEmpty || errno == .fileExists }
}

/// The C `errno`, outside the type whose property shares its name.
private func lastErrno() -> Int32 { errno }
