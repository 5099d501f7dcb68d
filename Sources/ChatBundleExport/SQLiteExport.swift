import ArchiveIO
import ChatBundle

/// `chatbundle export sqlite`: a verified bundle as a SQLite database to query at once.
public enum SQLiteExport {
  /// How `media_files.data` is filled: `path` leaves it null (the files are where
  /// `chatbundle extract` puts them), `blob` holds each file's bytes.
  public enum Media: String, Sendable, CaseIterable {
    case path, blob
  }

  /// Verifies `bundle` and writes the database to `path`, all or nothing.
  @discardableResult
  public static func export(
    bundle: String, to path: String, media: Media = .path, force: Bool = false, progress: ExportProgress? = nil
  ) throws -> SQLExportSummary {
    try SQLExport.exportDatabase(
      bundle: bundle, to: path, force: force, media: media == .blob ? .blob : .path, progress: progress
    ) { scratch in try SQLiteFileWriter(creating: scratch) }
  }

  /// The SQLite library the file was written with, which decides its exact bytes.
  public static var libraryVersion: String { SQLiteDatabase.libraryVersion }
}
