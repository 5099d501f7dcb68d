import ChatBundleTestSupport
import Foundation
import Testing

/// `pack --source wecom` run as a user runs it, on the shipped example.
@Suite(.serialized) struct WeComCLITests {
  let example = repositoryRoot().appendingPathComponent("examples/wecom").path

  @Test func packTheExampleThenVerifyIt() throws {
    let directory = try TemporaryDirectory()
    let output = directory.file("wecom.tar.gz")
    let pack = try ChatBundleBinary.run([
      "pack", "--source", "wecom", example + "/messages.jsonl", "--media", example + "/media", "--people",
      example + "/people.csv", "-o", output,
    ])
    #expect(pack.status == 0, "\(pack.standardError)")
    #expect(pack.standardOutput.contains("messages       15"), "\(pack.standardOutput)")
    #expect(pack.standardOutput.contains("missing media  2"), "\(pack.standardOutput)")
    let verify = try ChatBundleBinary.run(["verify", output])
    #expect(verify.status == 0 && verify.standardOutput.contains("VALID"), "\(verify.standardOutput)")
    #expect(verify.standardOutput.contains("chatbundle 1.1"), "\(verify.standardOutput)")
    let inspect = try ChatBundleBinary.run(["inspect", output])
    #expect(inspect.standardOutput.contains("checksum_mismatch"), "\(inspect.standardOutput)")
    #expect(inspect.standardOutput.contains("external (1): 王总（客户）"), "\(inspect.standardOutput)")
  }

  @Test func helpSaysHowMediaFilesAreNamed() throws {
    let help = try ChatBundleBinary.run(["pack", "--help"])
    #expect(help.status == 0 && help.standardOutput.contains("wecom"))
    #expect(help.standardOutput.contains("SHA-256"), "\(help.standardOutput)")
  }

  @Test func aBadRecordNamesFileAndLineOrIsSkipped() throws {
    let directory = try TemporaryDirectory()
    let input = try directory.write(
      "m.jsonl",
      #"{"msgid":"1","from":"a","tolist":["b"],"msgtime":1,"msgtype":"text","text":{"content":"hi"}}"# + "\nnot json\n")
    let failed = try ChatBundleBinary.run(["pack", "--source", "wecom", input, "-o", directory.file("a.tar.gz")])
    #expect(failed.status != 0 && failed.standardError.contains("m.jsonl:2:"), "\(failed.standardError)")
    let skipped = try ChatBundleBinary.run([
      "pack", "--source", "wecom", "--skip-invalid", input, "-o", directory.file("b.tar.gz"),
    ])
    #expect(skipped.status == 0 && skipped.standardOutput.contains("skipped        1"), "\(skipped.standardOutput)")
    #expect(try ChatBundleBinary.run(["verify", directory.file("b.tar.gz")]).status == 0)
  }
}
