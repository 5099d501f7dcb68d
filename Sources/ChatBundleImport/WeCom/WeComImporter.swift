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
  /// WeCom's `seq`, when the collector kept it beside the decrypted message: the archive
  /// API numbers every message of the corp, so a number that never appears is a message
  /// the input lacks, whichever conversation it was in.
  private var sequence = SequenceTracker(field: "seq")

  public var coverage: Coverage? {
    sequence.coverage.map { Coverage(sequence: $0) }
  }

  public init(builder: BundleBuilder, mediaDirectory: String?) {
    self.builder = builder
    self.mediaDirectory = mediaDirectoryPath(mediaDirectory)
  }

  public func add(_ raw: JSONValue, input: Int, line: Int64, element: Int64?) throws {
    // Noted before mapping: a record skipped as invalid or left out by the scope was still
    // delivered.
    let number: Int64? =
      switch raw.objectValue?["seq"] {
      case .number(let literal)?: Int64(literal)
      case .string(let text)?: Int64(text)
      default: nil
      }
    if let number, number >= 0 { sequence.note(number) } else { sequence.noteMissing() }
    let mapped = try mapper.map(raw)
    guard builder.accepts(mapped.message, in: mapped.conversation) else { return }
    try builder.add(resolveMedia(mapped), conversation: mapped.conversation, input: input, line: line, element: element)
  }

  private func resolveMedia(_ mapped: WeComRecordMapper.Mapped) -> Message {
    mapped.resolvedMessage { reference, source in
      WeComMedia.resolve(
        reference, source: source, directory: mediaDirectory, builder: builder, checksums: &checksums)
    }
  }
}
