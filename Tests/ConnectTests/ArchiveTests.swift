import ArchiveIO
import ChatBundle
import ChatBundleConnect
import ChatBundleImport
import ChatBundleTestSupport
import Foundation
import Testing

/// `chatbundle archive init/sync/seal/verify` against the fake Easemob server over a
/// simulated week: the server's clock moves 12 hours between syncs, one sync is killed
/// mid-download, and one hour fails until it leaves the 3-day window.
@Suite struct ArchiveTests {
  /// Monday 2025-03-10 00:00 in Beijing time.
  static let firstHour = "2025031000"
  /// The hour the service never serves while the sync could fetch it.
  static let failingHour = "2025031106"

  /// A week of hours: every fifth has two messages (one with an image in the first), the
  /// rest are empty.
  static func week() -> (hours: [String: FakeHour], served: Set<String>, failing: Set<String>) {
    var hours: [String: FakeHour] = [:]
    var served: Set<String> = []
    var failing: Set<String> = []
    guard let start = HourKey(firstHour) else { return ([:], [], []) }
    var id = 1000
    for (index, key) in HourKey.range(from: start, to: start.advanced(byHours: 7 * 24 - 1)).enumerated() {
      guard index % 5 == 0 else {
        hours[key.description] = .empty
        continue
      }
      let base = Int64(key.start(in: .cn).timeIntervalSince1970) * 1000
      var records: [String] = []
      for offset in [61_000, 1_800_000] as [Int64] {
        id += 1
        let body =
          id == 1001
          ? Scenario.media("img", Scenario.image, name: "photo.jpg") : #"{"type":"txt","msg":"第\#(id)条"}"#
        records.append(Scenario.record(id, "t_wang", body, at: base + offset))
        if key.description == failingHour { failing.insert(String(id)) } else { served.insert(String(id)) }
      }
      hours[key.description] = .records(records)
    }
    return (hours, served, failing)
  }

  func environment() -> [String: String] { ["EASEMOB_TOKEN": Scenario.token] }

  func sync(_ directory: String, _ server: FakeEasemob) async throws -> ChatBundleRun.Result {
    try await ChatBundleRun.run(syncArguments(directory, server), environment: environment())
  }

  func syncArguments(_ directory: String, _ server: FakeEasemob) -> [String] {
    [
      "archive", "sync", directory, "--rate", "200", "--now",
      String(Int64(server.clock.now.timeIntervalSince1970) * 1000),
    ]
  }

  @Test func aSimulatedWeekSealsEveryServedMessageOnceInAnUnbrokenChain() async throws {
    let directory = try TemporaryDirectory("archive")
    let archive = directory.file("school")
    let (hours, served, failing) = Self.week()
    #expect(served.count > 50 && failing.count == 2)
    let refusal = FakeFault(
      target: .path("/acme/school/chatmessages/\(Self.failingHour)"), failure: .status(403), times: 10_000)
    // The second history download of the first sync hangs until the sync is killed.
    let stall = FakeFault(target: .downloads, failure: .stall, after: 1)
    let start = try #require(HourKey(Self.firstHour)).start(in: .cn).addingTimeInterval(7 * 3600)
    try await FakeEasemob.serve(Scenario.app(hours: hours, faults: [refusal, stall]), now: start) { server in
      let created = try await ChatBundleRun.run([
        "archive", "init", archive, "--host", server.base, "--org", "acme", "--app", "school", "--from",
        Self.firstHour,
      ])
      #expect(created.status == 0, "\(created.standardError)")
      #expect(!(try String(contentsOfFile: archive + "/archive.json", encoding: .utf8)).contains(Scenario.token))

      let killed = try ChatBundleRun(syncArguments(archive, server), environment: environment())
      #expect(await waitFor(seconds: 30) { server.requests().contains { $0.status == 0 } })
      _ = await killed.kill()

      do {
        // A second run while one holds the lock is refused, and changes nothing.
        let held = try #require(try FileLock(path: archive + "/.lock"))
        let refused = try await sync(archive, server)
        #expect(refused.status == 2 && refused.standardError.contains("another run holds"), "\(refused.standardError)")
        withExtendedLifetime(held) {}
      }

      var warned = false
      for _ in 0..<14 {
        server.clock.advance(by: 12 * 3600)
        let result = try await sync(archive, server)
        if result.standardError.contains("WARNING: hour \(Self.failingHour) is not archived") { warned = true }
        // Exit 1 while the hour fails, 0 once it has expired and everything else is settled.
        #expect(
          result.status == 0 || result.standardError.contains(Self.failingHour),
          "\(result.standardOutput)\(result.standardError)")
      }
      #expect(warned, "the failing hour was named before it left the window")
      let last = try await sync(archive, server)
      #expect(last.status == 0, "\(last.standardOutput)\(last.standardError)")
      #expect(last.standardError.contains("expired before it was fetched: \(Self.failingHour)"))
      // Every history file was fetched once, the killed download included.
      let downloads = server.requests().filter { $0.path.hasPrefix("/files/") && $0.status == 200 }.map(\.path)
      #expect(downloads.count == Set(downloads).count, "\(downloads)")
    }

    let first = directory.file("first.tar.gz")
    let second = directory.file("second.tar.gz")
    // The first seal must start where the chain starts: a later --since is refused.
    let gap = try await ChatBundleRun.run([
      "archive", "seal", archive, "--since", "2025031001", "--until", "2025031300", "-o", first,
    ])
    #expect(gap.status == 2 && gap.standardError.contains("not where the chain ends"))
    let sealed1 = try await ChatBundleRun.run(["archive", "seal", archive, "--until", "2025031300", "-o", first])
    #expect(sealed1.status == 0, "\(sealed1.standardError)")
    let sealed2 = try await ChatBundleRun.run(["archive", "seal", archive, "--until", "2025031700", "-o", second])
    #expect(sealed2.status == 0, "\(sealed2.standardError)")
    #expect(sealed2.standardOutput.contains("bundle 2 of archive"))

    // Exactly the messages the server served, each in one bundle.
    var seen: [String] = []
    var manifests: [Manifest] = []
    for bundle in [first, second] {
      let (collector, report) = BundleCollector.read(bundle)
      #expect(report.isValid)
      seen += collector.messages.map(\.id.text)
      if let manifest = report.manifest { manifests.append(manifest) }
    }
    #expect(seen.count == Set(seen).count, "no message is in two sealed bundles")
    #expect(Set(seen) == served)
    #expect(Set(seen).isDisjoint(with: failing))
    // The hour that was never fetched is a named gap of the first bundle.
    let gaps = manifests.first?.coverage?.gapPeriods ?? []
    #expect(gaps.map(\.sourceKey) == [Self.failingHour] && gaps.first?.state == "expired")
    #expect(manifests.last?.coverage?.gapCount == 0)
    #expect(manifests.last?.lineage?.previous == BundleCollector.read(first).1.bundleID)

    let chain = try await ChatBundleRun.run(["archive", "verify", second, first])
    #expect(chain.status == 0 && chain.standardOutput.contains("2 sealed bundles, UNBROKEN"), "\(chain.standardOutput)")
    let broken = try await ChatBundleRun.run(["archive", "verify", second])
    #expect(broken.status == 1 && broken.standardOutput.contains("sealed bundle 1 of the chain is missing"))
  }
}
