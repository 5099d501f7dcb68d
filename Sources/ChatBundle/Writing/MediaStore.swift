import ArchiveIO

/// The media files a pack has found, each hashed once (by path) and remembered by its
/// SHA-256 until the archive is written.
final class MediaStore {
  private var byPath: [String: StoredMedia] = [:]
  private var sources: [String: String] = [:]
  /// One read buffer for every file, instead of a fresh one per file.
  private var buffer = [UInt8](repeating: 0, count: 1 << 20)

  /// Hashes a local file (once per path) and remembers where its bytes are. `mediaType`,
  /// a parent bundle's word for the file, is kept instead of detecting it anew.
  func store(localPath: String, name: String?, mediaType: String? = nil) throws -> StoredMedia {
    if let known = byPath[localPath] { return known }
    let stream = try FileByteStream(path: localPath)
    var digest = SHA256Digest()
    var prefix: [UInt8] = []
    var size: Int64 = 0
    while true {
      let count = try buffer.withUnsafeMutableBytes { try stream.read(into: $0) }
      if count == 0 { break }
      buffer.withUnsafeBytes { digest.update(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
      if prefix.count < 64 { prefix += buffer[0..<min(count, 64 - prefix.count)] }
      size += Int64(count)
    }
    let stored = StoredMedia(
      sha256: digest.finalizeHex(), size: size, mediaType: mediaType ?? MediaTypes.detect(prefix: prefix, name: name))
    byPath[localPath] = stored
    sources[stored.sha256] = localPath
    return stored
  }

  /// Where the file with this digest is, for the archive.
  func source(sha256: String) -> String? { sources[sha256] }

  /// The manifest's entries for the media the messages use.
  func entries(for used: Set<String>) throws -> [Manifest.FileEntry] {
    let bySHA = Dictionary(byPath.values.map { ($0.sha256, $0) }, uniquingKeysWith: { first, _ in first })
    return try used.sorted().map { sha in
      guard let stored = bySHA[sha] else {
        throw ChatBundleError.io(path: sha, message: "a message refers to media that was never stored")
      }
      return Manifest.FileEntry(
        path: BundleLayout.mediaPath(sha256: sha), size: stored.size, sha256: sha, role: .media,
        mediaType: stored.mediaType)
    }
  }
}

/// A media file hashed for the bundle.
public struct StoredMedia: Sendable, Equatable {
  public var sha256: String
  public var size: Int64
  public var mediaType: String
}
