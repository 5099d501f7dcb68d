import ArchiveIO
import ChatBundle

/// Reads DiscordChatExporter JSON exports (one channel per file, `--media` folders beside
/// them) into a `BundleBuilder`.
///
/// Each file is streamed: the header (`guild`, `channel`, `dateRange`) is read before the
/// `messages` array, then one message at a time is mapped, its media resolved inside the
/// export folder, and handed to the builder. A direct chat's file is read twice, the first
/// time only for its authors, who are the conversation's two parties.
public final class DiscordImporter: LayoutImporter {
  public let builder: BundleBuilder
  public var onFile: ((String) -> Void)?
  /// DCE files say nothing about their completeness (`messageCount` is the channel's
  /// count at export, not the file's), so there is no coverage to report.
  public var coverage: Coverage? { nil }
  private let mapper = DiscordRecordMapper()
  /// The file being read: its channel and where its media may be.
  private var current: (channel: DiscordChannel, conversation: ConversationInfo, folder: DiscordMedia.Folder)?

  public init(builder: BundleBuilder) {
    self.builder = builder
  }

  /// The inputs as the user named them: DCE `.json` files or folders of them.
  public func importExports(_ inputs: [String]) throws {
    let expanded = try DiscordExportFiles.expand(inputs)
    guard !expanded.files.isEmpty else {
      throw ImportError.unreadableInput(
        path: inputs.joined(separator: ", "), message: "holds no DiscordChatExporter .json file")
    }
    for file in expanded.files { try importExport(file) }
  }

  /// Maps one message of the file being read.
  public func add(_ raw: JSONValue, input: Int, line: Int64, element: Int64?) throws {
    guard let current else {
      throw RecordError(field: "", message: "a DiscordChatExporter message is read only with its file's header")
    }
    let result = try mapper.map(raw, channel: current.channel, conversation: current.conversation)
    for (id, name) in result.names { builder.nameIfUnnamed(id, name) }
    let mapped = result.mapped
    guard builder.accepts(mapped.message, in: mapped.conversation) else { return }
    let message = mapped.resolvedMessage { reference, source in
      DiscordMedia.resolve(reference, source: source, folder: current.folder, builder: builder)
    }
    try builder.add(message, conversation: mapped.conversation, input: input, line: line, element: element)
  }

  public func importExport(_ file: DiscordExportFiles.File) throws {
    onFile?(file.path)
    let participants = try directParticipants(file.path)
    var digest = SHA256Digest()
    let input = builder.addInput(name: baseName(of: file.path), size: 0, sha256: "", records: 0)
    let opened: (stream: ByteStream, compressed: Bool, file: FileByteStream)
    do {
      opened = try openPossiblyCompressedFile(path: file.path) { digest.update($0) }
    } catch {
      throw ImportError.unreadableInput(path: file.path, message: "\(error)")
    }
    let splitter = RecordSplitter(stream: opened.stream, wrapperKey: "messages")
    defer { current = nil }
    var records: Int64 = 0
    while true {
      let record = try next(splitter, path: file.path)
      if current == nil {
        let channel = try Self.channel(of: splitter, first: record, path: file.path)
        current = (
          channel, channel.conversation(participants: participants),
          DiscordMedia.Folder(base: parentDirectory(of: file.path), root: file.root)
        )
        if let name = channel.displayName { builder.nameIfUnnamed(channel.id, name) }
      }
      guard let record else { break }
      records += 1
      do {
        try add(
          try JSONParser.parse(record.bytes, options: .lenient), input: input, line: record.line,
          element: record.element)
      } catch let error as JSONParseError {
        try reject(file.path, record, input: input, reason: "invalid JSON: \(error)")
      } catch let error as RecordError {
        try reject(file.path, record, input: input, reason: error.description)
      }
    }
    builder.updateInput(input, size: opened.file.bytesRead, sha256: digest.finalizeHex(), records: records)
  }

  /// The channel the file's header names, or why the file is not a DCE export.
  private static func channel(of splitter: RecordSplitter, first: RecordSplitter.Record?, path: String) throws
    -> DiscordChannel
  {
    func refuse(_ message: String) -> ImportError {
      .invalidRecord(path: path, line: 1, element: nil, message: message)
    }
    switch splitter.shape {
    case .wrappedArray?:
      guard let header = splitter.header else { throw refuse("no header before the messages array") }
      do {
        return try DiscordChannel(header: try JSONParser.parse(header[...], options: .lenient))
      } catch let error as RecordError {
        throw refuse(error.description)
      } catch {
        throw refuse("the header before the messages array is not JSON: \(error)")
      }
    case .array?:
      throw refuse(
        "is a JSON array, not a DiscordChatExporter export (a Slack day file looks like this; pack it with --source slack)"
      )
    case .lines?:
      throw refuse(
        "holds one JSON record per line, not a DiscordChatExporter export (an Easemob or WeCom file looks like this)")
    case .objects?, nil:
      // One object without a `messages` array: say what it looks like.
      if let first, let value = try? JSONParser.parse(first.bytes, options: .lenient) {
        do { _ = try DiscordChannel(header: value) } catch { throw refuse(error.description) }
      }
      throw refuse("has no \"messages\" array; export the channel with DiscordChatExporter's --format Json")
    }
  }

  private func next(_ splitter: RecordSplitter, path: String) throws -> RecordSplitter.Record? {
    do {
      return try splitter.next()
    } catch let error as ArchiveError {
      throw ImportError.unreadableInput(path: path, message: error.description)
    } catch let error as RecordSplitter.FormatError {
      throw ImportError.invalidRecord(
        path: path, line: error.line, element: nil,
        message: error.message + " (DCE writes files without validation, so an interrupted export ends early)")
    } catch LineReader.LineError.tooLong(let line, let limit) {
      throw ImportError.invalidRecord(path: path, line: line, element: nil, message: "line longer than \(limit) bytes")
    }
  }

  /// A direct chat's authors, read in a first pass; nil for any other channel. Errors are
  /// left to the second pass, which reports them with their line.
  private func directParticipants(_ path: String) throws -> [Identifier]? {
    guard let opened = try? openPossiblyCompressedFile(path: path) else { return nil }
    let splitter = RecordSplitter(stream: opened.stream, wrapperKey: "messages")
    guard let first = try? splitter.next(), let header = splitter.header,
      let channel = try? DiscordChannel(header: JSONParser.parse(header[...], options: .lenient)), channel.isDirect
    else { return nil }
    var authors: Set<Identifier> = []
    var record: RecordSplitter.Record? = first
    while let current = record {
      if let value = try? JSONParser.parse(current.bytes, options: .lenient),
        let author = value.objectValue?["author"]?.objectValue?["id"]?.stringValue, let id = Identifier.ifValid(author)
      {
        authors.insert(id)
      }
      record = try? splitter.next()
    }
    return Identifier.sortedUnique(authors)
  }

  private func reject(_ path: String, _ record: RecordSplitter.Record, input: Int, reason: String) throws {
    let located = (record.element.map { "element \($0): " } ?? "") + reason
    guard builder.options.skipInvalid else {
      throw ImportError.invalidRecord(path: path, line: record.line, element: record.element, message: reason)
    }
    try builder.skip(input: input, line: record.line, reason: located)
  }
}
