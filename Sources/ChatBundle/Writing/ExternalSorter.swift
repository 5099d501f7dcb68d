import ArchiveIO

#if canImport(Glibc)
  import Glibc
#endif

/// Sorts (key, payload) records by key in bounded memory: records gather in memory up to
/// a budget, are sorted and spilled to run files, and the runs are merged at the end.
///
/// Keys compare bytewise; the callers make them unique, so the order is total and the
/// output never depends on the order records arrived in.
final class ExternalSorter {
  private let directory: String
  private let name: String
  private let memoryBudget: Int
  private var keys: [[UInt8]] = []
  private var payloads: [[UInt8]] = []
  private var bufferedBytes = 0
  private var runs: [String] = []
  private(set) var count: Int64 = 0

  init(directory: String, name: String, memoryBudget: Int) {
    self.directory = directory
    self.name = name
    self.memoryBudget = max(memoryBudget, 1024)
  }

  func add(key: [UInt8], payload: [UInt8]) throws {
    keys.append(key)
    payloads.append(payload)
    count += 1
    // 64 bytes stands for the two arrays' own overhead.
    bufferedBytes += key.count + payload.count + 64
    if bufferedBytes >= memoryBudget { try spill() }
  }

  /// The records in key order. The sorter cannot take records afterwards.
  func sorted() throws -> SortedRecords {
    if runs.isEmpty {
      let order = sortedOrder()
      let records = SortedRecords.memory(keys: keys, payloads: payloads, order: order)
      keys = []
      payloads = []
      return records
    }
    if !keys.isEmpty { try spill() }
    return try SortedRecords.merge(runs.map { try RunReader(path: $0) })
  }

  private func sortedOrder() -> [Int] {
    var order = Array(keys.indices)
    order.sort { compareBytes(keys[$0], keys[$1]) < 0 }
    return order
  }

  private func spill() throws {
    let path = directory + "/\(name)-run-\(runs.count)"
    let writer = try BufferedWriter(creating: path)
    for index in sortedOrder() {
      try writer.write(lengthPrefix(keys[index].count) + lengthPrefix(payloads[index].count))
      try writer.write(keys[index])
      try writer.write(payloads[index])
    }
    try writer.close()
    runs.append(path)
    keys.removeAll(keepingCapacity: true)
    payloads.removeAll(keepingCapacity: true)
    bufferedBytes = 0
  }
}

private func lengthPrefix(_ value: Int) -> [UInt8] {
  let value = UInt32(truncatingIfNeeded: value)
  return [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 24)]
}

/// Bytewise comparison: negative, zero or positive.
func compareBytes(_ lhs: [UInt8], _ rhs: [UInt8]) -> Int {
  lhs.withUnsafeBufferPointer { left in
    rhs.withUnsafeBufferPointer { right in
      let common = min(left.count, right.count)
      if common > 0, let leftBase = left.baseAddress, let rightBase = right.baseAddress {
        let result = memcmp(leftBase, rightBase, common)
        if result != 0 { return Int(result) }
      }
      return left.count - right.count
    }
  }
}

/// Records coming out of a sorter, in key order.
final class SortedRecords {
  private var memoryKeys: [[UInt8]] = []
  private var memoryPayloads: [[UInt8]] = []
  private var memoryOrder: [Int] = []
  private var position = 0
  private var heap: [RunReader] = []
  private var isMemory = true

  static func memory(keys: [[UInt8]], payloads: [[UInt8]], order: [Int]) -> SortedRecords {
    let records = SortedRecords()
    records.memoryKeys = keys
    records.memoryPayloads = payloads
    records.memoryOrder = order
    return records
  }

  static func merge(_ readers: [RunReader]) throws -> SortedRecords {
    let records = SortedRecords()
    records.isMemory = false
    for reader in readers where try reader.advance() {
      records.heap.append(reader)
    }
    records.heap.sort { compareBytes($0.key, $1.key) < 0 }
    return records
  }

  func next() throws -> (key: [UInt8], payload: [UInt8])? {
    if isMemory {
      guard position < memoryOrder.count else {
        memoryKeys = []
        memoryPayloads = []
        return nil
      }
      let index = memoryOrder[position]
      position += 1
      let record = (memoryKeys[index], memoryPayloads[index])
      // Release as we go, so the merge that reads these does not hold two copies.
      memoryKeys[index] = []
      memoryPayloads[index] = []
      return record
    }
    guard let smallest = heap.first else { return nil }
    let record = (smallest.key, smallest.payload)
    if try smallest.advance() {
      siftDown(0)
    } else {
      heap.swapAt(0, heap.count - 1)
      heap.removeLast()
      if !heap.isEmpty { siftDown(0) }
    }
    return record
  }

  private func siftDown(_ start: Int) {
    var index = start
    while true {
      let left = 2 * index + 1
      let right = left + 1
      var smallest = index
      if left < heap.count && compareBytes(heap[left].key, heap[smallest].key) < 0 { smallest = left }
      if right < heap.count && compareBytes(heap[right].key, heap[smallest].key) < 0 { smallest = right }
      if smallest == index { return }
      heap.swapAt(index, smallest)
      index = smallest
    }
  }
}

/// Reads one spilled run back, record by record.
final class RunReader {
  private let stream: FileByteStream
  private var buffer = [UInt8](repeating: 0, count: 256 * 1024)
  private var start = 0
  private var end = 0
  private(set) var key: [UInt8] = []
  private(set) var payload: [UInt8] = []

  init(path: String) throws {
    stream = try FileByteStream(path: path)
  }

  /// Loads the next record; false at the end of the run.
  func advance() throws -> Bool {
    guard let header = try take(8) else { return false }
    let keyLength = Int(header[0]) | Int(header[1]) << 8 | Int(header[2]) << 16 | Int(header[3]) << 24
    let payloadLength = Int(header[4]) | Int(header[5]) << 8 | Int(header[6]) << 16 | Int(header[7]) << 24
    guard let keyBytes = try take(keyLength), let payloadBytes = try take(payloadLength) else {
      throw ChatBundleError.io(path: stream.path, message: "sort run ends inside a record")
    }
    key = keyBytes
    payload = payloadBytes
    return true
  }

  private func take(_ count: Int) throws -> [UInt8]? {
    if count == 0 { return [] }
    var result: [UInt8] = []
    result.reserveCapacity(count)
    while result.count < count {
      if start == end {
        end = try buffer.withUnsafeMutableBytes { try stream.read(into: $0) }
        start = 0
        if end == 0 {
          if result.isEmpty { return nil }
          throw ChatBundleError.io(path: stream.path, message: "sort run ends inside a record")
        }
      }
      let chunk = min(count - result.count, end - start)
      result.append(contentsOf: buffer[start..<start + chunk])
      start += chunk
    }
    return result
  }
}
