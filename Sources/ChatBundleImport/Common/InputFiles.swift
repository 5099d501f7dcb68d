import ArchiveIO
import ChatBundle
import Foundation

/// Expands the command line's inputs into the files to read, in an order that does not
/// depend on the order they were given in.
///
/// Only regular files are read. A FIFO, socket or device is refused here, by its type,
/// before anything opens it: opening a FIFO waits for a writer that may never come.
public enum InputFiles {
  /// Names read from inside a directory: the usual export extensions, and Easemob's bare
  /// hour keys (`2025031009`).
  static let recognisedExtensions: Set<String> = ["gz", "json", "jsonl", "ndjson", "txt"]

  /// - Returns: the files, sorted by path, and the directory entries that were passed over.
  public static func expand(_ inputs: [String]) throws -> (files: [String], ignored: [String]) {
    var files: [String] = []
    var ignored: [String] = []
    let manager = FileManager.default
    for input in inputs {
      let info: FileStatus
      do { info = try FileStatus(path: input, followingLinks: true) } catch {
        throw ImportError.unreadableInput(path: input, message: error.message)
      }
      if info.kind == .regular {
        files.append(input)
        continue
      }
      guard info.kind == .directory else { throw refusal(input, info.kind) }
      guard let walker = manager.enumerator(atPath: input) else {
        throw ImportError.unreadableInput(path: input, message: "cannot list the directory")
      }
      while let relative = walker.nextObject() as? String {
        let path = (input as NSString).appendingPathComponent(relative)
        let name = (relative as NSString).lastPathComponent
        // lstat first: the walk must not be steered through links; a link's target is
        // read only if it is a regular file.
        guard var kind = FileStatus.of(path, followingLinks: false)?.kind else { continue }
        if kind == .directory {
          // Hidden directories hold no export, and chatbundle's own scratch is one.
          if name.hasPrefix(".") { walker.skipDescendants() }
          continue
        }
        if kind == .symbolicLink {
          guard let target = FileStatus.of(path, followingLinks: true)?.kind, target != .directory else { continue }
          kind = target
        }
        guard takes(name) else {
          if !name.hasPrefix(".") { ignored.append(path) }
          continue
        }
        guard kind == .regular else { throw refusal(path, kind) }
        files.append(path)
      }
    }
    let unique = Array(Set(files)).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    return (unique, ignored.sorted())
  }

  /// Whether a file of this name inside an input directory is read as an export file. A
  /// bundle (`.tar.gz`) never is, so one packed into an input directory is not read back.
  public static func takes(_ name: String) -> Bool {
    guard !name.hasPrefix(".") else { return false }
    let lowered = name.lowercased()
    if lowered.hasSuffix(".tar.gz") { return false }
    let ext = (name as NSString).pathExtension.lowercased()
    return recognisedExtensions.contains(ext) || (ext.isEmpty && !name.isEmpty && name.allSatisfy(\.isNumber))
  }

  private static func refusal(_ path: String, _ kind: FileKind) -> ImportError {
    .unreadableInput(path: path, message: "is \(kind.description); only regular files and directories are read")
  }
}
