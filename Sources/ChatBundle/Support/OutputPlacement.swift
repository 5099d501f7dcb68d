import ArchiveIO
import Foundation

/// Where a command's output goes: checked before any work, built whole in scratch beside
/// the destination (same file system), and committed with a single rename(2), so that the
/// destination is at every moment either as it was (absent or an empty directory) or
/// complete, whenever the process is killed.
///
/// A directory output is built in a fresh `.chatbundle-<label>-<pid>-XXXXXX` and renamed
/// onto the destination, which Linux allows when the destination is absent or an empty
/// directory; an earlier export that may be replaced is first renamed into the scratch and
/// removed with it. A file output is written to `.<name>.partial-<pid>` and renamed onto
/// the destination. Before it starts, every placement removes the scratch that dead runs
/// left beside the destination (see `ScratchRegistry.removeStale`).
public final class OutputPlacement {
  /// What may already be at the destination.
  public enum Existing: Sendable {
    /// Nothing, or for a directory output an empty directory; `hint` ends the refusal.
    case refuse(hint: String?)
    /// Also a regular file (a file output): never a directory, link, FIFO, socket or device.
    case replaceRegularFile
    /// Also a directory of regular files whose names end in `suffix` only, an earlier
    /// export of the same kind (`what` describes it in the refusal).
    case replaceExport(suffix: String, what: String)
  }

  private enum Found {
    case absent
    case emptyDirectory(mode: UInt16)
    case earlierExport
    case regularFile
  }

  /// The destination, without trailing slashes.
  public let destination: String
  /// For a directory output, the scratch directory to build in (the output itself is a
  /// directory made inside it); for a file output, the file to write.
  public let scratch: String
  private let isDirectory: Bool
  private let existing: Existing
  private let found: Found
  private var discarded = false

  /// A directory output at `path`, built in `.chatbundle-<label>-<pid>-XXXXXX` beside it.
  public init(directory path: String, label: String, existing: Existing) throws {
    destination = Self.trimmed(path)
    isDirectory = true
    self.existing = existing
    let name = baseName(of: destination)
    guard !name.isEmpty, name != ".", name != ".." else {
      throw ChatBundleError.io(
        path: path, message: "name the output directory itself: it is put in place by renaming a new one onto it")
    }
    found = try Self.inspectDirectory(destination, existing: existing)
    let parent = parentDirectory(of: destination)
    ScratchRegistry.shared.removeStale(in: parent)
    scratch = try makeTemporaryDirectory(in: parent, prefix: ".chatbundle-" + label)
  }

  /// A file output at `path`, written to `.<name>.partial-<pid>` beside it.
  public init(file path: String, existing: Existing) throws {
    destination = path
    isDirectory = false
    self.existing = existing
    found = try Self.inspectFile(path, existing: existing)
    let parent = parentDirectory(of: path)
    ScratchRegistry.shared.removeStale(in: parent)
    scratch = parent + "/." + baseName(of: path) + ".partial-\(CurrentProcess.id)"
    ScratchRegistry.shared.register(scratch)
  }

  deinit { discard() }

  /// Refuses a file destination before any work, as `init(file:existing:)` would.
  public static func checkFile(_ path: String, existing: Existing) throws {
    _ = try inspectFile(path, existing: existing)
  }

  /// Puts the finished `built` (a directory inside `scratch`, or the file `scratch`) in
  /// place with one rename. A failed commit leaves the destination as it was.
  public func commit(_ built: String) throws {
    try ScratchRegistry.shared.withoutInterruption {
      if isDirectory {
        try commitDirectory(built)
      } else {
        // Checked again at the last moment: what appeared meanwhile may not be replaced.
        _ = try Self.inspectFile(destination, existing: existing)
        try Self.rename(built, to: destination)
      }
    }
    FileSystem.syncDirectory(parentDirectory(of: destination))
  }

  /// Removes the scratch (and a replaced earlier export with it); called on deinit too.
  public func discard() {
    guard !discarded else { return }
    discarded = true
    ScratchRegistry.shared.remove(scratch)
  }

