import ArchiveIO
import ChatBundle

/// What a database export wrote.
public struct SQLExportSummary: Sendable {
  public var path: String
  public var bundleID: String
  public var messages: Int64
  public var conversations: Int
  public var warnings: [String]
}

/// How far a database export is: messages written and the bundle's total.
public typealias ExportProgress = (_ messages: Int64, _ total: Int64) -> Void

/// `chatbundle export sql`: a verified bundle as one SQL script, for PostgreSQL or SQLite.
public enum SQLExport {
  /// Verifies `bundle` and writes the script to `path`, all or nothing: an invalid bundle
  /// is refused and nothing is written. `force` replaces a regular file at `path`.
  @discardableResult
  public static func export(
    bundle: String, to path: String, dialect: SQLDialect = .postgresql, force: Bool = false,
    progress: ExportProgress? = nil
  ) throws -> SQLExportSummary {
    try exportDatabase(bundle: bundle, to: path, force: force, media: .path, progress: progress) { scratch in
      try SQLScriptWriter(creating: scratch, dialect: dialect)
    }
  }

  /// The one pass of every database export: the writer fills a scratch file beside `path`,
  /// which is renamed into place only when the bundle verified.
  static func exportDatabase(
    bundle: String, to path: String, force: Bool, media: DatabaseExporter.MediaContent, progress: ExportProgress?,
    writer makeWriter: (String) throws -> DatabaseWriter
  ) throws -> SQLExportSummary {
    let placement = try placing {
      try OutputPlacement(
        file: path, existing: force ? .replaceRegularFile : .refuse(hint: "pass --force to replace it"))
    }
    defer { placement.discard() }
    let writer = try placing { try makeWriter(placement.scratch) }
    let exporter = DatabaseExporter(writer: writer, media: media, progress: progress)
    let (report, bundleID) = try verifiedExport(
      bundle, into: exporter, options: DatabaseExporter.readingOptions(media: media))
    try writer.finish()
    try? FileSystem.setPermissions(placement.scratch, 0o644)
    try placing { try placement.commit(placement.scratch) }
    return SQLExportSummary(
      path: path, bundleID: bundleID, messages: exporter.messages,
      conversations: report.manifest?.conversations.count ?? 0,
      warnings: report.issues.filter { $0.severity == .warning }.map(\.description) + exporter.warnings)
  }
}
