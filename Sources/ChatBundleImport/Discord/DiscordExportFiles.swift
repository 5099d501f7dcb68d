import ArchiveIO
import ChatBundle
import Foundation

/// The DCE JSON files among the inputs, each with the folder its media must stay inside.
///
/// An input is a `.json` file (its media folder is its own directory) or a folder of them
/// (the folder is the boundary for every file found in it). DCE's `<file>.json_Files/`
/// media folders, hidden entries and other files are passed over; links are followed only
/// to regular files, never into directories. The result is sorted by path bytes, so the
/// order the inputs were named in does not change the bundle.
public enum DiscordExportFiles {
  public struct File: Sendable, Equatable {
    public var path: String
    /// The export folder the user gave: the directory input, or the file's own directory.
    public var root: String
  }

  public static func expand(_ inputs: [String]) throws -> (files: [File], ignored: [String]) {
    var files: [String: String] = [:]
    var ignored: [String] = []
    // A file named both on its own and inside a folder gets the bytewise smaller root (the
    // enclosing folder is a prefix of its own directory), whatever order they were given in.
    func note(_ path: String, root: String) {
      if let known = files[path], Array(known.utf8).lexicographicallyPrecedes(Array(root.utf8)) { return }
      files[path] = root
    }
    for input in inputs {
      let info: FileStatus
      do { info = try FileStatus(path: input, followingLinks: true) } catch {
        throw ImportError.unreadableInput(path: input, message: error.message)
      }
      if info.kind == .regular {
        note(input, root: parentDirectory(of: input))
        continue
      }
      guard info.kind == .directory else {
        throw ImportError.unreadableInput(
          path: input, message: "is \(info.kind.description); give DCE .json files or folders of them")
      }
      guard let walker = FileManager.default.enumerator(atPath: input) else {
        throw ImportError.unreadableInput(path: input, message: "cannot list the directory")
      }
      while let relative = walker.nextObject() as? String {
        let path = (input as NSString).appendingPathComponent(relative)
        let name = (relative as NSString).lastPathComponent
        guard var kind = FileStatus.of(path, followingLinks: false)?.kind else { continue }
        if kind == .directory {
          // Media folders hold no export; hidden ones are chatbundle's scratch or a VCS's.
          if name.hasPrefix(".") || name.hasSuffix("_Files") { walker.skipDescendants() }
          continue
        }
        if kind == .symbolicLink {
          guard let target = FileStatus.of(path, followingLinks: true)?.kind, target != .directory else { continue }
          kind = target
        }
        guard !name.hasPrefix("."), name.lowercased().hasSuffix(".json") else {
          if !name.hasPrefix(".") { ignored.append(path) }
          continue
        }
        guard kind == .regular else {
          throw ImportError.unreadableInput(path: path, message: "is \(kind.description); only regular files are read")
        }
        note(path, root: input)
      }
    }
    let sorted = files.map { File(path: $0.key, root: $0.value) }.sorted {
      Array($0.path.utf8).lexicographicallyPrecedes(Array($1.path.utf8))
    }
    return (sorted, ignored.sorted())
  }
}
