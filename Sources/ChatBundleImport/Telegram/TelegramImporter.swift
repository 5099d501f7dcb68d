import ArchiveIO
import ChatBundle

/// Reads Telegram Desktop JSON exports ("Export chat history" or "Export Telegram data",
/// format JSON) into a `BundleBuilder`.
///
/// Each input is an export folder holding `result.json` and the media folders beside it,
/// or the `result.json` itself (its folder then holds the media). The file is walked once
/// (`TelegramExportWalker`); each message is parsed, mapped and added on its own, so
/// memory does not grow with the export. Media paths are resolved inside the folder only.
public final class TelegramImporter: LayoutImporter {
  public let builder: BundleBuilder
  public var onFile: ((String) -> Void)?
  /// A Telegram export says nothing about its own completeness.
  public var coverage: Coverage? { nil }
  /// The chat whose messages are being read, with what the mapper remembers of it.
  private var mapper: TelegramRecordMapper?
  /// The export folder being read, canonical.
  private var folder = ""

  public init(builder: BundleBuilder) {
    self.builder = builder
  }

  /// Reads every export, in an order that does not depend on the order given.
  public func importExports(_ inputs: [String]) throws {
    var files: [String] = []
    for input in inputs { files.append(try Self.resultFile(for: input)) }
    let unique = Array(Set(files)).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    for file in unique { try importExport(file) }
  }

  /// The `result.json` an input names: the file itself, or the one directly inside a folder.
  static func resultFile(for input: String) throws -> String {
    let info: FileStatus
    do { info = try FileStatus(path: input, followingLinks: true) } catch {
      throw ImportError.unreadableInput(path: input, message: error.message)
    }
    switch info.kind {
    case .regular:
      return FileSystem.canonicalPath(input) ?? input
    case .directory:
      let candidate = (input.hasSuffix("/") ? String(input.dropLast()) : input) + "/result.json"
      guard FileStatus.of(candidate, followingLinks: true)?.kind == .regular else {
        let folder = candidate.dropLast("result.json".count)
        // Telegram's HTML export writes messages.html; a Slack export has channels.json.
        let looksLike =
          FileStatus.of(folder + "messages.html", followingLinks: true) != nil
          ? " (it looks like Telegram's HTML export: export again with the format set to JSON)"
          : FileStatus.of(folder + "channels.json", followingLinks: true) != nil
            ? " (it looks like a Slack export: use --source slack)" : ""
        throw ImportError.unreadableInput(
          path: input,
          message: "holds no result.json\(looksLike); give the folder Telegram Desktop wrote (ChatExport_… or "
            + "DataExport_…) or its result.json, exported in the JSON format")
      }
      return FileSystem.canonicalPath(candidate) ?? candidate
    default:
      throw ImportError.unreadableInput(
        path: input, message: "is \(info.kind.description); give an export folder or its result.json")
    }
  }

  private func importExport(_ path: String) throws {
    onFile?(path)
    folder = FileSystem.canonicalPath(parentDirectory(of: path)) ?? parentDirectory(of: path)
    var digest = SHA256Digest()
    let name = baseName(of: folder) + "/" + baseName(of: path)
    let input = builder.addInput(name: name, size: 0, sha256: "", records: 0)
    let opened: (stream: ByteStream, compressed: Bool, file: FileByteStream)
    do {
      opened = try openPossiblyCompressedFile(path: path) { digest.update($0) }
    } catch {
      throw ImportError.unreadableInput(path: path, message: "\(error)")
    }
    var records: Int64 = 0
    var owner: Identifier?
    let walker = TelegramExportWalker(stream: opened.stream)
    let visitor = TelegramExportWalker.Visitor(
      topLevelMember: { [builder] key, value in
        guard key == "personal_information", let information = value?.objectValue else { return }
        owner = TelegramText.userID(information["user_id"])
        let fullName = [information["first_name"], information["last_name"]].compactMap {
          TelegramServiceMapper.name($0)
        }.joined(separator: " ")
        if let owner, !fullName.isEmpty { builder.nameIfUnnamed(owner, fullName) }
      },
      chat: { header in try self.startChat(header, owner: owner, path: path) },
      message: { element in
        records += 1
        try self.addMessage(element, path: path, input: input)
      })
    do {
      try walker.walk(visitor)
    } catch let error as TelegramExportWalker.FormatError {
      throw ImportError.invalidRecord(path: path, line: error.line, element: nil, message: error.message)
    } catch let error as ArchiveError {
      throw ImportError.unreadableInput(path: path, message: error.description)
    }
    mapper = nil
    builder.updateInput(input, size: opened.file.bytesRead, sha256: digest.finalizeHex(), records: records)
  }

