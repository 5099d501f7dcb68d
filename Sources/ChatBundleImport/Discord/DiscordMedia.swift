import ArchiveIO
import ChatBundle
import Foundation

/// Finds the file of a DCE attachment, sticker or embed image inside the export folder.
///
/// Exported with `--media`, DCE writes each asset's `url` as a path relative to the JSON
/// file, with the exporting machine's separator (`general.json_Files\x.png` from Windows,
/// sometimes doubled `\\`); without it, the url is Discord's CDN. The path comes from
/// untrusted data, so it is looked up only when it is relative and every segment is a
/// plain name (no `..`, `.`, drive letter or control character), and the file it names,
/// links resolved, must lie inside the export folder the user gave. A file outside it, or
/// any other url, is recorded as missing with the reason, and the pack goes on.
public enum DiscordMedia {
  /// What a message declares about one file.
  public struct Source: Sendable, Equatable {
    public var url: String?
    public var declaredSize: Int64?

    public init(url: String?, declaredSize: Int64? = nil) {
      self.url = url
      self.declaredSize = declaredSize
    }
  }

  /// The url is Discord's CDN (or another web address): DCE ran without `--media`.
  public static let notDownloaded = "not_downloaded"
  /// The url resolves to a file outside the export folder (through a link or otherwise).
  public static let outsideExport = "outside_export"

  /// Where a url points, before anything is looked up.
  public enum Location: Equatable {
    /// A relative path, as its segments.
    case local([String])
    case remote
    case absent
    case unsafe
  }

  public static func locate(_ url: String?) -> Location {
    guard let url, !url.isEmpty else { return .absent }
    let lowered = url.lowercased()
    if lowered.hasPrefix("https://") || lowered.hasPrefix("http://") { return .remote }
    let bytes = Array(url.utf8)
    // An absolute path (`/x`, `\x`, `C:\x`) or another scheme is never looked up: DCE
    // writes absolute paths only when the media folder lies outside the export.
    if bytes[0] == UInt8(ascii: "/") || bytes[0] == UInt8(ascii: "\\") || url.contains(":") { return .unsafe }
    if bytes.contains(where: { $0 < 0x20 || $0 == 0x7F }) { return .unsafe }
    let segments = url.split(whereSeparator: { $0 == "/" || $0 == "\\" }).map(String.init)
    guard !segments.isEmpty else { return .absent }
    if segments.contains(where: { $0 == "." || $0 == ".." || $0.utf8.count > 255 }) { return .unsafe }
    return .local(segments)
  }

  /// The folder media paths are resolved in and must stay inside.
  public struct Folder: Sendable, Equatable {
    /// The directory of the JSON file (DCE's paths are relative to it).
    public var base: String
    /// The real path of the export folder the user gave (the JSON file's own directory
    /// when a file was given); nil when it cannot be resolved, so nothing is looked up.
    public var root: String?

    public init(base: String, root: String?) {
      self.base = base
      self.root = root.flatMap(FileSystem.canonicalPath)
    }
  }

  /// Resolves a reference to a stored file, or to a `missing` reason.
  static func resolve(_ reference: MediaReference, source: Source, folder: Folder, builder: BundleBuilder)
    -> MediaReference
  {
    var result = reference
    result.size = nil
    switch locate(source.url) {
    case .absent: return result.markedMissing(.noReference)
    case .remote: return result.markedMissing(code: notDownloaded)
    case .unsafe: return result.markedMissing(.unsafeReference)
    case .local(let segments):
      guard let root = folder.root else { return result.markedMissing(.unreadable) }
      var candidates = [segments.joined(separator: "/")]
      // A path written URL-encoded (`my%20file.png`) names the decoded file.
      if let decoded = candidates[0].removingPercentEncoding, decoded != candidates[0], !decoded.contains("..") {
        candidates.append(decoded)
      }
      for relative in candidates {
        guard let real = FileSystem.canonicalPath(folder.base + "/" + relative) else { continue }
        guard real.hasPrefix(root == "/" ? "/" : root + "/") else { return result.markedMissing(code: outsideExport) }
        guard let info = FileStatus.of(real, followingLinks: false), info.kind == .regular else {
          return result.markedMissing(.notFound)
        }
        if let declared = source.declaredSize, declared > 0, info.size != declared {
          return result.markedMissing(.sizeMismatch)
        }
        do {
          return result.pointing(at: try builder.storeMedia(localPath: real, name: reference.name))
        } catch {
          return result.markedMissing(.unreadable)
        }
      }
      return result.markedMissing(.notFound)
    }
  }
}

extension MediaReference {
  /// This reference as not bundled, for a reason code the shared `MissingReason` lacks.
  fileprivate func markedMissing(code: String) -> MediaReference {
    var result = self
    result.missing = code
    result.sha256 = nil
    return result
  }
}
