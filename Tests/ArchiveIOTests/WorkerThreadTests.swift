import Testing

@testable import ArchiveIO

/// A value no other thread may touch: only a `sending` handover makes it cross.
private final class Tally {
  var count = 0
}

private struct Refused: Error, Equatable {}

@Suite struct WorkerThreadTests {
  @Test func theValueComesBackChangedOnlyByTheThread() throws {
    let worker = WorkerThread(owning: Tally()) { tally in
      for _ in 0..<1000 { tally.count += 1 }
    }
    let back = try #require(try worker.join())
    #expect(back.count == 1000)
    // Only the first join hands it back.
    #expect(try worker.join() == nil)
  }

  @Test func theBodysErrorComesOutOfJoin() {
    let worker = WorkerThread(owning: Tally()) { _ in throw Refused() }
    #expect(throws: Refused.self) { try worker.join() }
  }
}
