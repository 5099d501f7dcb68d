import ArchiveIO
import ChatBundle

/// Reads Slack workspace exports (the zip Slack or slackdump writes, or the folder it
/// unpacks to) into a `BundleBuilder`: the metadata files first (users, channels, DMs),
/// then each conversation's folder in name order, its day files in name order, one message
/// at a time.
///
/// Every string of every message has its Slack tokens removed before anything else sees
/// it (`SlackTokenScrubber`), each removal noted in the manifest. What is passed over (an
/// unsafe zip entry name, a link, a file that is neither metadata nor a day file, a folder
/// no metadata lists, which is still read) is told to `onNote`.
public final class SlackImporter: LayoutImporter {
  public let builder: BundleBuilder
  public var onFile: ((String) -> Void)?
  /// Told what was passed over or guessed, one sentence each, for the user to see.
  public var onNote: ((String) -> Void)?
  /// Slack exports say nothing of their own completeness.
  public var coverage: Coverage? { nil }
  private let scratchParent: String
  private let zipLimits: ZipArchiveReader.Limits
  /// The exports read so far, kept for as long as the importer lives: a zip's media are
  /// scratch copies that the builder reads again when it writes the bundle.
  private var exports: [SlackExport] = []

  /// - Parameters:
  ///   - scratchDirectory: where a zip's entries are copied while packing (beside the
  ///     output, as the builder's own scratch); the copies go with the importer.
  ///   - onNote: told what was passed over or guessed.
  public init(
    builder: BundleBuilder, scratchDirectory: String? = nil, zipLimits: ZipArchiveReader.Limits = .init(),
    onNote: ((String) -> Void)? = nil
  ) {
    self.builder = builder
    self.onNote = onNote
    scratchParent = scratchDirectory ?? builder.options.temporaryDirectory ?? "."
    self.zipLimits = zipLimits
    let previous = builder.missingDetail
    builder.missingDetail = { missing in
      previous?(missing) ?? SlackMedia.Reason(rawValue: missing.reason)?.detail
    }
  }

  /// A day file's name: `YYYY-MM-DD.json`.
  static func isDayFileName(_ name: Substring) -> Bool {
    let bytes = Array(name.utf8)
    guard bytes.count == 15, name.hasSuffix(".json") else { return false }
    return bytes.prefix(10).enumerated().allSatisfy { index, byte in
      index == 4 || index == 7 ? byte == UInt8(ascii: "-") : (byte >= 0x30 && byte <= 0x39)
    }
  }

  public func importExports(_ inputs: [String]) throws {
    let sorted = Array(Set(inputs)).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    for input in sorted { try importExport(input) }
  }

