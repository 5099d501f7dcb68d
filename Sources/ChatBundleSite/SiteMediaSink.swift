import ArchiveIO
import ChatBundle

/// Writes the media files the site shows, as their bytes stream past, under names made of
/// their digest (never of data). With `--hide-recalled`, files that only hidden messages
/// use stay out of the site.
final class SiteMediaSink {
  private let directory: String
  private var file: OpenFile?

  init(directory: String) { self.directory = directory }

  /// The site's file name for a media entry.
  static func fileName(of entry: Manifest.FileEntry) -> String {
    entry.sha256 + "." + SiteMedia.fileExtension(for: entry.mediaType)
  }

  /// Starts a file; `keep` false drops the entry's bytes.
  func begin(_ entry: Manifest.FileEntry, keep: Bool) throws {
    file = nil
    guard keep else { return }
    let path = directory + "/" + Self.fileName(of: entry)
    do {
      file = try OpenFile(
        path, .writeOnly, options: [.create, .truncate], permissions: [.ownerReadWrite, .groupRead, .otherRead])
    } catch {
      throw RenderError.output("cannot create \(path): \(error.message)")
    }
  }

  func write(_ bytes: [UInt8]) throws { try file?.writeAll(bytes) }

  func end() throws {
    try file?.close()
    file = nil
  }
}
