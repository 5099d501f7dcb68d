import ChatBundle
import Foundation

// libFuzzer target: the input is a whole bundle file (.tar.gz bytes). The bundle is
// verified as `chatbundle verify --json` does it (the verifier, the provenance summary and
// the report's JSON), then read again with every entry's data and every message's source
// record delivered, as extract and render read it. Any report is fine; a trap, a sanitizer
// finding, a leak or a hang is not.

/// One file per process, rewritten for every input: the reader takes a path.
private let bundlePath = NSTemporaryDirectory() + "/chatbundle-fuzz-verify-\(getpid()).tar.gz"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = Data(bytes: data, count: size)
  guard FileManager.default.createFile(atPath: bundlePath, contents: bytes) else {
    fatalError("cannot write \(bundlePath)")
  }
  let report = BundleVerifier(path: bundlePath).verify()
  let provenance = ProvenanceSummary(signaturesOf: report, trusting: nil)
  var object = report.jsonValue().objectValue ?? JSONObject()
  object.append("provenance", provenance.jsonValue())
  _ = JSONWriter.serializeForTerminal(.object(object))
  for issue in report.issues { _ = issue.description }

  let reader = BundleReader(path: bundlePath, options: BundleReadingOptions(data: .all, buildsSourceRecords: true))
  for event in reader {
    if case .message(let message, _) = event { _ = JSONWriter.serialize(message.jsonValue()) }
  }
  if reader.report.isValid != report.isValid {
    fatalError("the verifier and a full read disagree on whether the bundle is valid")
  }
  return 0
}