  private func commitDirectory(_ built: String) throws {
    switch found {
    case .absent, .regularFile:
      try? FileSystem.setPermissions(built, 0o755)
      try Self.rename(built, to: destination)
    case .emptyDirectory(let mode):
      try? FileSystem.setPermissions(built, mode)
      try Self.rename(built, to: destination)
    case .earlierExport:
      guard case .replaceExport(let suffix, let what) = existing else { return }
      let aside = scratch + "/.replaced"
      try Self.rename(destination, to: aside)
      do {
        // Checked again once no one else can add to it: a forced export never deletes
        // anything but an earlier export's files.
        try Self.checkEarlierExport(aside, shownAs: destination, suffix: suffix, what: what)
        let mode = FileStatus.of(aside, followingLinks: false)?.permissions ?? 0o755
        try? FileSystem.setPermissions(built, mode)
        try Self.rename(built, to: destination)
      } catch {
        try? FileSystem.rename(aside, to: destination)
        throw error
      }
    }
  }

  // MARK: - Checks

  private static func inspectDirectory(_ path: String, existing: Existing) throws -> Found {
    guard let info = try status(of: path) else { return .absent }
    guard info.kind == .directory else {
      throw ChatBundleError.io(
        path: path,
        message: info.kind == .symbolicLink
          ? "is a symbolic link; give the directory it points to"
          : "exists and is \(info.kind.description), not a directory")
    }
    let names = try contents(of: path)
    if names.isEmpty { return .emptyDirectory(mode: info.permissions) }
    switch existing {
    case .replaceExport(let suffix, let what):
      try checkEarlierExport(path, shownAs: path, suffix: suffix, what: what, names: names)
      return .earlierExport
    case .refuse(let hint):
      throw ChatBundleError.io(path: path, message: "exists and is not empty" + (hint.map { "; " + $0 } ?? ""))
    case .replaceRegularFile:
      throw ChatBundleError.io(path: path, message: "exists and is not empty")
    }
  }

  private static func inspectFile(_ path: String, existing: Existing) throws -> Found {
    guard let info = try status(of: path) else { return .absent }
    if info.kind == .directory { throw ChatBundleError.io(path: path, message: "is a directory") }
    guard info.kind == .regular else {
      throw ChatBundleError.io(
        path: path, message: "exists and is \(info.kind.description); only a regular file is ever replaced")
    }
    switch existing {
    case .replaceRegularFile: return .regularFile
    case .refuse(let hint):
      throw ChatBundleError.io(path: path, message: "exists" + (hint.map { "; " + $0 } ?? ""))
    case .replaceExport:
      throw ChatBundleError.io(path: path, message: "exists")
    }
  }

  private static func checkEarlierExport(
    _ path: String, shownAs shown: String, suffix: String, what: String, names: [String]? = nil
  ) throws {
    for name in try names ?? contents(of: path) {
      let isFile = FileStatus.of(path + "/" + name, followingLinks: false)?.kind == .regular
      if !isFile || !name.hasSuffix(suffix) {
        throw ChatBundleError.io(path: shown, message: "holds '\(name)'; --force replaces only \(what)")
      }
    }
  }

  private static func contents(of path: String) throws -> [String] {
    do {
      return try FileManager.default.contentsOfDirectory(atPath: path)
    } catch {
      throw ChatBundleError.io(path: path, message: "cannot list: \(error)")
    }
  }

  /// The `lstat` of what is at `path`, nil when nothing is.
  private static func status(of path: String) throws -> FileStatus? {
    do { return try FileStatus(path: path, followingLinks: false) } catch {
      if error.isNotFound { return nil }
      throw ChatBundleError.io(error, "cannot examine", path: path)
    }
  }

  private static func rename(_ source: String, to destination: String) throws {
    do { try FileSystem.rename(source, to: destination) } catch {
      if error.isDirectoryNotEmpty {
        throw ChatBundleError.io(path: destination, message: "is no longer empty; nothing was written")
      }
      throw ChatBundleError.io(error, "cannot move into place", path: destination)
    }
  }

  static func trimmed(_ path: String) -> String {
    var result = path
    while result.count > 1 && result.hasSuffix("/") { result.removeLast() }
    return result
  }
}
