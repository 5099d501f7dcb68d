import ArchiveIO
import ChatBundle
import ChatBundleImport
import Foundation

/// What both mapper targets do with an input: it is one record, or a whole export file.
/// The bytes go through the project's JSON parser (lenient, as the importer parses) and
/// `map`, and then as an export file (plain or gzip), written to `exportPath`, through the
/// record splitter the importer uses, each record parsed and mapped. A mapped message in
/// the format's time range must serialize to a line that strict JSON parsing accepts. A
/// thrown error is fine; a trap, a sanitizer finding, a leak or a hang is not.
public func fuzzMapper(_ bytes: [UInt8], exportPath: String, map: (JSONValue) -> Message?) {
  func mapAndCheck(_ raw: JSONValue) {
    guard let message = map(raw), (0...BundleLimits.maximumTimestamp).contains(message.timestamp) else { return }
    do {
      _ = try JSONParser.parse(message.line().dropLast(), options: .strict)
    } catch {
      fatalError("a mapped message serialized to a line that is not strict JSON: \(error)")
    }
  }
  if let raw = try? JSONParser.parse(bytes, options: .lenient) { mapAndCheck(raw) }

  guard FileManager.default.createFile(atPath: exportPath, contents: Data(bytes)) else {
    fatalError("cannot write \(exportPath)")
  }
  guard let opened = try? openPossiblyCompressedFile(path: exportPath) else { return }
  let splitter = RecordSplitter(stream: opened.stream, maximumRecordBytes: 1 << 20)
  var records = 0
  while records < 1000, let record = try? splitter.next() {
    records += 1
    if let raw = try? JSONParser.parse(record.bytes, options: .lenient) { mapAndCheck(raw) }
  }
}
