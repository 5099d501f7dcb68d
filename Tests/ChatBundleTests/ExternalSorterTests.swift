import ChatBundle
import ChatBundleTestSupport
import Foundation
import Testing

/// The on-disk sort every pack, derivation and lineage check relies on: whatever the number
/// of runs (none, fewer than one merge reads at once, or enough for several merge passes),
/// the records come out in bytewise key order, each once with its payload, and the merged
/// runs leave no files behind.
@Suite struct ExternalSorterTests {
  @Test(arguments: [(200, 1 << 20), (3_000, 4096), (40_000, 2048)])
  func recordsComeOutInKeyOrderWhateverTheNumberOfRuns(count: Int, budget: Int) throws {
    let directory = try TemporaryDirectory("sorter")
    let sorter = ExternalSorter(directory: directory.url.path, name: "t", memoryBudget: budget)
    var random = SplitMix64(seed: UInt64(count))
    var expected: [[UInt8]: [UInt8]] = [:]
    for index in 0..<count {
      // Random keys of varied length (prefixes of one another included), unique by index.
      var key = (0..<Int(random.next() % 12)).map { _ in UInt8(random.next() % 4) }
      key += Array(String(index).utf8)
      let payload = Array("payload \(index)".utf8)
      expected[key] = payload
      try sorter.add(key: key, payload: payload)
    }
    let runs = try FileManager.default.contentsOfDirectory(atPath: directory.url.path).count
    let records = try sorter.sorted()
    var seen: [([UInt8], [UInt8])] = []
    while let record = try records.next() { seen.append((record.key, record.payload)) }
    #expect(seen.count == count)
    #expect(seen.map(\.0) == expected.keys.sorted { $0.lexicographicallyPrecedes($1) })
    #expect(seen.allSatisfy { expected[$0.0] == $0.1 })
    if count == 40_000 {
      // Enough runs for more than one merge pass, and the merged ones are removed.
      #expect(runs > ExternalSorter.maximumFanIn * ExternalSorter.maximumFanIn)
      let left = try FileManager.default.contentsOfDirectory(atPath: directory.url.path)
      #expect(left.count <= ExternalSorter.maximumFanIn, "\(left.count) run files remain")
    }
  }
}
