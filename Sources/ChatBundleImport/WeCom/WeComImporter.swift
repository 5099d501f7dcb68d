import ArchiveIO
import ChatBundle

/// Reads decrypted WeCom archive messages (one JSON object per line, a JSON array, or
/// objects one after another; gzip or plain) into a `BundleBuilder`.
public final class WeComImporter {
  public let builder: BundleBuilder
  public let mediaDirectory: String?
  private let mapper = WeComRecordMapper()
  /// MD5s of media files already checked, by path.
  private var checksums: [String: String] = [:]
  /// Told about each file as it starts, for progress display.
  public var onFile: ((String) -> Void)?

  public init(builder: BundleBuilder, mediaDirectory: String?) {
    self.builder = builder
    self.mediaDirectory = mediaDirectory.map { $0.hasSuffix("/") && $0.count > 1 ? String($0.dropLast()) : $0 }
  }

  /// Reads every file; an invalid record stops the import unless the builder skips them.
  public func importFiles(_ paths: [String]) throws {
    for path in paths { try importFile(path) }
  }

  public func importFile(_ path: String) throws {
    onFile?(path)
    var digest = SHA256Digest()
    let inputIndex = builder.addInput(name: baseName(path), size: 0, sha256: "", records: 0)
    var records: Int64 = 0
    let opened: (stream: ByteStream, compressed: Bool, file: FileByteStream)
    do {
      opened = try openPossiblyCompressedFile(path: path) { digest.update($0) }
    } catch {
      throw ImportError.unreadableInput(path: path, message: "\(error)")
    }
    let splitter = RecordSplitter(stream: opened.stream)
    while true {
      let record: RecordSplitter.Record?
      do {
        record = try splitter.next()
      } catch let error as ArchiveError {
        throw ImportError.unreadableInput(path: path, message: error.description)
      } catch let error as RecordSplitter.FormatError {
        throw ImportError.invalidRecord(path: path, line: error.line, element: nil, message: error.message)
      } catch LineReader.LineError.tooLong(let line, let limit) {
        throw ImportError.invalidRecord(
          path: path, line: line, element: nil, message: "line longer than \(limit) bytes")
      }
      guard let record else { break }
      records += 1
      do {
        let raw = try JSONParser.parse(record.bytes, options: .lenient)
        let mapped = try mapper.map(raw)
        guard builder.accepts(mapped.message, in: mapped.conversation) else { continue }
        let message = resolveMedia(mapped)
        try builder.add(message, conversation: mapped.conversation, input: inputIndex, line: record.line)
      } catch let error as JSONParseError {
        try reject(path: path, record: record, input: inputIndex, reason: "invalid JSON: \(error)")
      } catch let error as RecordError {
        try reject(path: path, record: record, input: inputIndex, reason: error.description)
      }
    }
    builder.updateInput(inputIndex, size: opened.file.bytesRead, sha256: digest.finalizeHex(), records: records)
  }

  private func reject(path: String, record: RecordSplitter.Record, input: Int, reason: String) throws {
    let located = (record.element.map { "element \($0): " } ?? "") + reason
    guard builder.options.skipInvalid else {
      throw ImportError.invalidRecord(path: path, line: record.line, element: record.element, message: reason)
    }
    try builder.skip(input: input, line: record.line, reason: located)
  }

  private func resolveMedia(_ mapped: WeComRecordMapper.Mapped) -> ChatBundle.Message {
    var message = mapped.message
    for attachment in mapped.attachments {
      let resolve = { (reference: MediaReference) -> MediaReference in
        WeComMedia.resolve(
          reference, source: attachment.source, directory: self.mediaDirectory, builder: self.builder,
          checksums: &self.checksums)
      }
      switch attachment.field {
      case .media:
        message.media = message.media.map(resolve)
      case .part(let index):
        guard let parts = message.parts, parts.indices.contains(index) else { continue }
        message.parts?[index].media = parts[index].media.map(resolve)
      case .mergedItem(part: nil, let items):
        message.merged?.updateMedia(at: items[...], resolve)
      case .mergedItem(part: let index?, let items):
        guard let parts = message.parts, parts.indices.contains(index) else { continue }
        message.parts?[index].merged?.updateMedia(at: items[...], resolve)
      }
    }
    return message
  }

  private func baseName(_ path: String) -> String {
    path.split(separator: "/").last.map(String.init) ?? path
  }
}

extension MergedRecord {
  /// Applies `transform` to the media of the item reached by `path` (an index per level).
  fileprivate mutating func updateMedia(at path: ArraySlice<Int>, _ transform: (MediaReference) -> MediaReference) {
    guard let index = path.first, items.indices.contains(index) else { return }
    if path.count == 1 {
      items[index].media = items[index].media.map(transform)
    } else {
      items[index].merged?.updateMedia(at: path.dropFirst(), transform)
    }
  }
}
