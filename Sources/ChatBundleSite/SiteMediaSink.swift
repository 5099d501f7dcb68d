import ArchiveIO
import ChatBundle

/// Writes the media files the site shows, as their bytes stream past, under names made of
/// their digest (never of data). With `--hide-recalled`, files that only hidden messages
/// use stay out of the site.
///
/// Given an extract of the bundle (`render --media-from`), a media file whose bytes there
/// have the manifest's size and SHA-256 is hard-linked into the site instead of written
/// again: the verifying pass still reads the bundle's copy, but the site costs no space.
final class SiteMediaSink {
  private let directory: String
  private let extract: String?
  private var file: OpenFile?
  /// Media files linked from the extract rather than written.
  private(set) var linked = 0

  init(directory: String, linkingFrom extract: String? = nil) {
    self.directory = directory
    self.extract = extract
  }

  /// The site's file name for a media entry.
  static func fileName(of entry: Manifest.FileEntry) -> String {
    entry.sha256 + "." + SiteMedia.fileExtension(for: entry.mediaType)
  }

  /// Starts a file; `keep` false drops the entry's bytes.
  func begin(_ entry: Manifest.FileEntry, keep: Bool) throws {
    file = nil
    guard keep else { return }
    let path = directory + "/" + Self.fileName(of: entry)
    if let extract, link(entry, from: extract, to: path) {
      linked += 1
      return
    }
    do {
      file = try OpenFile(
        path, .writeOnly, options: [.create, .truncate], permissions: [.ownerReadWrite, .groupRead, .otherRead])
    } catch {
      throw RenderError.output("cannot create \(path): \(error.message)")
    }
  }

  /// Links the extract's copy of `entry` to `path` when it is a regular file (not a link)
  /// with the entry's size and SHA-256; false leaves the bytes to be written from the bundle,
  /// as when the extract lacks the file, differs, or is on another file system.
  private func link(_ entry: Manifest.FileEntry, from extract: String, to path: String) -> Bool {
    guard PathRules.problem(relativePath: entry.path) == nil,
      let source = try? OpenFile(extract + "/" + entry.path, .readOnly, options: [.noFollow]),
      let status = try? source.status(), status.isRegularFile, status.size == entry.size
    else { return false }
    var digest = SHA256Digest()
    var buffer = [UInt8](repeating: 0, count: 1 << 20)
    var read: Int64 = 0
    while true {
      guard let count = try? source.read(into: &buffer), count >= 0 else { return false }
      if count == 0 { break }
      read += Int64(count)
      guard read <= entry.size else { return false }
      buffer.withUnsafeBytes { digest.update(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
    }
    guard read == entry.size, digest.finalizeHex() == entry.sha256 else { return false }
    return (try? source.link(to: path)) != nil
  }

  func write(_ bytes: [UInt8]) throws { try file?.writeAll(bytes) }

  func end() throws {
    try file?.close()
    file = nil
  }
}
