/// The path grammar of a bundle entry: segments of `[A-Za-z0-9._-]`, none empty, `.` or
/// `..`, at most `BundleLimits.pathBytes` bytes in all. Every path the format defines fits;
/// anything else is refused before it could reach a file system.
public enum PathRules {
  /// Why a path is refused.
  public enum Problem: Sendable, Equatable, CustomStringConvertible {
    case notUTF8, empty, absolute, driveLetter, homeRelative, parentSegment
    /// Not under the single top-level directory (B02 rather than B01).
    case outsideRoot
    case tooLong(limit: Int)
    case emptySegment
    case dotSegment(String)
    case backslash, controlCharacter, disallowedCharacter

    public var description: String {
      switch self {
      case .notUTF8: "the name is not valid UTF-8"
      case .empty: "the name is empty"
      case .absolute: "absolute path"
      case .driveLetter: "absolute path with a drive letter"
      case .homeRelative: "path starts with '~'"
      case .parentSegment: "path contains a '..' segment"
      case .outsideRoot: "entry is not under the single top-level directory '\(BundleLayout.root)/'"
      case .tooLong(let limit): "path is longer than \(limit) bytes"
      case .emptySegment: "path has an empty segment (a doubled or trailing '/')"
      case .dotSegment(let segment): "path contains a '\(segment)' segment"
      case .backslash: "path contains a backslash"
      case .controlCharacter: "path contains a control character"
      case .disallowedCharacter: "path contains a character outside [A-Za-z0-9._-]"
      }
    }
  }

  /// Why a tar entry name is unsafe, or nil. `rawName` is the full name including the root.
  public static func problem(entryName rawName: [UInt8], limits: BundleLimits = BundleLimits()) -> Problem? {
    guard let name = String(validating: rawName, as: UTF8.self) else { return .notUTF8 }
    if name.isEmpty { return .empty }
    if name.hasPrefix("/") || name.hasPrefix("\\") { return .absolute }
    if name.count >= 2, name.dropFirst().hasPrefix(":") { return .driveLetter }
    if name.hasPrefix("~") { return .homeRelative }
    let segments = name.split(separator: "/", omittingEmptySubsequences: false)
    if segments.contains("..") { return .parentSegment }
    if segments.first != Substring(BundleLayout.root) || segments.count < 2 { return .outsideRoot }
    return problem(relativePath: segments.dropFirst().joined(separator: "/"), limits: limits)
  }

  /// Why a path relative to the root is unsafe, or nil.
  public static func problem(relativePath path: String, limits: BundleLimits = BundleLimits()) -> Problem? {
    if path.isEmpty { return .empty }
    if path.utf8.count > limits.pathBytes { return .tooLong(limit: limits.pathBytes) }
    if path.hasPrefix("/") { return .absolute }
    for segment in path.split(separator: "/", omittingEmptySubsequences: false) {
      if segment.isEmpty { return .emptySegment }
      if segment == "." || segment == ".." { return .dotSegment(String(segment)) }
      for byte in segment.utf8 {
        let allowed =
          (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
          || byte == 0x2E || byte == 0x5F || byte == 0x2D
        if !allowed {
          if byte == 0x5C { return .backslash }
          if byte < 0x20 || byte == 0x7F { return .controlCharacter }
          return .disallowedCharacter
        }
      }
    }
    return nil
  }
}
