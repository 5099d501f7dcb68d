import ArchiveIO
import ChatBundle

/// Finds a Slack file's bytes inside the export, or says why they are not there.
///
/// Slack's own exports hold links only (`url_private`, which needs the workspace's token to
/// download; the importer never downloads). slackdump can put the files in the export:
/// `<channel folder>/attachments/<file id>-<name>` (its Slack-export layout) or
/// `__uploads/<file id>/<name>` (its Mattermost layout). Those names are looked up among
/// the files the export holds, as keys; nothing from the message becomes a path.
enum SlackMedia {
  /// What a message says about one file.
  struct Source: Sendable, Equatable {
    var fileID: String?
    var name: String?
    /// The conversation's folder in the export, where slackdump puts `attachments/`.
    var folder: String
    var declaredSize: Int64?
    /// `tombstone` (deleted), `hidden_by_limit` (beyond a free plan's history), `external`…
    var mode: String?
    var isExternal: Bool
    var hasPrivateURL: Bool
  }

  /// Why a file is not in the bundle, beyond the shared `MissingReason`s, with what the
  /// manifest's detail says of each.
  enum Reason: String, CaseIterable {
    case notDownloaded = "not_downloaded"
    case fileDeleted = "file_deleted"
    case hiddenByPlanLimit = "hidden_by_plan_limit"
    case externalFile = "external_file"

    var detail: String {
      switch self {
      case .notDownloaded: "only a url_private link; downloading needs the workspace's token"
      case .fileDeleted: "the file was deleted in Slack before the export (mode tombstone)"
      case .hiddenByPlanLimit: "the file is beyond the workspace plan's visible history (mode hidden_by_limit)"
      case .externalFile: "a link to a file kept outside Slack (Google Drive, Dropbox, …); not part of the export"
      }
    }
  }

  /// The paths inside the export where slackdump would have put the file.
  static func candidates(_ source: Source) -> [String] {
    guard let id = source.fileID, let name = source.name, isPlainComponent(id), isPlainComponent(name) else {
      return []
    }
    return [source.folder + "/attachments/" + id + "-" + name, "__uploads/" + id + "/" + name]
  }

  /// A single path component: not empty, no `/`, not `.` or `..`, no control character.
  static func isPlainComponent(_ text: String) -> Bool {
    !text.isEmpty && text != "." && text != ".." && text.utf8.count <= 255
      && !text.utf8.contains { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "\\") || $0 < 0x20 || $0 == 0x7F }
  }

  static func resolve(
    _ reference: MediaReference, source: Source, files: [String: String], builder: BundleBuilder
  ) -> MediaReference {
    var result = reference
    result.size = nil
    if let local = candidates(source).lazy.compactMap({ files[$0] }).first {
      guard let info = FileStatus.of(local, followingLinks: false), info.kind == .regular else {
        return result.markedMissing(.unreadable)
      }
      if let declared = source.declaredSize, declared > 0, info.size != declared {
        return result.markedMissing(.sizeMismatch)
      }
      do {
        return result.pointing(at: try builder.storeMedia(localPath: local, name: reference.name))
      } catch {
        return result.markedMissing(.unreadable)
      }
    }
    result.sha256 = nil
    switch source.mode {
    case "tombstone": result.missing = Reason.fileDeleted.rawValue
    case "hidden_by_limit": result.missing = Reason.hiddenByPlanLimit.rawValue
    default:
      if source.isExternal || source.mode == "external" {
        result.missing = Reason.externalFile.rawValue
      } else if source.hasPrivateURL {
        result.missing = Reason.notDownloaded.rawValue
      } else {
        return result.markedMissing(.noReference)
      }
    }
    return result
  }
}
