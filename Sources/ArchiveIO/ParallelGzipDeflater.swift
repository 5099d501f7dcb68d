import CZlib
import Foundation

/// Gzip compression (one member, no file name, zero mtime) on several threads, the way
/// pigz does it, with output that depends only on the input, the levels chosen and the
/// zlib build: never on the number of threads or on their timing.
///
/// The stream is cut into blocks of `blockSize` bytes, and a block ends early where the
/// level changes (`setLevel` before the next byte), so where blocks end is a function of
/// the bytes and of where the level was set. Each block is raw-deflated on its own, with
/// the 32 KiB of the stream before it as the dictionary, and ended with a sync flush (the
/// last one with the final block), so that the blocks, concatenated, are one deflate
/// stream. Every block is compressed from a fresh (reset) zlib stream at its level, so
/// which thread compresses it changes nothing. The header is `GzipDeflater`'s; the
/// trailer's CRC-32 combines the blocks' own.
///
/// Memory is bounded: besides the block being filled, at most `2 × threads` blocks are
/// between `write` and the sink, and `write` waits for the oldest when there are as many.
/// Compressed blocks reach the sink in order on the calling thread (the thread that calls
/// `write` and `finish`), never on a compressing thread. An error from the sink or from
/// zlib stops every thread and is thrown from that call and every later one; `finish`,
/// the first error and deinit end and join the threads.
public final class ParallelGzipDeflater {
  /// The uncompressed size of a block; a constant, so that threads change no byte.
  public static let blockSize = 128 * 1024
  /// Deflate's window: how much of the stream before a block its dictionary holds.
  static let dictionarySize = 32 * 1024

