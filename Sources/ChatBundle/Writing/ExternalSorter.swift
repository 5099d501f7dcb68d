import ArchiveIO

/// Sorts (key, payload) records by key in bounded memory: records gather in memory up to
/// a budget, are sorted and spilled to run files, and the runs are merged at the end.
///
/// Keys compare bytewise; the callers make them unique, so the order is total and the
/// output never depends on the order records arrived in.
package final class ExternalSorter {
  /// Where runs are spilled, asked for only when the first one is.
  private let directory: () throws -> String
  private let name: String
  private let memoryBudget: Int
  /// Keys and payloads back to back, so a record costs its bytes plus one `Slot`, with no
  /// allocation of its own; the budget then bounds memory exactly.
  private var arena: [UInt8] = []
  private var slots: [Slot] = []
  private var runs: [String] = []
  private var mergedRuns = 0
  private(set) var count: Int64 = 0

  package struct Slot {
    var offset: Int
    var keyLength: Int
    var payloadLength: Int
  }

  package convenience init(directory: String, name: String, memoryBudget: Int) {
    self.init(name: name, memoryBudget: memoryBudget) { directory }
  }

  package init(name: String, memoryBudget: Int, directory: @escaping () throws -> String) {
    self.directory = directory
    self.name = name
    self.memoryBudget = max(memoryBudget, 1024)
  }

  package func add(key: [UInt8], payload: [UInt8]) throws {
    try key.withUnsafeBufferPointer { key in try payload.withUnsafeBytes { try add(key: key, payload: $0) } }
  }

  /// `add` without arrays of its own: the bytes go straight into the arena.
  package func add(key: UnsafeBufferPointer<UInt8>, payload: UnsafeRawBufferPointer) throws {
    if arena.isEmpty { arena.reserveCapacity(memoryBudget) }
    slots.append(Slot(offset: arena.count, keyLength: key.count, payloadLength: payload.count))
    arena.append(contentsOf: key)
    arena.append(contentsOf: payload)
    count += 1
    if arena.count + slots.count * MemoryLayout<Slot>.stride >= memoryBudget { try spill() }
  }

  /// The records in key order. The sorter cannot take records afterwards.
  package func sorted() throws -> SortedRecords {
    if runs.isEmpty {
      let order = sortedSlots()
      let records = SortedRecords.memory(arena: arena, slots: order)
      arena = []
      slots = []
      return records
    }
    if !slots.isEmpty { try spill() }
    // The arena is not needed for the merge; give its memory back before the next sort fills.
    arena = []
    slots = []
    // Each run being merged holds a read buffer, so runs are merged in passes of at most
    // `maximumFanIn`: memory then stays the same however many runs the input made.
    while runs.count > Self.maximumFanIn {
      var merged: [String] = []
      for start in stride(from: 0, to: runs.count, by: Self.maximumFanIn) {
        let group = Array(runs[start..<min(start + Self.maximumFanIn, runs.count)])
        merged.append(group.count == 1 ? group[0] : try mergeRuns(group))
      }
      runs = merged
    }
    return try SortedRecords.merge(runs.map { try RunReader(path: $0) })
  }

  /// At most this many runs are read at once.
  package static let maximumFanIn = 16

  /// Merges `group` into one new run, in the same record format, and removes the group.
  private func mergeRuns(_ group: [String]) throws -> String {
    mergedRuns += 1
    let path = try directory() + "/\(name)-merged-\(mergedRuns)"
    let writer = try BufferedWriter(creating: path)
    let records = try SortedRecords.merge(group.map { try RunReader(path: $0) })
    while let record = try records.next() {
      try writer.write(lengthPrefix(record.key.count) + lengthPrefix(record.payload.count))
      try writer.write(record.key)
      try writer.write(record.payload)
    }
    _ = try writer.close()
    for run in group { removeTree(run) }
    return path
  }

  private func sortedSlots() -> [Slot] {
    arena.withUnsafeBufferPointer { bytes in
      guard let base = bytes.baseAddress else { return slots }
      return slots.sorted { left, right in
        let common = min(left.keyLength, right.keyLength)
        let result = ByteScan.compare(base + left.offset, base + right.offset, count: common)
        return result != 0 ? result < 0 : left.keyLength < right.keyLength
      }
    }
  }

  private func spill() throws {
    let path = try directory() + "/\(name)-run-\(runs.count)"
    let writer = try BufferedWriter(creating: path)
    let order = sortedSlots()
    try arena.withUnsafeBytes { bytes in
      for slot in order {
        try writer.write(lengthPrefix(slot.keyLength) + lengthPrefix(slot.payloadLength))
        try writer.write(
          UnsafeRawBufferPointer(rebasing: bytes[slot.offset..<(slot.offset + slot.keyLength + slot.payloadLength)]))
      }
    }
    try writer.close()
    runs.append(path)
    arena.removeAll(keepingCapacity: true)
    slots.removeAll(keepingCapacity: true)
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
        let result = ByteScan.compare(leftBase, rightBase, count: common)
        if result != 0 { return result }
      }
      return left.count - right.count
    }
  }
}

/// Records coming out of a sorter, in key order.
package final class SortedRecords {
  private var arena: [UInt8] = []
  private var slots: [ExternalSorter.Slot] = []
  private var position = 0
  private var heap: [RunReader] = []
  private var isMemory = true

  static func memory(arena: [UInt8], slots: [ExternalSorter.Slot]) -> SortedRecords {
    let records = SortedRecords()
    records.arena = arena
    records.slots = slots
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

  /// Calls `body` with each record in key order; in memory the bytes are not copied.
  package func forEach(_ body: (ArraySlice<UInt8>, ArraySlice<UInt8>) throws -> Void) throws {
    if isMemory {
      for slot in slots[position...] {
        let keyEnd = slot.offset + slot.keyLength
        try body(arena[slot.offset..<keyEnd], arena[keyEnd..<(keyEnd + slot.payloadLength)])
      }
      position = slots.count
      arena = []
      slots = []
      return
    }
    while let record = try next() { try body(record.key[...], record.payload[...]) }
  }

  package func next() throws -> (key: [UInt8], payload: [UInt8])? {
    if isMemory {
      guard position < slots.count else {
        arena = []
        slots = []
        return nil
      }
      let slot = slots[position]
      position += 1
      let keyEnd = slot.offset + slot.keyLength
      return (Array(arena[slot.offset..<keyEnd]), Array(arena[keyEnd..<(keyEnd + slot.payloadLength)]))
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
