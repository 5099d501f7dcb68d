import ArchiveIO
import ChatBundle
import Foundation

/// One Slack export as the user gave it, a zip or its unpacked folder, seen as a map from
/// each file's path inside the export to a local file holding its bytes.
///
/// No name from the export ever becomes a path: a zip's entries are copied to scratch
/// files named by their position (`<scratch>/17`), and a folder is walked and only what
/// the walk found is read. A name that is absolute, climbs with `..`, or is not UTF-8 is
/// passed over with a note; so are links (a folder's symbolic links are not followed, a
/// zip's are not made) and anything but a regular file.
final class SlackExport {
  /// The input as the user named it.
  let input: String
  let isZip: Bool
  /// Path inside the export (`general/2020-01-02.json`) → local file.
  private(set) var files: [String: String] = [:]
  /// What was passed over, and why, in the order found.
  private(set) var notes: [String] = []
  private var scratch: String?

  /// Metadata files Slack writes at the top of an export; one of the first two must be
  /// there for the input to be taken as a Slack export.
  static let metadataFiles = [
    "channels.json", "users.json", "groups.json", "dms.json", "mpims.json", "org_users.json",
    "integration_logs.json", "canvases.json", "content_flags.json", "huddle_transcripts.json", "lists.json",
  ]

  init(input: String, scratchParent: String, limits: ZipArchiveReader.Limits) throws {
    self.input = input
    let info: FileStatus
    do { info = try FileStatus(path: input, followingLinks: true) } catch {
      throw ImportError.unreadableInput(path: input, message: error.message)
    }
    switch info.kind {
    case .directory:
      isZip = false
      try walkFolder()
    case .regular:
      isZip = true
      try checkLooksLikeZip()
      try extractZip(scratchParent: scratchParent, limits: limits)
    default:
      throw ImportError.unreadableInput(
        path: input, message: "is \(info.kind.description); give a Slack export zip or its folder")
    }
    stripSingleTopFolder()
    try checkIsSlackExport()
  }

  deinit {
    if let scratch { ScratchRegistry.shared.remove(scratch) }
  }

  /// How errors and notes name a file of this export: `exports/acme.zip:general/2020-01-02.json`,
  /// or its path under the folder.
  func displayName(_ relative: String) -> String {
    isZip ? input + ":" + relative : (input.hasSuffix("/") ? input + relative : input + "/" + relative)
  }

  /// How the manifest's inputs name it: from the input's last component on
  /// (`acme.zip:general/2020-01-02.json`, `acme/general/2020-01-02.json`), so that the
  /// bundle does not depend on where the export was when it was packed.
  func inputName(_ relative: String) -> String {
    var base = Substring(input)
    while base.count > 1, base.hasSuffix("/") { base = base.dropLast() }
    let name = baseName(of: String(base))
    return isZip ? name + ":" + relative : name + "/" + relative
  }

