import ChatBundleImport
import Foundation
import MapperFuzzing

// libFuzzer target: one Easemob record, or a whole export file, through
// `EasemobRecordMapper` and the importer's record splitter (see `fuzzMapper`).

/// One file per process, rewritten for every input: the splitter reads a path.
private let exportPath = NSTemporaryDirectory() + "/chatbundle-fuzz-easemob-\(getpid()).json"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let mapper = EasemobRecordMapper()
  fuzzMapper(Array(UnsafeBufferPointer(start: data, count: size)), exportPath: exportPath) {
    try? mapper.map($0).message
  }
  return 0
}
