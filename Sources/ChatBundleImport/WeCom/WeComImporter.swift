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
