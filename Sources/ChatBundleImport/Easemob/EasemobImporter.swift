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
    if let reason = mapper.notAMessageReason(raw) {
      try builder.skipNonMessage(input: input, line: line, element: element, reason: reason)
      return
    }
    let mapped = try mapper.map(raw)
    guard builder.accepts(mapped.message, in: mapped.conversation) else { return }
    try builder.add(resolveMedia(mapped), conversation: mapped.conversation, input: input, line: line, element: element)
  }

  private func resolveMedia(_ mapped: EasemobRecordMapper.Mapped) -> Message {
    mapped.resolvedMessage { reference, attachment in
      EasemobMedia.resolve(
        reference, url: attachment.url, declaredSize: attachment.declaredSize, directory: mediaDirectory,
        builder: builder)
    }
  }
}