  private func startChat(_ header: TelegramExportWalker.ChatHeader, owner: Identifier?, path: String) throws {
    if header.section == nil, header.members["type"] == nil, header.members["id"] == nil {
      throw ImportError.invalidRecord(
        path: path, line: header.line, element: nil, message: TelegramExportWalker.whatItLooksLike(header.members))
    }
    let chat: TelegramChat
    do {
      chat = try TelegramChat(header: header.members, number: header.number, owner: owner)
    } catch {
      throw ImportError.invalidRecord(path: path, line: header.line, element: nil, message: error.description)
    }
    mapper = TelegramRecordMapper(chat: chat, zoneIdentifier: builder.options.timeZone)
    if let name = chat.name {
      builder.nameIfUnnamed(chat.conversation.sourceID ?? chat.conversation.id, name)
      // A one-to-one chat is named after the peer.
      if let peer = chat.peer, chat.type != "saved_messages" { builder.nameIfUnnamed(peer, name) }
    }
  }

  private func addMessage(_ element: TelegramExportWalker.MessageBytes, path: String, input: Int) throws {
    let location = (mapper?.chat.label ?? "chat") + " message element \(element.element)"
    do {
      let raw = try JSONParser.parse(Self.repairingHexEscapes(element.bytes), options: .lenient)
      try add(raw, input: input, line: element.line, element: element.element)
    } catch let error as JSONParseError {
      try reject("\(location): invalid JSON: \(error)", path: path, line: element.line, input: input)
    } catch let error as RecordError {
      try reject("\(location): \(error.description)", path: path, line: element.line, input: input)
    }
  }

  private func reject(_ reason: String, path: String, line: Int64, input: Int) throws {
    guard builder.options.skipInvalid else {
      throw ImportError.invalidRecord(path: path, line: line, element: nil, message: reason)
    }
    try builder.skip(input: input, line: line, reason: reason)
  }

  /// Maps one message of the current chat, resolves its media and adds it if in scope.
  public func add(_ raw: JSONValue, input: Int, line: Int64, element: Int64?) throws {
    guard var mapper else {
      throw RecordError(field: "", message: "a Telegram message must be read inside its chat")
    }
    let output = try mapper.map(raw)
    self.mapper = mapper
    for (id, name) in output.names { builder.nameIfUnnamed(id, name) }
    let mapped = output.mapped
    guard builder.accepts(mapped.message, in: mapped.conversation) else { return }
    let message = mapped.resolvedMessage { reference, source in
      TelegramMedia.resolve(reference, source: source, folder: folder, builder: builder)
    }
    try builder.add(message, conversation: mapped.conversation, input: input, line: line, element: element)
  }

  /// Telegram Desktop writes control characters other than tab, CR and LF as `\xNN`,
  /// which JSON does not allow; they are read as `\u00NN`. Only an escape's backslash
  /// starts one, so `\\x41` (a backslash, then `x41`) is left alone.
  static func repairingHexEscapes(_ bytes: [UInt8]) -> [UInt8] {
    guard bytes.contains(UInt8(ascii: "\\")) else { return bytes }
    func isHex(_ byte: UInt8) -> Bool {
      (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66)
    }
    var result: [UInt8] = []
    result.reserveCapacity(bytes.count + 16)
    var index = 0
    while index < bytes.count {
      let byte = bytes[index]
      guard byte == UInt8(ascii: "\\"), index + 1 < bytes.count else {
        result.append(byte)
        index += 1
        continue
      }
      let next = bytes[index + 1]
      if next == UInt8(ascii: "x"), index + 3 < bytes.count, isHex(bytes[index + 2]), isHex(bytes[index + 3]) {
        result += Array("\\u00".utf8) + [bytes[index + 2], bytes[index + 3]]
        index += 4
      } else {
        result += [byte, next]
        index += 2
      }
    }
    return result
  }
}
