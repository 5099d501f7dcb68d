import Foundation

/// Expands the command line's inputs into the files to read, in an order that does not
/// depend on the order they were given in.
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
      var isDirectory: ObjCBool = false
      guard manager.fileExists(atPath: input, isDirectory: &isDirectory) else {
        throw ImportError.unreadableInput(path: input, message: "no such file or directory")
      }
      if !isDirectory.boolValue {
        files.append(input)
        continue
      }
      guard let walker = manager.enumerator(atPath: input) else {
        throw ImportError.unreadableInput(path: input, message: "cannot list the directory")
      }
      while let relative = walker.nextObject() as? String {
        let path = (input as NSString).appendingPathComponent(relative)
        var childIsDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &childIsDirectory), !childIsDirectory.boolValue else {
          continue
        }
        let name = (relative as NSString).lastPathComponent
        let ext = (name as NSString).pathExtension.lowercased()
        if name.hasPrefix(".") {
          continue
        } else if recognisedExtensions.contains(ext) || (ext.isEmpty && name.allSatisfy(\.isNumber)) {
          files.append(path)
        } else {
          ignored.append(path)
        }
      }
    }
    let unique = Array(Set(files)).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    return (unique, ignored.sorted())
  }
}
