import ArchiveIO
import ChatBundle

/// Finds an attachment's original file in the `--media` directory.
///
/// The file's name is the last path segment of the body's `url` (the chatfiles uuid),
/// which is what `chatbundle pull` writes. That segment comes from untrusted data, so it
/// is used only when it is a plain file name: `[A-Za-z0-9][A-Za-z0-9._-]*`, at most 200
/// bytes. Anything else is recorded as missing, never looked up.
public enum EasemobMedia {
  public static func fileKey(fromURL url: String) -> String? {
    var text = Substring(url)
    if let cut = text.firstIndex(where: { $0 == "?" || $0 == "#" }) { text = text[..<cut] }
    while text.hasSuffix("/") { text = text.dropLast() }
    guard let slash = text.lastIndex(of: "/") else { return text.isEmpty ? nil : String(text) }
    let segment = text[text.index(after: slash)...]
    return segment.isEmpty ? nil : String(segment)
  }

  public static func isSafeFileName(_ name: String) -> Bool {
    guard let first = name.utf8.first, name.utf8.count <= 200 else { return false }
    func allowed(_ byte: UInt8) -> Bool {
      (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
        || byte == 0x2E || byte == 0x5F || byte == 0x2D
    }
    return allowed(first) && first != 0x2E && first != 0x2D && name.utf8.allSatisfy(allowed)
  }

  /// Resolves a reference to a stored file, or to a `missing` reason.
  static func resolve(
    _ reference: MediaReference, url: String?, declaredSize: Int64?, directory: String?, builder: BundleBuilder
  ) -> MediaReference {
    var result = reference
    result.size = nil
    guard let url, !url.isEmpty else { return result.markedMissing(.noReference) }
    guard let key = fileKey(fromURL: url) else { return result.markedMissing(.noReference) }
    guard isSafeFileName(key) else { return result.markedMissing(.unsafeReference) }
    guard let directory else { return result.markedMissing(.noMediaDirectory) }
    let path = directory + "/" + key
    let info: FileStatus
    do { info = try FileStatus(path: path, followingLinks: true) } catch {
      return result.markedMissing(error.isNotFound ? .notFound : .unreadable)
    }
    guard info.kind == .regular else { return result.markedMissing(.notFound) }
    if let declaredSize, declaredSize > 0, info.size != declaredSize {
      return result.markedMissing(.sizeMismatch)
    }
    do {
      return result.pointing(at: try builder.storeMedia(localPath: path, name: reference.name))
    } catch {
      return result.markedMissing(.unreadable)
    }
  }
}
