/// The path grammar of a bundle entry: segments of `[A-Za-z0-9._-]`, none empty, `.` or
/// `..`, at most `BundleLimits.pathBytes` bytes in all. Every path the format defines fits;
/// anything else is refused before it could reach a file system.
public enum PathRules {
  /// Why a tar entry name is unsafe, or nil. `rawName` is the full name including the root.
  public static func problem(entryName rawName: [UInt8], limits: BundleLimits = BundleLimits()) -> String? {
    guard let name = String(validating: rawName, as: UTF8.self) else { return "the name is not valid UTF-8" }
    if name.isEmpty { return "the name is empty" }
    if name.hasPrefix("/") || name.hasPrefix("\\") { return "absolute path" }
    if name.count >= 2, name.dropFirst().hasPrefix(":") { return "absolute path with a drive letter" }
    if name.hasPrefix("~") { return "path starts with '~'" }
    let segments = name.split(separator: "/", omittingEmptySubsequences: false)
    if segments.contains("..") { return "path contains a '..' segment" }
    if segments.first != Substring(BundleLayout.root) || segments.count < 2 {
      return "entry is not under the single top-level directory '\(BundleLayout.root)/'"
    }
    return problem(relativePath: segments.dropFirst().joined(separator: "/"), limits: limits)
  }

  /// Why a path relative to the root is unsafe, or nil.
  public static func problem(relativePath path: String, limits: BundleLimits = BundleLimits()) -> String? {
    if path.isEmpty { return "the path is empty" }
    if path.utf8.count > limits.pathBytes { return "path is longer than \(limits.pathBytes) bytes" }
    if path.hasPrefix("/") { return "absolute path" }
    for segment in path.split(separator: "/", omittingEmptySubsequences: false) {
      if segment.isEmpty { return "path has an empty segment (a doubled or trailing '/')" }
      if segment == "." || segment == ".." { return "path contains a '\(segment)' segment" }
      for byte in segment.utf8 {
        let allowed =
          (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
          || byte == 0x2E || byte == 0x5F || byte == 0x2D
        if !allowed {
          if byte == 0x5C { return "path contains a backslash" }
          if byte < 0x20 || byte == 0x7F { return "path contains a control character" }
          return "path contains a character outside [A-Za-z0-9._-]"
        }
      }
    }
    return nil
  }
}
