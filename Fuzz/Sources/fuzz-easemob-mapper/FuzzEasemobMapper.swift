import ArchiveIO
import ChatBundle
import ChatBundleImport
import Foundation

// libFuzzer target: the input is one Easemob record, or a whole export file. The bytes go
// through the project's JSON parser (lenient, as the importer parses) and
// `EasemobRecordMapper`, and then as an export file (plain or gzip) through the record
// splitter the importer uses, each record parsed and mapped. A mapped message in the
// format's time range must serialize to a line that strict JSON parsing accepts. A
// thrown error is fine; a trap, a sanitizer finding, a leak or a hang is not.

/// One file per process, rewritten for every input: the splitter reads a path.
private let exportPath = NSTemporaryDirectory() + "/chatbundle-fuzz-easemob-\(getpid()).json"

private func mapAndCheck(_ raw: JSONValue) {
  let mapper = EasemobRecordMapper()
  guard let mapped = try? mapper.map(raw) else { return }
  guard (0...BundleLimits.maximumTimestamp).contains(mapped.message.timestamp) else { return }
  let line = mapped.message.line()
  do {
    _ = try JSONParser.parse(line.dropLast(), options: .strict)
  } catch {
    fatalError("a mapped message serialized to a line that is not strict JSON: \(error)")
  }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  if let raw = try? JSONParser.parse(bytes, options: .lenient) { mapAndCheck(raw) }

  guard FileManager.default.createFile(atPath: exportPath, contents: Data(bytes)) else {
    fatalError("cannot write \(exportPath)")
  }
  guard let opened = try? openPossiblyCompressedFile(path: exportPath) else { return 0 }
  let splitter = RecordSplitter(stream: opened.stream, maximumRecordBytes: 1 << 20)
  var records = 0
  while records < 1000, let record = try? splitter.next() {
    records += 1
    if let raw = try? JSONParser.parse(record.bytes, options: .lenient) { mapAndCheck(raw) }
  }
  return 0
}
