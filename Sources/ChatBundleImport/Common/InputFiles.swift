import ArchiveIO
import ChatBundle
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

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
      var info = stat()
      guard stat(input, &info) == 0 else {
        throw ImportError.unreadableInput(path: input, message: String(cString: strerror(errno)))
      }
      let type = info.st_mode & S_IFMT
      if type == S_IFREG {
        files.append(input)
        continue
      }
      guard type == S_IFDIR else { throw refusal(input, info) }
      guard let walker = manager.enumerator(atPath: input) else {
        throw ImportError.unreadableInput(path: input, message: "cannot list the directory")
      }
      while let relative = walker.nextObject() as? String {
        let path = (input as NSString).appendingPathComponent(relative)
        let name = (relative as NSString).lastPathComponent
        // lstat first: the walk must not be steered through links; a link's target is
        // read only if it is a regular file.
        var entry = stat()
        guard lstat(path, &entry) == 0 else { continue }
        if (entry.st_mode & S_IFMT) == S_IFDIR {
          // Hidden directories hold no export, and chatbundle's own scratch is one.
          if name.hasPrefix(".") { walker.skipDescendants() }
          continue
        }
        if (entry.st_mode & S_IFMT) == S_IFLNK {
          guard stat(path, &entry) == 0, (entry.st_mode & S_IFMT) != S_IFDIR else { continue }
        }
        guard takes(name) else {
          if !name.hasPrefix(".") { ignored.append(path) }
          continue
        }
        guard (entry.st_mode & S_IFMT) == S_IFREG else { throw refusal(path, entry) }
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

  private static func refusal(_ path: String, _ info: stat) -> ImportError {
    .unreadableInput(
      path: path, message: "is \(fileTypeDescription(info.st_mode)); only regular files and directories are read")
  }
}
