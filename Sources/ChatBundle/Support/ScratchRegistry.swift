import ArchiveIO
import Foundation

/// Scratch files and directories that must not outlive the process, so that an
/// interrupted command (Ctrl-C, SIGTERM) leaves nothing behind, not even hidden files.
///
/// Every scratch name carries its owner's pid (`.chatbundle-<label>-<pid>-XXXXXX`,
/// `.<name>.partial-<pid>`), so that a later run can tell the leftovers of a run that was
/// killed outright (its pid is gone) from the scratch of one still running, and remove them.
///
/// One lock guards the set and everything that must not interleave with the cleanup after
/// a signal: creating and removing scratch, and committing an output. The cleanup keeps the
/// lock until the process exits, so a thread that reaches any of these afterwards waits
/// there for the exit instead of racing the cleanup or exiting with another status.
public final class ScratchRegistry: Sendable {
  public static let shared = ScratchRegistry()
  /// A `Monitor` rather than a bare `Mutex`, so that ThreadSanitizer sees the lock.
  private let paths = Monitor<Set<String>>([])

  public func register(_ path: String) {
    paths.withLock { _ = $0.insert(path) }
  }

  public func unregister(_ path: String) {
    paths.withLock { _ = $0.remove(path) }
  }

  /// Creates and registers `<prefix>-<pid>-XXXXXX` in `parent` (the prefix is
  /// `.chatbundle-` and a lowercase label) in one step, so that no signal can fall between.
  package func makeDirectory(in parent: String, prefix: String) throws -> String {
    try paths.withLock { paths throws(ChatBundleError) -> String in
      let path: String
      do throws(SystemCallError) {
        path = try FileSystem.makeUniqueDirectory(prefix: parent + "/" + prefix + "-\(CurrentProcess.id)-")
      } catch {
        throw ChatBundleError.io(error, "cannot create a scratch directory", path: parent)
      }
      paths.insert(path)
      return path
    }
  }

  /// Removes a scratch file or tree and forgets it; an interrupt meanwhile waits for it.
  public func remove(_ path: String) {
    paths.withLock { paths in
      removeTree(path)
      paths.remove(path)
    }
  }

  /// Runs `body` (an output's commit) so that the cleanup after a signal comes either
  /// wholly before it or wholly after it.
  public func withoutInterruption(_ body: () throws -> Void) throws {
    try paths.withLock { _ in try body() }
  }

  /// The cleanup after SIGINT or SIGTERM, run on a thread of its own while the command's
  /// threads may still be writing: each registered path is renamed away (so no thread can
  /// create anything under its old name), an empty file takes its place while the renamed
  /// tree is removed (so no `mkdir -p` can bring the name back), and then that file goes
  /// too. `exit` is called with the lock still held.
  public func removeAll(thenExit exit: () -> Never) -> Never {
    paths.withLock { paths -> Never in
      var trashes: [String: String] = [:]
      var fences: [String] = []
      for (number, path) in paths.sorted().enumerated() {
        let parent = parentDirectory(of: path)
        for _ in 0..<3 {
          if FileStatus.of(path, followingLinks: false) != nil {
            if trashes[parent] == nil { trashes[parent] = Self.makeTrash(in: parent) }
            let moved = trashes[parent].map { (try? FileSystem.rename(path, to: $0 + "/\(number)")) != nil } ?? false
            if !moved { removeTree(path) }
          }
          do throws(SystemCallError) {
            _ = try OpenFile(path, .writeOnly, options: [.create, .exclusiveCreate, .noFollow], permissions: [])
            fences.append(path)
            break
          } catch {
            // ENOENT or ENOTDIR: its parent went first; anything else: nothing more to do.
            if !error.isAlreadyExisting { break }
          }
        }
      }
      // A thread that looked a directory of the tree up just before it was renamed away may
      // still create an entry in it while the tree is removed, which then fails on that
      // directory: the next try removes what it made.
      for trash in trashes.values {
        for _ in 0..<5 where FileStatus.of(trash, followingLinks: false) != nil { removeTree(trash) }
      }
      for fence in fences { removeTree(fence) }
      paths = []
      exit()
    }
  }

  private static func makeTrash(in parent: String) -> String? {
    try? FileSystem.makeUniqueDirectory(prefix: parent + "/.chatbundle-trash-\(CurrentProcess.id)-")
  }

  // MARK: - Leftovers of killed runs

  /// Removes from `directory` the scratch of runs that are gone: names of exactly the two
  /// scratch forms whose pid no process has (or is this process's own but not registered:
  /// a dead run's pid reused), and only regular files and directories, never through a
  /// symbolic link. The scratch of a live process is never touched.
  public func removeStale(in directory: String) {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
    let own = CurrentProcess.id
    for name in names {
      guard let pid = Self.owner(ofScratchName: name) else { continue }
      let path = directory + "/" + name
      if pid == own {
        if paths.withLock({ $0.contains(path) }) { continue }
      } else {
        guard !CurrentProcess.isAlive(pid) else { continue }
      }
      guard let kind = FileStatus.of(path, followingLinks: false)?.kind, kind == .regular || kind == .directory
      else { continue }
      paths.withLock { _ in removeTree(path) }
    }
  }

  /// The pid in a scratch name, or nil if the name is not one of ours.
  package static func owner(ofScratchName name: String) -> Int32? {
    let utf8 = Array(name.utf8)
    func pid(_ digits: ArraySlice<UInt8>) -> Int32? {
      guard (1...10).contains(digits.count), digits.allSatisfy({ (0x30...0x39).contains($0) }),
        let value = Int32(String(decoding: digits, as: UTF8.self)), value > 0
      else { return nil }
      return value
    }
    let directoryPrefix = Array(".chatbundle-".utf8)
    if utf8.starts(with: directoryPrefix) {
      // .chatbundle-<label>-<pid>-XXXXXX, the label lowercase letters, XXXXXX from mkdtemp.
      let parts = utf8[directoryPrefix.count...].split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
      guard parts.count == 3, !parts[0].isEmpty, parts[0].allSatisfy({ (0x61...0x7A).contains($0) }),
        parts[2].count == 6,
        parts[2].allSatisfy({ (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) })
      else { return nil }
      return pid(parts[1])
    }
    // .<name>.partial-<pid>
    let marker = Array(".partial-".utf8)
    guard utf8.first == UInt8(ascii: "."), utf8.count > marker.count + 2 else { return nil }
    var start = utf8.count - marker.count
    while start > 1 {
      if utf8[start..<(start + marker.count)].elementsEqual(marker) { return pid(utf8[(start + marker.count)...]) }
      start -= 1
    }
    return nil
  }
}
