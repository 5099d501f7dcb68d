import ChatBundle

/// An importer for one service's export. It turns each parsed record into a message for
/// the builder; reading the files, reporting progress and refusing or skipping bad
/// records are shared.
public protocol SourceImporter: AnyObject {
  var builder: BundleBuilder { get }
  /// Told about each file as it starts, for progress display.
  var onFile: ((String) -> Void)? { get set }
  /// Maps one record, resolves its media and adds it to the builder if it is in scope; a
  /// `RecordError` refuses the record.
  /// `element` is the record's place in a JSON array (1-based), nil in a line-per-record
  /// file; every report about the record names it.
  func add(_ raw: JSONValue, input: Int, line: Int64, element: Int64?) throws
  /// What the input itself says about its completeness (sequence numbers), once read.
  var coverage: Coverage? { get }
  /// Reads one export file into the builder; by default each parsed record goes to `add`.
  func importFile(_ path: String) throws
}

/// An importer that reads an export as the service lays it out (a folder or an archive
/// with metadata files beside the messages), so the CLI gives it the inputs as the user
/// named them instead of expanding them into export files.
public protocol LayoutImporter: SourceImporter {
  func importExports(_ inputs: [String]) throws
}

extension SourceImporter {
  /// Reads every file; an invalid record stops the import unless the builder skips them.
  public func importFiles(_ paths: [String]) throws {
    for path in paths { try importFile(path) }
  }

  public func importFile(_ path: String) throws {
    onFile?(path)
    try readExportFile(path, into: builder) { raw, input, line, element in
      try add(raw, input: input, line: line, element: element)
    }
  }
}

/// A media directory as given, without a trailing slash (so that `dir/` + `/name` is not
/// `dir//name` in messages), except for `/` itself.
func mediaDirectoryPath(_ directory: String?) -> String? {
  directory.map { $0.hasSuffix("/") && $0.count > 1 ? String($0.dropLast()) : $0 }
}
