import ArchiveIO

/// Hands elements from one thread to a consumer on its own thread, in order, in batches.
///
/// The queue holds at most `queuedBatches` batches, each closed at `batchSize` elements or
/// `batchBytes` declared bytes, so memory stays bounded whatever the input's size; the
/// producer waits when the consumer falls behind. The consumer is `sending`: the thread
/// owns it until `finish()` hands it back, so only the (Sendable) elements are shared.
final class BatchQueue<Element: Sendable, Consumer: SendableMetatype> {
  private let batchSize: Int
  private let batchBytes: Int
  private let channel: BatchChannel<Element>
  private var worker: WorkerThread<Consumer>?
  private var batch: [Element] = []
  private var bytes = 0

  /// - Parameters:
  ///   - consume: called on the queue's thread with each element, in order.
  ///   - last: called on the queue's thread once every element is consumed; its error
  ///     comes out of `finish()`.
  init(
    batchSize: Int = 512, batchBytes: Int = 1 << 20, queuedBatches: Int = 4, consumer: sending Consumer,
    consume: @escaping @Sendable (Consumer, Element) -> Void,
    last: (@Sendable (Consumer) throws -> Void)? = nil
  ) {
    self.batchSize = batchSize
    self.batchBytes = batchBytes
    let channel = BatchChannel<Element>(queuedBatches: queuedBatches)
    self.channel = channel
    batch.reserveCapacity(batchSize)
    worker = WorkerThread(stackSize: 8 << 20, owning: consumer) { consumer in
      while var elements = channel.next() {
        // Moved out one by one rather than iterated: iterating copies each element (through
        // the generic value witness, since this class is not specialized) only to destroy
        // it again with the array.
        elements.reverse()
        while let element = elements.popLast() { consume(consumer, element) }
      }
      try last?(consumer)
    }
  }

  deinit { _ = try? finish() }

  /// Called from the producer's thread only.
  func append(_ element: Element, bytes: Int = 0) {
    batch.append(element)
    self.bytes += bytes
    if batch.count >= batchSize || self.bytes >= batchBytes { send() }
  }

  /// Sends what is left and marks the end, without waiting for the consumer.
  func close() {
    guard worker != nil else { return }
    send()
    channel.close()
  }

  /// Closes the queue, waits until the consumer has taken every element (and `last` has
  /// run), and hands the consumer back; rethrows `last`'s error. Later calls return nil.
  @discardableResult
  func finish() throws -> sending Consumer? {
    guard let worker else { return nil }
    close()
    self.worker = nil
    return try worker.join()
  }

  private func send() {
    guard !batch.isEmpty else { return }
    channel.send(batch)
    batch = []
    batch.reserveCapacity(batchSize)
    bytes = 0
  }
}

/// The batches between the producer and the queue's thread, at most `queuedBatches`.
private final class BatchChannel<Element: Sendable>: Sendable {
  private struct State: Sendable {
    var batches: [[Element]] = []
    var closed = false
  }

  private let state = Monitor(State())
  private let queuedBatches: Int

  init(queuedBatches: Int) { self.queuedBatches = max(queuedBatches, 1) }

  func send(_ batch: [Element]) {
    let limit = queuedBatches
    state.wait(until: { $0.batches.count < limit }) { $0.batches.append(batch) }
  }

  func close() { state.update { $0.closed = true } }

  /// The next batch, waiting for it; nil once the queue is closed and empty.
  func next() -> [Element]? {
    state.wait(until: { !$0.batches.isEmpty || $0.closed }) { $0.batches.isEmpty ? nil : $0.batches.removeFirst() }
  }
}