  /// The path inside the export when `name` is a plain relative path, else why not.
  static func relativePath(_ name: String) -> Result<String, Refusal> {
    if name.hasPrefix("/") { return .failure(.init("an absolute path")) }
    if name.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) { return .failure(.init("a control character")) }
    if name.contains("\\") { return .failure(.init("a backslash")) }
    var components = name.split(separator: "/", omittingEmptySubsequences: false)
    if components.last == "" { components.removeLast() }
    if components.isEmpty || components.contains("") { return .failure(.init("an empty path component")) }
    if components.contains(where: { $0 == "." || $0 == ".." }) { return .failure(.init("a '.' or '..' component")) }
    return .success(components.joined(separator: "/"))
  }

  struct Refusal: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
  }

  /// Hidden files and macOS's resource forks hold nothing of the export.
  private static func isNoise(_ relative: String) -> Bool {
    relative.split(separator: "/").contains { $0.hasPrefix(".") || $0 == "__MACOSX" }
  }

  private func walkFolder() throws {
    guard let walker = FileManager.default.enumerator(atPath: input) else {
      throw ImportError.unreadableInput(path: input, message: "cannot list the directory")
    }
    while let relative = walker.nextObject() as? String {
      let path = (input as NSString).appendingPathComponent(relative)
      guard let kind = FileStatus.of(path, followingLinks: false)?.kind else { continue }
      if Self.isNoise(relative) {
        if kind == .directory { walker.skipDescendants() }
        continue
      }
      switch kind {
      case .directory: continue
      case .regular: files[relative] = path
      case .symbolicLink: notes.append("\(path): a symbolic link, not followed")
      default: notes.append("\(path): \(kind.description), not read")
      }
    }
  }

  private func checkLooksLikeZip() throws {
    let head: [UInt8]
    do {
      let file = try OpenFile(input, .readOnly, options: [.nonBlocking])
      head = try file.read(count: 4, at: 0)
    } catch {
      throw ImportError.unreadableInput(path: input, message: error.message)
    }
    if head.starts(with: [0x50, 0x4B]) { return }
    let what: String
    if head.starts(with: [0x1F, 0x8B]) {
      what = "is gzip data (a tar.gz, perhaps a chatbundle bundle), not a zip"
    } else if let first = head.first(where: { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }),
      first == UInt8(ascii: "{") || first == UInt8(ascii: "[")
    {
      what = "is a JSON file, not a whole export"
    } else {
      what = "is not a zip file"
    }
    throw ImportError.unreadableInput(
      path: input, message: what + "; give the Slack workspace export zip or the folder it unpacks to")
  }

  private func extractZip(scratchParent: String, limits: ZipArchiveReader.Limits) throws {
    do {
      let reader = try ZipArchiveReader(path: input, limits: limits)
      let directory = try makeTemporaryDirectory(in: scratchParent, prefix: ".chatbundle-slack")
      scratch = directory
      while let entry = try reader.nextEntry() {
        guard let name = entry.name else {
          notes.append("\(input): entry \(entry.number) has a name that is not UTF-8; ignored")
          continue
        }
        let relative: String
        switch Self.relativePath(name) {
        case .success(let path): relative = path
        case .failure(let refusal):
          notes.append("\(input): entry \(entry.number) (\(name.debugDescription)) has \(refusal.reason); ignored")
          continue
        }
        if Self.isNoise(relative) { continue }
        switch entry.kind {
        case .directory: continue
        case .regular: break
        case .symbolicLink, .other:
          notes.append("\(input): entry \(relative.debugDescription) is not a regular file; ignored")
          continue
        }
        guard files[relative] == nil else {
          notes.append("\(input): entry \(relative.debugDescription) appears again; the first copy is read")
          continue
        }
        let local = directory + "/" + String(entry.number)
        let file = try OpenFile(local, .writeOnly, options: [.create, .exclusiveCreate, .noFollow])
        try reader.readData { block in try file.writeAll(block) }
        try file.close()
        files[relative] = local
      }
    } catch let error as ImportError {
      throw error
    } catch let error as ArchiveError {
      throw ImportError.unreadableInput(path: input, message: "cannot read the zip: \(error.message)")
    } catch let error as SystemCallError {
      throw ImportError.unreadableInput(path: input, message: "cannot copy a zip entry: \(error.message)")
    }
  }

  /// A zip of the export's folder has the folder's name before every path.
  private func stripSingleTopFolder() {
    guard !Self.metadataFiles.prefix(2).contains(where: { files[$0] != nil }) else { return }
    let tops = Set(files.keys.map { $0.split(separator: "/", maxSplits: 1).first.map(String.init) ?? $0 })
    guard tops.count == 1, let top = tops.first,
      Self.metadataFiles.prefix(2).contains(where: { files[top + "/" + $0] != nil })
    else { return }
    files = Dictionary(uniqueKeysWithValues: files.map { (String($0.key.dropFirst(top.count + 1)), $0.value) })
  }

  private func checkIsSlackExport() throws {
    guard !Self.metadataFiles.prefix(2).contains(where: { files[$0] != nil }) else { return }
    let names = Set(files.keys)
    let hint: String
    if names.contains("result.json") {
      hint = "it has a result.json, like a Telegram Desktop export"
    } else if names.contains(where: { $0.hasSuffix(".tar.gz") || $0.hasSuffix(".gz") }) {
      hint = "it holds gzip files, like Easemob history files"
    } else if names.isEmpty {
      hint = "it holds no files"
    } else {
      hint = "its top level has no channels.json or users.json"
    }
    throw ImportError.unreadableInput(
      path: input, message: "is not a Slack workspace export: \(hint); pass --source for the service it comes from")
  }
}
