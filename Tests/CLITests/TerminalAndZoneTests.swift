import ChatBundle
import ChatBundleTestSupport
import Foundation
import Testing

/// Output a terminal shows cannot be steered by a bundle's text, and a time zone the
/// system does not know is reported, never replaced by a guess.
@Suite struct TerminalAndZoneTests {
  static let hostileName = "Eve\u{202E}gpj.exe\u{85}\u{9B}31m\u{200F}\u{2066}\u{61C}\u{7F}"

  func pack(zone: String, in directory: TemporaryDirectory) throws -> String {
    let output = directory.file("zone.tar.gz")
    var options = PackOptions(platform: "test", timeZone: zone)
    options.people = ["eve": Self.hostileName]
    let builder = try BundleBuilder(options: options, outputPath: output)
    let input = builder.addInput(name: "in", size: 0, sha256: String(repeating: "0", count: 64), records: 0)
    let group = ConversationInfo(id: "group:g", kind: .group, sourceID: "g")
    try builder.add(
      Message.test("m1", in: group.id, at: 1_741_568_400_000, from: "eve", .text("hi \u{202E}there")),
      conversation: group, input: input, line: 1)
    _ = try builder.finish(outputPath: output)
    return output
  }

  @Test func jsonOutputEscapesControlsThatSteerATerminal() throws {
    let directory = try TemporaryDirectory()
    let bundle = try pack(zone: "Asia/Shanghai", in: directory)
    for arguments in [
      ["inspect", bundle, "--json"], ["verify", bundle, "--json"], ["inspect", bundle, "--json", "--verify"],
    ] {
      let result = try ChatBundleBinary.run(arguments)
      #expect(result.status == 0, "\(arguments): \(result.standardError)")
      for scalar in Self.hostileName.unicodeScalars where scalar.value >= 0x7F {
        #expect(
          !result.standardOutput.unicodeScalars.contains(scalar),
          "\(arguments) prints raw U+\(String(scalar.value, radix: 16))")
      }
      if arguments[0] == "inspect" {
        // Escaped, not dropped: the JSON still holds the name exactly.
        let value = try JSONParser.parse(Array(result.standardOutput.utf8.prefix { $0 != 0x0A }))
        #expect(value.objectValue?["people"]?.objectValue?["eve"] == .string(Self.hostileName))
      }
    }
  }

  @Test func anUnknownTimeZoneIsReportedAndRenderAsksForOne() throws {
    let directory = try TemporaryDirectory()
    let bundle = try pack(zone: "Mars/Olympus_Mons", in: directory)
    let verify = try ChatBundleBinary.run(["verify", bundle])
    #expect(verify.status == 0, "a zone this system lacks does not make the bundle invalid")
    #expect(verify.standardOutput.contains("C17"), "\(verify.standardOutput)")
    let render = try ChatBundleBinary.run(["render", bundle, "-o", directory.file("site")])
    #expect(render.status != 0)
    #expect(render.standardError.contains("--tz") && render.standardError.contains("Mars/Olympus_Mons"))
    #expect(!FileManager.default.fileExists(atPath: directory.file("site")))
    let csv = try ChatBundleBinary.run(["export", "csv", bundle, "-o", directory.file("csv")])
    #expect(csv.status != 0 && csv.standardError.contains("--tz"), "\(csv.standardError)")
    let withZone = try ChatBundleBinary.run(["render", bundle, "-o", directory.file("site"), "--tz", "UTC"])
    #expect(withZone.status == 0, "\(withZone.standardError)")
  }
}
