import ArchiveIO
import ChatBundle

/// What `SQLExport.export` wrote.
public struct SQLExportSummary: Sendable {
  public var path: String
  public var bundleID: String
  public var messages: Int64
  public var conversations: Int
  public var warnings: [String]
}

/// `chatbundle export sql`: a verified bundle as a PostgreSQL script.
public enum SQLExport {
  /// Verifies `bundle` and writes the script to `path`, all or nothing: an invalid bundle
  /// is refused and nothing is written. `force` replaces a regular file at `path`.
  @discardableResult
  public static func export(bundle: String, to path: String, force: Bool = false) throws -> SQLExportSummary {
    let placement = try placing {
      try OutputPlacement(
        file: path, existing: force ? .replaceRegularFile : .refuse(hint: "pass --force to replace it"))
    }
    defer { placement.discard() }
    let side = try placing { try makeTemporaryDirectory(in: parentDirectory(of: path), prefix: ".chatbundle-sql") }
    defer { removeTree(side) }
    let exporter = try PostgreSQLExporter(script: placement.scratch, scratch: side)
    let (report, bundleID) = try verifiedExport(bundle, into: exporter)
    try exporter.finish(bundleID: bundleID)
    try? FileSystem.setPermissions(placement.scratch, 0o644)
    try placing { try placement.commit(placement.scratch) }
    return SQLExportSummary(
      path: path, bundleID: bundleID, messages: exporter.messages,
      conversations: report.manifest?.conversations.count ?? 0,
      warnings: report.issues.filter { $0.severity == .warning }.map(\.description))
  }
}
