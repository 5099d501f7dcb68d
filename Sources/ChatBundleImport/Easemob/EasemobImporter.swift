import ArchiveIO
import ChatBundle

/// Reads Easemob history files (gzip or plain; NDJSON, a JSON array or `{"entities":[…]}`)
/// into a `BundleBuilder`.
public final class EasemobImporter: SourceImporter {
  public let builder: BundleBuilder
  public let mediaDirectory: String?
  private let mapper = EasemobRecordMapper()
  public var onFile: ((String) -> Void)?
  /// Easemob's history files carry no sequence; a pull's hours are its coverage
  /// (`PulledDirectory`).
  public var coverage: Coverage? { nil }

  public init(builder: BundleBuilder, mediaDirectory: String?) {
    self.builder = builder
    self.mediaDirectory = mediaDirectoryPath(mediaDirectory)
  }

  public func add(_ raw: JSONValue, input: Int, line: Int64, element: Int64?) throws {
    try add(Self.prepare(raw, mapper: mapper), input: input, line: line, element: element)
  }

  /// A record mapped, and a message without media serialized, off the pack's thread.
  enum Prepared: Sendable {
    case notAMessage(String)
    case refused(RecordError)
    /// `line` is the message's bundle line when it has no media to resolve.
    case mapped(EasemobRecordMapper.Mapped, line: [UInt8]?)
  }

  static func prepare(_ raw: JSONValue, mapper: EasemobRecordMapper) -> Prepared {
    if let reason = mapper.notAMessageReason(raw) { return .notAMessage(reason) }
    do {
      var mapped = try mapper.map(raw)
      guard mapped.attachments.isEmpty else { return .mapped(mapped, line: nil) }
      let line = mapped.message.line()
      // The raw record is in the line now, and nothing after this reads it from the
      // message: its tree is freed here, on the thread that built it, rather than by the
      // pack's thread, where freeing another thread's memory would contend for it.
      mapped.message.source.raw = .null
      return .mapped(mapped, line: line)
    } catch {
      return .refused(error)
    }
  }

  public func importFile(_ path: String) throws {
    onFile?(path)
    let mapper = self.mapper
    try readExportFile(path, into: builder, preparing: { Self.prepare($0, mapper: mapper) }) {
      prepared, input, line, element in
      try add(prepared, input: input, line: line, element: element)
    }
  }

  private func add(_ prepared: Prepared, input: Int, line: Int64, element: Int64?) throws {
    switch prepared {
    case .notAMessage(let reason):
      try builder.skipNonMessage(input: input, line: line, element: element, reason: reason)
    case .refused(let error): throw error
    case .mapped(let mapped, let serialized):
      guard builder.accepts(mapped.message, in: mapped.conversation) else { return }
      try builder.add(
        resolveMedia(mapped), conversation: mapped.conversation, input: input, line: line, element: element,
        exactLine: serialized)
    }
  }

  private func resolveMedia(_ mapped: EasemobRecordMapper.Mapped) -> Message {
    mapped.resolvedMessage { reference, attachment in
      EasemobMedia.resolve(
        reference, url: attachment.url, declaredSize: attachment.declaredSize, directory: mediaDirectory,
        builder: builder)
    }
  }
}
