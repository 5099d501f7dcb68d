import ArchiveIO
import ChatBundle

/// Finds a message's file inside the export folder Telegram Desktop wrote.
///
/// `photo`, `file`, `thumbnail` and `contact_vcard` hold a path relative to the folder of
/// `result.json` (`photos/photo_1@01-01-2023_10-00-00.jpg`), or, when the file was not
/// exported, a sentence in parentheses. The path comes from untrusted data: it is looked
/// up only when it is relative, has no `.` or `..` component, no backslash and no control
/// character, and it must still lie inside the folder once symbolic links are resolved.
public enum TelegramMedia {
  /// What finding one file needs: the path as written, and the size the export declares.
  public struct Source: Sendable, Hashable {
    public var path: String
    public var declaredSize: Int64?

    public init(path: String, declaredSize: Int64? = nil) {
      self.path = path
      self.declaredSize = declaredSize
    }
  }

  /// The reason for a file Telegram did not write, from its placeholder sentence:
  /// `(File not included. Change data exporting settings to download.)` and
  /// `(File exceeds maximum size. …)` are the export's settings (`not_exported`),
  /// `(File unavailable, please try again later)` a download that failed (`unavailable`).
  /// Nil for a path.
  public static func placeholderReason(_ value: String) -> String? {
    guard value.hasPrefix("(") else { return nil }
    return value.contains("unavailable") ? "unavailable" : "not_exported"
  }

  /// Whether a path from the export may be looked up inside its folder.
  public static func isSafeRelativePath(_ path: String) -> Bool {
    guard !path.isEmpty, path.utf8.count <= 1024, !path.hasPrefix("/"), !path.utf8.contains(0x5C) else { return false }
    guard !path.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return false }
    let components = path.split(separator: "/", omittingEmptySubsequences: false)
    return !components.contains { $0.isEmpty || $0 == "." || $0 == ".." }
  }

  /// Resolves a reference to a stored file or a `missing` reason. `folder` is the export
  /// folder already resolved to its canonical path.
  static func resolve(_ reference: MediaReference, source: Source, folder: String, builder: BundleBuilder)
    -> MediaReference
  {
    var result = reference
    result.size = nil
    if let reason = placeholderReason(source.path) {
      result.missing = reason
      result.sha256 = nil
      return result
    }
    guard isSafeRelativePath(source.path) else { return result.markedMissing(.unsafeReference) }
    let path = folder + "/" + source.path
    guard let link = FileStatus.of(path, followingLinks: false) else { return result.markedMissing(.notFound) }
    if link.kind == .symbolicLink {
      // A link may point anywhere; only a target inside the folder is read.
      guard let target = FileSystem.canonicalPath(path), target.hasPrefix(folder == "/" ? "/" : folder + "/") else {
        return result.markedMissing(.unsafeReference)
      }
    }
    let info: FileStatus
    do { info = try FileStatus(path: path, followingLinks: true) } catch {
      return result.markedMissing(error.isNotFound ? .notFound : .unreadable)
    }
    guard info.kind == .regular else { return result.markedMissing(.notFound) }
    // A directory on the way may itself be a link out of the folder.
    guard let canonical = FileSystem.canonicalPath(path), canonical.hasPrefix(folder == "/" ? "/" : folder + "/")
    else {
      return result.markedMissing(.unsafeReference)
    }
    if let declared = source.declaredSize, declared > 0, info.size != declared {
      return result.markedMissing(.sizeMismatch)
    }
    do {
      return result.pointing(at: try builder.storeMedia(localPath: canonical, name: reference.name))
    } catch {
      return result.markedMissing(.unreadable)
    }
  }
}
