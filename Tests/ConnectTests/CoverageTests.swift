import ChatBundle
import ChatBundleTestSupport
import Foundation
import Testing

/// A pull's hours become the bundle's coverage: pack takes the pull's directory as it is,
/// and the certificate names every hour that did not come.
@Suite struct CoverageTests {
  @Test func aPulledHourThatExpiredIsAGapOnTheCertificate() async throws {
    let directory = try TemporaryDirectory()
    var hours = Scenario.twoHours
    hours["2025031011"] = .empty
    hours["2025031012"] = .expired
    // The image is never served: the pull records why, and the bundle's missing entry says it.
    let refused = FakeFault(
      target: .path("/acme/school/chatfiles/\(Scenario.image.uuid)"), failure: .status(403), times: 1000)
    try await FakeEasemob.serve(Scenario.app(hours: hours, faults: [refused]), now: Scenario.now) { server in
      let out = directory.file("out")
      let pull = try await ChatBundleRun.run(
        [
          "pull", "easemob", "--host", server.base, "--org", "acme", "--app", "school", "--from", "2025031009",
          "--to", "2025031012", "--rate", "50", "--out", out,
        ], environment: ["EASEMOB_TOKEN": Scenario.token])
      #expect(pull.status == 1, "an attachment failed: \(pull.standardOutput)\(pull.standardError)")
      let bundle = directory.file("pulled.tar.gz")
      // The pull's directory as it is: history, media and state found by themselves.
      let pack = try await ChatBundleRun.run([
        "pack", "--source", "easemob", out, "-o", bundle, "--exported-by", "教务处 王老师", "--purpose", "学期归档",
      ])
      #expect(pack.status == 0, "\(pack.standardError)")
      #expect(pack.standardOutput.contains("missing media  1"), "media came from OUT/media: \(pack.standardOutput)")
      let manifest = try #require(try manifestObject(of: bundle))
      #expect(manifest["format_version"] == .string("1.2"))
      let periods = try #require(manifest["coverage"]?.objectValue?["periods"]?.arrayValue)
      #expect(
        periods.compactMap { $0.objectValue?["state"]?.stringValue } == ["complete", "complete", "empty", "expired"])
      #expect(
        periods.compactMap { $0.objectValue?["source_key"]?.stringValue } == [
          "2025031009", "2025031010", "2025031011", "2025031012",
        ])
      // Beijing time: hour 2025031012 starts at 04:00 UTC.
      #expect(periods.last?.objectValue?["start"] == .string("2025-03-10T04:00:00Z"))
      #expect(manifest["custody"]?.objectValue?["exported_by"] == .string("教务处 王老师"))
      let missing = try #require(manifest["missing"]?.arrayValue?.first?.objectValue)
      #expect(missing["reason"] == .string("not_found"))
      #expect(
        missing["detail"]?.stringValue?.hasPrefix("the pull failed to fetch it: HTTP 403") == true, "\(missing)")

      let inspect = try await ChatBundleRun.run(["inspect", bundle])
      #expect(inspect.standardOutput.contains("(hour 2025031012): expired"), "\(inspect.standardOutput)")
      #expect(inspect.standardOutput.contains("exported by 教务处 王老师"), "\(inspect.standardOutput)")

      let certificate = directory.file("cert.html")
      let json = directory.file("cert.json")
      let certify = try await ChatBundleRun.run(["certify", bundle, "-o", certificate, "--json", json])
      #expect(certify.status == 0, "\(certify.standardOutput)\(certify.standardError)")
      let html = try String(contentsOfFile: certificate, encoding: .utf8)
      #expect(html.contains("hour 2025031012") && html.contains("expired"))
      #expect(html.contains("教务处 王老师") && html.contains("学期归档"))
      let facts = try #require(try JSONParser.parse(readBytes(json)).objectValue)
      let gaps = try #require(facts["coverage"]?.objectValue?["gaps"]?.arrayValue)
      #expect(gaps.count == 1)
      #expect(gaps.first?.objectValue?["first_key"] == .string("2025031012"))
      #expect(gaps.first?.objectValue?["state"] == .string("expired"))
    }
  }

  func manifestObject(of bundle: String) throws -> JSONObject? {
    let text = try runProcess(URL(fileURLWithPath: "/bin/tar"), ["-xzOf", bundle, "chatbundle/manifest.json"])
      .standardOutput
    return try JSONParser.parse(Array(text.utf8)).objectValue
  }
}
