import ArchiveIO
import ChatBundle

/// Reads decrypted WeCom archive messages (one JSON object per line, a JSON array, or
/// objects one after another; gzip or plain) into a `BundleBuilder`.
public final class WeComImporter: SourceImporter {
  public let builder: BundleBuilder
  public let mediaDirectory: String?
  private let mapper = WeComRecordMapper()
  /// MD5s of media files already checked, by path.
  private var checksums: [String: String] = [:]
  public var onFile: ((String) -> Void)?

  public init(builder: BundleBuilder, mediaDirectory: String?) {
    self.builder = builder
    self.mediaDirectory = mediaDirectoryPath(mediaDirectory)
  }

  public func add(_ raw: JSONValue, input: Int, line: Int64) throws {
    let mapped = try mapper.map(raw)
    guard builder.accepts(mapped.message, in: mapped.conversation) else { return }
    try builder.add(resolveMedia(mapped), conversation: mapped.conversation, input: input, line: line)
  }

  private func resolveMedia(_ mapped: WeComRecordMapper.Mapped) -> Message {
    mapped.resolvedMessage { reference, source in
      WeComMedia.resolve(
        reference, source: source, directory: mediaDirectory, builder: builder, checksums: &checksums)
    }
  }
}