  /// The processors this process may use, at most 8 (more gain little on one stream).
  public static var defaultThreadCount: Int {
    max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))
  }

  private let sink: (UnsafeRawBufferPointer) throws -> Void
  /// The most bytes handed to the sink in one call.
  private let pieceSize: Int
  private let threads: Int
  /// Blocks between `write` and the sink: queued, being compressed, or compressed and
  /// waiting for their turn.
  private let capacity: Int
  private let pipeline = BlockPipeline()
  private var workers: [WorkerThread<BlockCompressor>] = []

  // The calling thread's own state.
  /// The block being filled, and the level it will be compressed at.
  private var block: [UInt8] = []
  private var blockLevel: Int32
  /// The level for the bytes written from now on.
  private var level: Int32
  /// The last blocks before `block`, as few as hold `dictionarySize` bytes (shared with
  /// their jobs, not copied): the compressing thread takes the dictionary from them.
  private var history: [[UInt8]] = []
  private var submitted = 0
  private var emitted = 0
  private var extraFlags: UInt8 = 0
  private var crc: UInt = 0
  private var length: UInt64 = 0
  private var finished = false
  private var failure: (any Error)?
  /// The most blocks that were ever in flight at once (for tests of the bound).
  private(set) var peakInFlight = 0
  /// The compressing threads that are started and not yet joined.
  var runningWorkers: Int { workers.count }

  /// - Parameters:
  ///   - level: zlib compression level, 0 to 9 (-1 is zlib's default, 6).
  ///   - bufferSize: the most compressed bytes handed to the sink in one call.
  ///   - threads: the compressing threads, at least 1; they start as blocks need them.
  ///   - sink: receives compressed bytes in order, on the thread that calls `write` and
  ///     `finish`; an error it throws stops compression.
  public init(
    level: Int = 6, bufferSize: Int = 256 * 1024, threads: Int = ParallelGzipDeflater.defaultThreadCount,
    sink: @escaping (UnsafeRawBufferPointer) throws -> Void
  ) throws(ArchiveError) {
    let level = try Self.checked(level, operation: "deflateInit2")
    self.level = level
    self.blockLevel = level
    self.pieceSize = max(bufferSize, 1)
    self.threads = max(threads, 1)
    self.capacity = 2 * max(threads, 1)
    self.sink = sink
  }

  deinit { shutdown() }

  /// Changes the level for the bytes that follow; the bytes before keep the old one. The
  /// block being filled ends before the next byte, unless it is empty.
  public func setLevel(_ newLevel: Int) throws {
    if let failure { throw failure }
    guard !finished else { return }
    level = try Self.checked(newLevel, operation: "deflateParams")
  }

  public func write(_ bytes: UnsafeRawBufferPointer) throws {
    if let failure { throw failure }
    guard !bytes.isEmpty else { return }
    guard !finished else {
      throw ArchiveError(.usage, operation: "deflate", message: "the gzip stream is already finished")
    }
    try guarded {
      var offset = 0
      while offset < bytes.count {
        if !block.isEmpty && (block.count == Self.blockSize || blockLevel != level) {
          try submitBlock(isLast: false)
        }
        if block.isEmpty {
          blockLevel = level
          block.reserveCapacity(Self.blockSize)
        }
        let count = min(bytes.count - offset, Self.blockSize - block.count)
        block.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count]))
        offset += count
      }
    }
  }

  public func write(_ bytes: [UInt8]) throws {
    try bytes.withUnsafeBytes { try write($0) }
  }

  /// Compresses what is left, waits for every block and writes the gzip trailer; the
  /// threads have ended when it returns. The deflater cannot be used afterwards.
  public func finish() throws {
    if let failure { throw failure }
    guard !finished else { return }
    try guarded {
      if block.isEmpty { blockLevel = level }
      try submitBlock(isLast: true)
      try emit(whileInFlightAbove: 0)
      let crc32 = UInt32(truncatingIfNeeded: crc)
      // ISIZE is the length modulo 2^32 (RFC 1952).
      let size = UInt32(truncatingIfNeeded: length)
      var trailer: [UInt8] = []
      for shift in stride(from: 0, to: 32, by: 8) { trailer.append(UInt8(truncatingIfNeeded: crc32 >> shift)) }
      for shift in stride(from: 0, to: 32, by: 8) { trailer.append(UInt8(truncatingIfNeeded: size >> shift)) }
      try trailer.withUnsafeBytes { try sink($0) }
      finished = true
      shutdown()
    }
  }

  /// Runs `body`; its error (or an earlier one) stops the threads and is thrown again by
  /// every later call.
  private func guarded(_ body: () throws -> Void) throws {
    if let failure { throw failure }
    do {
      try body()
    } catch {
      failure = error
      shutdown()
      throw error
    }
  }

  /// Hands `block` to the threads, after waiting for room.
  private func submitBlock(isLast: Bool) throws {
    let input = block
    block = []
    if submitted == 0 {
      // What zlib writes in the header's XFL byte, from the level of the first bytes.
      extraFlags = blockLevel == 9 ? 2 : (blockLevel < 2 ? 4 : 0)
    }
    let job = BlockJob(sequence: submitted, level: blockLevel, history: history, input: input, isLast: isLast)
    history.append(input)
    var held = history.reduce(0) { $0 + $1.count }
    while let oldest = history.first, held - oldest.count >= Self.dictionarySize {
      held -= oldest.count
      history.removeFirst()
    }
    length &+= UInt64(input.count)
    try emit(whileInFlightAbove: capacity - 1)
    pipeline.enqueue(job)
    submitted += 1
    let inFlight = submitted - emitted
    peakInFlight = max(peakInFlight, inFlight)
    if workers.count < min(threads, inFlight) {
      let pipeline = pipeline
      // The body throws nothing: a block's failure travels through the pipeline.
      workers.append(WorkerThread(owning: BlockCompressor()) { compressor in pipeline.serve(compressor) })
    }
    // Whatever is compressed already goes out now, without waiting.
    try emit(whileInFlightAbove: Int.max)
  }

  /// Hands the compressed blocks to the sink in order, as long as they are ready, and
  /// waits for them while more than `limit` blocks are in flight.
  private func emit(whileInFlightAbove limit: Int) throws {
    while emitted < submitted {
      switch pipeline.take(emitted, waiting: submitted - emitted > limit) {
      case .notReady: return
      case .failed(let error): throw error
      case .block(let compressed): try deliver(compressed)
      }
    }
  }

  private func deliver(_ compressed: CompressedBlock) throws {
    if emitted == 0 {
      // ID1 ID2, deflate, no flags, mtime 0, XFL, OS 3 (Unix): GzipDeflater's header.
      let header: [UInt8] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, extraFlags, 3]
      try header.withUnsafeBytes { try sink($0) }
    }
    try compressed.bytes.withUnsafeBytes { bytes in
      var offset = 0
      while offset < bytes.count {
        let count = min(pieceSize, bytes.count - offset)
        try sink(UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count]))
        offset += count
      }
    }
    crc = crc32_combine(crc, compressed.crc, off_t(compressed.count))
    emitted += 1
  }

  /// Stops the threads and waits for each to end; they finish the block they are on.
  private func shutdown() {
    pipeline.stop()
    for worker in workers {
      // The body throws nothing (see `submitBlock`), and the compressor it hands back is
      // dropped here, which ends its zlib stream.
      _ = try? worker.join()
    }
    workers = []
  }

  private static func checked(_ level: Int, operation: String) throws(ArchiveError) -> Int32 {
    guard (-1...9).contains(level) else {
      throw ArchiveError(.usage, operation: operation, message: "compression level \(level) is not 0 to 9")
    }
    return level == -1 ? 6 : Int32(level)
  }
}

