import Foundation

/// Hands elements from one thread to a consumer on its own thread, in order, in batches.
///
/// The queue holds at most `queuedBatches` batches, each closed at `batchSize` elements or
/// `batchBytes` declared bytes, so memory stays bounded whatever the input's size; the
/// producer waits when the consumer falls behind.
final class BatchQueue<Element>: @unchecked Sendable {
  private let batchSize: Int
  private let batchBytes: Int
  private let queuedBatches: Int
  private let consume: (Element) -> Void
  private let condition = NSCondition()
  private var queue: [[Element]] = []
  private var closed = false
  private var consumerDone = false
  private var batch: [Element] = []
  private var bytes = 0

  init(
    batchSize: Int = 512, batchBytes: Int = 1 << 20, queuedBatches: Int = 4, consume: @escaping (Element) -> Void
  ) {
    self.batchSize = batchSize
    self.batchBytes = batchBytes
    self.queuedBatches = queuedBatches
    self.consume = consume
    batch.reserveCapacity(batchSize)
    let thread = Thread { [self] in run() }
    thread.stackSize = 8 << 20
    thread.start()
  }

  /// Called from the producer's thread only.
  func append(_ element: Element, bytes: Int = 0) {
    batch.append(element)
    self.bytes += bytes
    if batch.count >= batchSize || self.bytes >= batchBytes { send() }
  }

  /// Sends what is left and waits until the consumer has taken every element.
  func finish() {
    send()
    condition.lock()
    closed = true
    condition.broadcast()
    while !consumerDone { condition.wait() }
    condition.unlock()
  }

  private func send() {
    guard !batch.isEmpty else { return }
    condition.lock()
    while queue.count >= queuedBatches { condition.wait() }
    queue.append(batch)
    condition.broadcast()
    condition.unlock()
    batch = []
    batch.reserveCapacity(batchSize)
    bytes = 0
  }

  private func run() {
    while true {
      condition.lock()
      while queue.isEmpty && !closed { condition.wait() }
      if queue.isEmpty {
        consumerDone = true
        condition.broadcast()
        condition.unlock()
        return
      }
      var elements = queue.removeFirst()
      condition.broadcast()
      condition.unlock()
      // Moved out one by one rather than iterated: iterating copies each element (through
      // the generic value witness, since this class is not specialized) only to destroy
      // it again with the array.
      elements.reverse()
      while let element = elements.popLast() { consume(element) }
    }
  }
}
