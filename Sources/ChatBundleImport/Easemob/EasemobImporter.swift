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
    try readExportFile(path, into: builder) { raw, input, line in
      let mapped = try mapper.map(raw)
      guard builder.accepts(mapped.message, in: mapped.conversation) else { return }
      try builder.add(resolveMedia(mapped), conversation: mapped.conversation, input: input, line: line)
    }
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
}