  private func importExport(_ input: String) throws {
    let export = try SlackExport(input: input, scratchParent: scratchParent, limits: zipLimits)
    exports.append(export)
    for note in export.notes { onNote?(note) }
    let workspace = try SlackWorkspace(export: export)
    for id in workspace.userOrder {
      if let name = workspace.users[id]?.name { builder.nameIfUnnamed(Identifier(id), name) }
    }
    for file in SlackExport.metadataFiles where export.files[file] != nil {
      try recordInput(file, of: export)
    }

    var dayFiles: [String: [String]] = [:]
    for relative in export.files.keys {
      let components = relative.split(separator: "/")
      if components.count == 1 {
        if !SlackExport.metadataFiles.contains(relative) { onNote?("\(export.displayName(relative)): not read") }
      } else if components.count == 2, Self.isDayFileName(components[1]) {
        dayFiles[String(components[0]), default: []].append(relative)
      } else if !(components.count >= 3 && components[1] == "attachments") && components[0] != "__uploads" {
        onNote?("\(export.displayName(relative)): not a day file (<folder>/YYYY-MM-DD.json); not read")
      }
    }
    let mapper = SlackRecordMapper(users: workspace.users, channelNames: workspace.channelNames)
    for folder in dayFiles.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
      let (channel, listed) = workspace.channel(forFolder: folder)
      if !listed {
        onNote?(
          "\(export.displayName(folder)): no metadata file lists this folder; its messages are imported as a channel named by the folder"
        )
      }
      let conversation = SlackWorkspace.conversation(channel)
      if let name = channel.name, conversation.kind == .group, let sourceID = conversation.sourceID {
        builder.nameIfUnnamed(sourceID, name)
      }
      let context = SlackRecordMapper.Context(
        channel: channel.id, folder: folder, conversation: conversation, pinned: channel.pinned)
      let files = (dayFiles[folder] ?? []).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
      for relative in files { try readDayFile(relative, of: export, context: context, mapper: mapper) }
    }
  }

  /// Metadata files are named in the manifest's inputs with their digest, so that the
  /// bundle says exactly which export it was made from.
  private func recordInput(_ relative: String, of export: SlackExport) throws {
    guard let local = export.files[relative] else { return }
    var digest = SHA256Digest()
    do {
      let stream = try FileByteStream(path: local)
      var buffer = [UInt8](repeating: 0, count: 1 << 16)
      while true {
        let count = try buffer.withUnsafeMutableBytes { try stream.read(into: $0) }
        if count == 0 { break }
        buffer.withUnsafeBytes { digest.update(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
      }
      _ = builder.addInput(
        name: export.inputName(relative), size: stream.bytesRead, sha256: digest.finalizeHex(), records: 0)
    } catch {
      throw ImportError.unreadableInput(path: export.displayName(relative), message: "\(error)")
    }
  }

  private func readDayFile(
    _ relative: String, of export: SlackExport, context: SlackRecordMapper.Context, mapper: SlackRecordMapper
  ) throws {
    guard let local = export.files[relative] else { return }
    let label = export.displayName(relative)
    onFile?(label)
    var digest = SHA256Digest()
    let input = builder.addInput(name: export.inputName(relative), size: 0, sha256: "", records: 0)
    let file: FileByteStream
    do { file = try FileByteStream(path: local) } catch {
      throw ImportError.unreadableInput(path: label, message: error.message)
    }
    file.observer = { digest.update($0) }
    let splitter = RecordSplitter(stream: file)
    var records: Int64 = 0
    while true {
      let record: RecordSplitter.Record?
      do {
        record = try splitter.next()
      } catch let error as RecordSplitter.FormatError {
        throw ImportError.invalidRecord(path: label, line: error.line, element: nil, message: error.message)
      } catch LineReader.LineError.tooLong(let line, let limit) {
        throw ImportError.invalidRecord(
          path: label, line: line, element: nil, message: "line longer than \(limit) bytes")
      } catch {
        throw ImportError.unreadableInput(path: label, message: "\(error)")
      }
      guard let record else { break }
      guard record.element != nil, splitter.shape == .array else {
        throw ImportError.invalidRecord(
          path: label, line: record.line, element: nil,
          message: "a Slack day file is a JSON array of messages; this one is not")
      }
      records += 1
      do {
        let parsed = try JSONParser.parse(record.bytes, options: .lenient)
        let (raw, removed) = SlackTokenScrubber.scrub(parsed)
        for name in removed { builder.noteCredentialRemoved(kind: "url_query_parameter", name: name) }
        let mapped = try mapper.map(raw, in: context)
        for (id, name) in mapped.names { builder.nameIfUnnamed(id, name) }
        let message = mapped.record.message
        guard builder.accepts(message, in: mapped.record.conversation) else { continue }
        let resolved = mapped.record.resolvedMessage { reference, source in
          SlackMedia.resolve(reference, source: source, files: export.files, builder: builder)
        }
        try builder.add(
          resolved, conversation: mapped.record.conversation, input: input, line: record.line, element: record.element)
      } catch let error as JSONParseError {
        try reject(label, record: record, input: input, reason: "invalid JSON: \(error)")
      } catch let error as RecordError {
        try reject(label, record: record, input: input, reason: error.description)
      }
    }
    builder.updateInput(input, size: file.bytesRead, sha256: digest.finalizeHex(), records: records)
  }

  private func reject(_ label: String, record: RecordSplitter.Record, input: Int, reason: String) throws {
    guard builder.options.skipInvalid else {
      throw ImportError.invalidRecord(path: label, line: record.line, element: record.element, message: reason)
    }
    try builder.skip(
      input: input, line: record.line, reason: (record.element.map { "element \($0): " } ?? "") + reason)
  }

  /// Slack messages need their conversation, which only the export's layout gives: they
  /// are read through `importExports`, never one record at a time.
  public func add(_ raw: JSONValue, input: Int, line: Int64, element: Int64?) throws {
    throw RecordError(
      field: "", message: "a Slack message is read with its export (importExports), not as a record on its own")
  }
}