/// One block to compress: its bytes, the blocks before them, its level, its place.
private struct BlockJob: Sendable {
  var sequence: Int
  var level: Int32
  /// The blocks that hold the (up to) 32 KiB before `input`, oldest first.
  var history: [[UInt8]]
  var input: [UInt8]
  var isLast: Bool

  /// The last 32 KiB of the stream before `input`.
  var dictionary: [UInt8] {
    var result: [UInt8] = []
    result.reserveCapacity(ParallelGzipDeflater.dictionarySize)
    var needed = ParallelGzipDeflater.dictionarySize
    var pieces: [ArraySlice<UInt8>] = []
    for block in history.reversed() where needed > 0 {
      pieces.append(block.suffix(needed))
      needed -= pieces[pieces.count - 1].count
    }
    for piece in pieces.reversed() { result += piece }
    return result
  }
}

/// A block's raw deflate bytes, with the CRC-32 and length of its input.
private struct CompressedBlock: Sendable {
  var bytes: [UInt8]
  var crc: UInt
  var count: Int
}

/// The blocks between the calling thread and the compressing threads, and back.
private final class BlockPipeline: Sendable {
  enum Taken: Sendable {
    case block(CompressedBlock)
    case failed(any Error)
    case notReady
  }

  private struct State: Sendable {
    /// Blocks waiting for a thread, oldest first.
    var queue: [BlockJob] = []
    /// Compressed blocks by sequence number, waiting for the calling thread.
    var done: [Int: CompressedBlock] = [:]
    var failure: (any Error)?
    var stopping = false
  }

  private let state = Monitor(State())

  func enqueue(_ job: BlockJob) { state.update { $0.queue.append(job) } }

  /// On a compressing thread: compresses blocks until `stop()` or a failure.
  func serve(_ compressor: BlockCompressor) {
    while true {
      let next = state.wait(until: { !$0.queue.isEmpty || $0.stopping }) { state -> BlockJob? in
        state.stopping ? nil : state.queue.removeFirst()
      }
      guard let job = next else { return }
      do {
        let compressed = try compressor.compress(job)
        state.update { $0.done[job.sequence] = compressed }
      } catch {
        state.update { state in
          if state.failure == nil { state.failure = error }
          state.stopping = true
        }
        return
      }
    }
  }

  /// On the calling thread: block `sequence` once compressed, waiting for it (or for a
  /// failure) if `waiting`.
  func take(_ sequence: Int, waiting: Bool) -> Taken {
    state.wait(until: { !waiting || $0.done[sequence] != nil || $0.failure != nil }) { state -> Taken in
      if let failure = state.failure { return .failed(failure) }
      if let compressed = state.done.removeValue(forKey: sequence) { return .block(compressed) }
      return .notReady
    }
  }

