import Foundation

/// Reads a stream ahead on a thread of its own, a few blocks at a time, so that producing
/// the bytes (reading and inflating the file) overlaps with whoever consumes them (parsing
/// and checking the tar's content) on another core.
///
/// Bytes and the source's error arrive in the order the source gave them. Memory is
/// bounded by `depth` blocks. `stop()` ends the thread early; it is called on deinit too.
final class ReadAheadStream: ByteStream, @unchecked Sendable {
  // Everything below `condition` is shared with the thread and touched only under it.
  private let condition = NSCondition()
  private var ready: [[UInt8]] = []
  private var sourceEnded = false
  private var failure: Error?
  private var stopping = false
  private var threadDone = false
  // The consumer's own state.
  private var current: [UInt8] = []
  private var offset = 0
  /// Read only by the thread once it runs.
  private let source: ByteStream

  init(source: ByteStream, blockSize: Int = 256 << 10, depth: Int = 8) {
    self.source = source
    let thread = Thread { [self] in produce(blockSize: blockSize, depth: depth) }
    thread.stackSize = 1 << 20
    thread.start()
  }

  deinit { stop() }

  private func produce(blockSize: Int, depth: Int) {
    defer {
      condition.lock()
      threadDone = true
      condition.broadcast()
      condition.unlock()
    }
    while true {
      var block = [UInt8](repeating: 0, count: blockSize)
      let count: Int
      do {
        count = try block.withUnsafeMutableBytes { try source.read(into: $0) }
      } catch {
        condition.lock()
        failure = error
        sourceEnded = true
        condition.broadcast()
        condition.unlock()
        return
      }
      condition.lock()
      if count == 0 {
        sourceEnded = true
        condition.broadcast()
        condition.unlock()
        return
      }
      block.removeLast(blockSize - count)
      while ready.count >= depth && !stopping { condition.wait() }
      if stopping {
        condition.unlock()
        return
      }
      ready.append(block)
      condition.broadcast()
      condition.unlock()
    }
  }

  func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    if offset == current.count {
      condition.lock()
      while ready.isEmpty && !sourceEnded { condition.wait() }
      if ready.isEmpty {
        let failure = failure
        condition.unlock()
        if let failure { throw failure }
        return 0
      }
      current = ready.removeFirst()
      condition.broadcast()
      condition.unlock()
      offset = 0
    }
    let count = min(buffer.count, current.count - offset)
    current.withUnsafeBytes { bytes in
      if let base = buffer.baseAddress, let from = bytes.baseAddress {
        base.copyMemory(from: from + offset, byteCount: count)
      }
    }
    offset += count
    return count
  }

  /// Ends the reading thread and waits for it, so that the source (and anything that
  /// observes it) is no longer touched after this returns.
  func stop() {
    condition.lock()
    stopping = true
    condition.broadcast()
    while !threadDone { condition.wait() }
    condition.unlock()
  }
}
