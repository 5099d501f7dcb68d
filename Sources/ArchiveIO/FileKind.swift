import SystemPackage

/// What a path is, by the type bits of its mode, as `stat`/`lstat`/`fstat` report it.
public enum FileKind: Sendable, Equatable {
  case regular
  case directory
  case symbolicLink
  case fifo
  case socket
  case characterDevice
  case blockDevice
  case unknown

  init(_ type: FileType) {
    switch type {
    case .regular: self = .regular
    case .directory: self = .directory
    case .symbolicLink: self = .symbolicLink
    case .fifo: self = .fifo
    case .socket: self = .socket
    case .characterSpecial: self = .characterDevice
    case .blockSpecial: self = .blockDevice
    default: self = .unknown
    }
  }

  /// For messages: "a directory", "a FIFO (named pipe)"…
  public var description: String {
    switch self {
    case .regular: "a regular file"
    case .directory: "a directory"
    case .symbolicLink: "a symbolic link"
    case .fifo: "a FIFO (named pipe)"
    case .socket: "a socket"
    case .characterDevice: "a character device"
    case .blockDevice: "a block device"
    case .unknown: "not a regular file"
    }
  }
}