  func stop() { state.update { $0.stopping = true } }
}

/// One thread's zlib stream, which only that thread touches (it is handed over whole).
private final class BlockCompressor {
  /// Allocated, since zlib keeps the stream's address and checks it on every call.
  private let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
  /// The level the stream was set up at; nil before the first block.
  private var level: Int32?
  /// Output space for what does not fit in the first try (of a size fixed by `blockSize`:
  /// how zlib cuts stored blocks depends on the room it has, which must not depend on the
  /// thread).
  private var scratch = [UInt8](repeating: 0, count: ParallelGzipDeflater.blockSize + 4096)

  init() { stream.initialize(to: z_stream()) }

  deinit {
    if level != nil { deflateEnd(stream) }
    stream.deinitialize(count: 1)
    stream.deallocate()
  }

  func compress(_ job: BlockJob) throws(ArchiveError) -> CompressedBlock {
    try prepare(level: job.level)
    if job.level != 0 && !job.history.isEmpty {
      // Stored blocks refer to nothing: level 0 needs no dictionary.
      let status = job.dictionary.withUnsafeBufferPointer {
        deflateSetDictionary(stream, $0.baseAddress, UInt32($0.count))
      }
      guard status == Z_OK else { throw Self.failure("deflateSetDictionary", status) }
    }
    let flush = job.isLast ? Z_FINISH : Z_SYNC_FLUSH
    return try job.input.withUnsafeBufferPointer { input throws(ArchiveError) -> CompressedBlock in
      stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
      stream.pointee.avail_in = UInt32(input.count)
      defer {
        stream.pointee.next_in = nil
        stream.pointee.next_out = nil
      }
      // Straight into the block's own bytes, with room for all of them as a rule: zlib's
      // bound for the input, and a few bytes for the sync flush's empty stored block.
      let room = Int(deflateBound(stream, UInt(input.count))) + 16
      var status: Int32 = Z_OK
      var bytes = [UInt8](unsafeUninitializedCapacity: room) { out, count in
        stream.pointee.next_out = out.baseAddress
        stream.pointee.avail_out = UInt32(out.count)
        status = deflate(stream, flush)
        count = out.count - Int(stream.pointee.avail_out)
      }
      // Done when the final block is out, or when all input is in and the flush did not
      // fill the output (zlib's sign that the flush is complete).
      func complete(_ full: Bool) -> Bool {
        job.isLast ? status == Z_STREAM_END : stream.pointee.avail_in == 0 && !full
      }
      var full = bytes.count == room
      while status == Z_OK || status == Z_STREAM_END, !complete(full) {
        let produced = scratch.withUnsafeMutableBufferPointer { out -> Int in
          stream.pointee.next_out = out.baseAddress
          stream.pointee.avail_out = UInt32(out.count)
          status = deflate(stream, flush)
          return out.count - Int(stream.pointee.avail_out)
        }
        bytes += scratch[0..<produced]
        full = produced == scratch.count
      }
      guard status == Z_OK || status == Z_STREAM_END else { throw Self.failure("deflate", status) }
      return CompressedBlock(bytes: bytes, crc: crc32(0, input.baseAddress, UInt32(input.count)), count: input.count)
    }
  }

  /// A stream at `level` as deflateInit2 leaves it: reset when the level is the same,
  /// set up again when it changed.
  private func prepare(level newLevel: Int32) throws(ArchiveError) {
    if level == newLevel {
      let status = deflateReset(stream)
      guard status == Z_OK else { throw Self.failure("deflateReset", status) }
      return
    }
    if level != nil {
      deflateEnd(stream)
      level = nil
    }
    stream.pointee = z_stream()
    let status = chatbundle_deflate_init_raw(stream, newLevel)
    guard status == Z_OK else { throw Self.failure("deflateInit2", status) }
    level = newLevel
  }

  private static func failure(_ operation: String, _ status: Int32) -> ArchiveError {
    ArchiveError(.io, operation: operation, message: "zlib status \(status)")
  }
}
