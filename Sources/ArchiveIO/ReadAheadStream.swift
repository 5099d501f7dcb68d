/// Reads a stream ahead on a thread of its own, a few blocks at a time, so that producing
/// the bytes (reading and inflating the file) overlaps with whoever consumes them (parsing
/// and checking the tar's content) on another core.
///
/// Bytes and the source's error arrive in the order the source gave them. Memory is
/// bounded by `depth` blocks. The thread owns the source while it runs (it is `sending`
/// here); `stop()` ends the thread early, or after the end, and hands the source back in
/// `source`. It is called on deinit too.
final class ReadAheadStream<Source: ByteStream & SendableMetatype>: ByteStream {
  private let channel: BlockChannel
  private var worker: WorkerThread<Source>?
  /// The source, back from the thread once `stop()` has returned.
  private(set) var source: Source?
  // The consumer's own state.
  private var current: [UInt8] = []
  private var offset = 0
  /// Set once the end has been taken: nil inside it means the source ended cleanly.
  private var end: (any Error)??

  init(source: sending Source, blockSize: Int = 256 << 10, depth: Int = 8) {
    let channel = BlockChannel(depth: depth)
    self.channel = channel
    worker = WorkerThread(owning: source) { source in channel.produce(from: source, blockSize: blockSize) }
  }

  deinit { stop() }

  func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    if offset == current.count {
      if let end {
        if let failure = end { throw failure }
        return 0
      }
      switch channel.next() {
      case .block(let block):
        current = block
        offset = 0
      case .end(let failure):
        end = .some(failure)
        if let failure { throw failure }
        return 0
      }
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
  /// observes it) is no longer touched by it after this returns; the source is then back.
  func stop() {
    guard let worker else { return }
    self.worker = nil
    channel.stop()
    // The producer's body does not throw; its failures travel as `.end`.
    source = try? worker.join()
  }
}

/// The blocks between the reading thread and the consumer, at most `depth` of them.
private final class BlockChannel: Sendable {
  enum Item: Sendable {
    case block([UInt8])
    /// The source ended, with its error if it failed.
    case end((any Error)?)
  }

  private struct State: Sendable {
    var items: [Item] = []
    var stopping = false
  }

  private let state = Monitor(State())
  private let depth: Int

  init(depth: Int) { self.depth = max(depth, 1) }

  /// On the reading thread: fills blocks until the source ends or `stop()`.
  func produce(from source: some ByteStream, blockSize: Int) {
    while true {
      var block = [UInt8](repeating: 0, count: blockSize)
      let item: Item
      do {
        let count = try block.withUnsafeMutableBytes { try source.read(into: $0) }
        block.removeLast(blockSize - count)
        item = count == 0 ? .end(nil) : .block(block)
      } catch {
        item = .end(error)
      }
      // Blocks wait for room; the end never does, so the consumer always learns of it.
      let isEnd = if case .end = item { true } else { false }
      let depth = depth
      let queued = state.wait(until: { isEnd || $0.items.count < depth || $0.stopping }) { state -> Bool in
        guard !state.stopping else { return false }
        state.items.append(item)
        return true
      }
      if !queued || isEnd { return }
    }
  }

  /// On the consumer's thread: the next block or the end, waiting for it.
  func next() -> Item {
    state.wait(until: { !$0.items.isEmpty }) { $0.items.isEmpty ? .end(nil) : $0.items.removeFirst() }
  }

  func stop() { state.update { $0.stopping = true } }
}
