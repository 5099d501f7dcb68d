import ArchiveIO
import ChatBundle

/// Reads Easemob history files (gzip or plain; NDJSON, a JSON array or `{"entities":[…]}`)
/// into a `BundleBuilder`.
public final class EasemobImporter {
  public let builder: BundleBuilder
  public let mediaDirectory: String?
  private let mapper = EasemobRecordMapper()
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
    let name = baseName(path)
    let inputIndex = builder.addInput(name: name, size: 0, sha256: "", records: 0)
    var records: Int64 = 0
    let opened: (stream: ByteStream, compressed: Bool, file: FileByteStream)
    do {
      opened = try openPossiblyCompressedFile(path: path) { digest.update($0) }
    } catch {
      throw ImportError.unreadableInput(path: path, message: "\(error)")
    }
    let splitter = RecordSplitter(stream: opened.stream)
    var lastLine: Int64 = 0
    while true {
      let record: RecordSplitter.Record?
      do {
        record = try splitter.next()
      } catch let error as ArchiveError {
        throw ImportError.unreadableInput(path: path, message: describe(error, after: lastLine))
      } catch let error as RecordSplitter.FormatError {
        throw ImportError.invalidRecord(path: path, line: error.line, element: nil, message: error.message)
      } catch LineReader.LineError.tooLong(let line, let limit) {
        throw ImportError.invalidRecord(
          path: path, line: line, element: nil, message: "line longer than \(limit) bytes")
      }
      guard let record else { break }
      lastLine = record.line
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

  private func resolveMedia(_ mapped: EasemobRecordMapper.Mapped) -> ChatBundle.Message {
    var message = mapped.message
    for attachment in mapped.attachments {
      switch attachment.field {
      case .media:
        if let reference = message.media {
          message.media = EasemobMedia.resolve(
            reference, url: attachment.url, declaredSize: attachment.declaredSize, directory: mediaDirectory,
            builder: builder)
        }
      case .thumbnail:
        if let reference = message.thumbnail {
          message.thumbnail = EasemobMedia.resolve(
            reference, url: attachment.url, declaredSize: nil, directory: mediaDirectory, builder: builder)
        }
      case .part(let index):
        if let reference = message.parts?[index].media {
          message.parts?[index].media = EasemobMedia.resolve(
            reference, url: attachment.url, declaredSize: attachment.declaredSize, directory: mediaDirectory,
            builder: builder)
        }
      }
    }
    return message
  }

  private func describe(_ error: ArchiveError, after line: Int64) -> String {
    let position = line > 0 ? " (after line \(line))" : ""
    switch error.kind {
    case .truncated:
      return "the gzip data ends early\(position): the file is truncated, perhaps an interrupted download"
    case .corruptCompression: return "the gzip data is corrupt\(position): \(error.message)"
    case .trailingData: return "bytes that are not gzip follow the compressed data"
    default: return error.description
    }
  }

  private func baseName(_ path: String) -> String {
    path.split(separator: "/").last.map(String.init) ?? path
  }
}
