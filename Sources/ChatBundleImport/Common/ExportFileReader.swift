import ArchiveIO
import ChatBundle

/// Reads one export file for an importer: gzip or plain, split into records (lines, a JSON
/// array, `{"entities":[…]}` or objects one after another), each parsed as JSON and handed
/// to `add` with the input's index and the record's line. It records the file in the
/// bundle's inputs (size, SHA-256 and record count as read). A record that is not JSON, or
/// that `add` refuses with a `RecordError`, stops the import with the file, line and
/// reason, or with `--skip-invalid` is recorded as skipped.
func readExportFile(
  _ path: String, into builder: BundleBuilder,
  _ add: (JSONValue, _ input: Int, _ line: Int64, _ element: Int64?) throws -> Void
) throws {
  try readExportFile(path, into: builder, preparing: { $0 }, add)
}

/// `readExportFile` with a first step of the importer's own, `prepare`, that needs nothing
/// but the parsed record (mapping it to a message, say): it runs with the parsing on the
/// pack's threads, and `add` gets its result, in the records' order.
func readExportFile<Prepared: Sendable>(
  _ path: String, into builder: BundleBuilder, preparing prepare: @escaping @Sendable (JSONValue) -> Prepared,
  _ add: (Prepared, _ input: Int, _ line: Int64, _ element: Int64?) throws -> Void
) throws {
  var digest = SHA256Digest()
  let input = builder.addInput(name: baseName(of: path), size: 0, sha256: "", records: 0)
  var records: Int64 = 0
  let opened: (stream: ByteStream, compressed: Bool, file: FileByteStream)
  do {
    opened = try openPossiblyCompressedFile(path: path) { digest.update($0) }
  } catch {
    throw ImportError.unreadableInput(path: path, message: "\(error)")
  }
  let splitter = RecordSplitter(stream: opened.stream)
  var lastLine: Int64 = 0
  // Parsing is most of a record's cost and needs no other record: each batch of records is
  // parsed on the pack's threads while the batch before it is added, in order.
  var parsing = OrderedBatches<RecordSplitter.Record, Result<Prepared, JSONParseError>>(
    on: ParallelBatch(threads: builder.options.threads), maximumItems: 512, maximumBytes: 1 << 20
  ) { record in
    Result { () throws(JSONParseError) -> Prepared in prepare(try JSONParser.parse(record.bytes, options: .lenient)) }
  }
  func addParsed(_ parsed: [(RecordSplitter.Record, Result<Prepared, JSONParseError>)]) throws {
    for (record, parsed) in parsed {
      do {
        try add(try parsed.get(), input, record.line, record.element)
      } catch let error as JSONParseError {
        try reject(path: path, record: record, input: input, reason: "invalid JSON: \(error)", builder: builder)
      } catch let error as RecordError {
        try reject(path: path, record: record, input: input, reason: error.description, builder: builder)
      }
    }
  }
  while true {
    let record: RecordSplitter.Record?
    do {
      record = try splitter.next()
    } catch {
      // The records before the failure are added first, so that an earlier record's own
      // error is the one reported, as when they were read one at a time.
      try addParsed(parsing.finish())
      throw splitFailure(error, path: path, after: lastLine)
    }
    guard let record else { break }
    lastLine = record.line
    records += 1
    try addParsed(parsing.add(record, bytes: record.bytes.count))
  }
  try addParsed(parsing.finish())
  builder.updateInput(input, size: opened.file.bytesRead, sha256: digest.finalizeHex(), records: records)
}

/// What a failure of reading the next record says to the user.
private func splitFailure(_ error: any Error, path: String, after line: Int64) -> any Error {
  switch error {
  case let error as ArchiveError: return ImportError.unreadableInput(path: path, message: describe(error, after: line))
  case let error as RecordSplitter.FormatError:
    return ImportError.invalidRecord(path: path, line: error.line, element: nil, message: error.message)
  case LineReader.LineError.tooLong(let line, let limit):
    return ImportError.invalidRecord(path: path, line: line, element: nil, message: "line longer than \(limit) bytes")
  default: return error
  }
}

private func reject(
  path: String, record: RecordSplitter.Record, input: Int, reason: String, builder: BundleBuilder
) throws {
  let located = (record.element.map { "element \($0): " } ?? "") + reason
  guard builder.options.skipInvalid else {
    throw ImportError.invalidRecord(path: path, line: record.line, element: record.element, message: reason)
  }
  try builder.skip(input: input, line: record.line, reason: located)
}

/// Truncation and corruption said plainly, with where the readable part ended: a cut-off
/// download is the usual cause.
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
