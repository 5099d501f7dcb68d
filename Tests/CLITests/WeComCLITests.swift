import ChatBundleTestSupport
import Foundation
import Testing

/// `pack --source wecom` run as a user runs it, on the shipped example.
@Suite(.serialized) struct WeComCLITests {
  let example = repositoryRoot().appendingPathComponent("examples/wecom").path

  @Test func packTheExampleThenVerifyIt() throws {
    let directory = try TemporaryDirectory()
    let output = directory.file("wecom.tar.gz")
    let pack = try packExample(to: output)
    #expect(pack.status == 0, "\(pack.standardError)")
    #expect(pack.standardOutput.contains("messages       16"), "\(pack.standardOutput)")
    #expect(pack.standardOutput.contains("missing media  3"), "\(pack.standardOutput)")
    let verify = try ChatBundleBinary.run(["verify", output])
    #expect(verify.status == 0 && verify.standardOutput.contains("VALID"), "\(verify.standardOutput)")
    #expect(verify.standardOutput.contains("chatbundle 1.1"), "\(verify.standardOutput)")
    let inspect = try ChatBundleBinary.run(["inspect", output])
    #expect(inspect.standardOutput.contains("checksum_mismatch"), "\(inspect.standardOutput)")
    #expect(inspect.standardOutput.contains("not_found"), "the absent voice file: \(inspect.standardOutput)")
    #expect(inspect.standardOutput.contains("external (1): 王总（客户）"), "\(inspect.standardOutput)")
  }

  @Test func theSiteShowsTheRecallAndTheMissingMediaOrHidesTheRecalledText() throws {
    let directory = try TemporaryDirectory()
    let output = directory.file("wecom.tar.gz")
    let pack = try packExample(to: output)
    #expect(pack.status == 0, "\(pack.standardError)")
    let shown = try ChatBundleBinary.run(["render", output, "-o", directory.file("site"), "--lang", "en"])
    #expect(shown.status == 0, "\(shown.standardError)")
    let index = try String(contentsOfFile: directory.file("site/index.html"), encoding: .utf8)
    #expect(index.contains("checksum_mismatch") && index.contains("not_found"), "both reasons on the index page")
    #expect(index.contains("(external)"), "the external contact is marked")
    let pages = try siteText(directory.file("site"))
    #expect(pages.contains("价格写错了") && pages.contains("Recalled by 张伟"))
    let hidden = try ChatBundleBinary.run([
      "render", output, "-o", directory.file("hidden"), "--lang", "en", "--hide-recalled",
    ])
    #expect(hidden.status == 0, "\(hidden.standardError)")
    let hiddenText = try siteText(directory.file("hidden"))
    #expect(!hiddenText.contains("价格写错了") && hiddenText.contains("recalled-hidden"))
  }

  @Test func eachCorpusSampleRendersWithItsContentVisible() throws {
    guard let corpus = sharedCorpus()?.appendingPathComponent("wecom") else {
      print("skipped: ../shared/corpus is not in this checkout, so the WeCom samples were not rendered")
      return
    }
    let names = try FileManager.default.contentsOfDirectory(atPath: corpus.path).filter { $0.hasSuffix(".json") }
    #expect(names.count >= 30)
    // The fields a reader looks for; their values must show on the page, escaped.
    let visible: Set<String> = [
      "content", "title", "filename", "address", "topic", "wish", "description", "desc", "name", "nickname",
    ]
    for name in names.sorted() {
      let directory = try TemporaryDirectory()
      let pack = try ChatBundleBinary.run([
        "pack", "--source", "wecom", corpus.appendingPathComponent(name).path, "-o", directory.file("b.tar.gz"),
      ])
      #expect(pack.status == 0, "\(name): \(pack.standardError)")
      let render = try ChatBundleBinary.run(["render", directory.file("b.tar.gz"), "-o", directory.file("site")])
      #expect(render.status == 0, "\(name): \(render.standardError)")
      let html = try siteText(directory.file("site"))
      let record = try JSONSerialization.jsonObject(with: Data(contentsOf: corpus.appendingPathComponent(name)))
      var expected: [String] = []
      func collect(_ value: Any, key: String?) {
        if let object = value as? [String: Any] {
          for (key, item) in object { collect(item, key: key) }
        } else if let array = value as? [Any] {
          for item in array { collect(item, key: key) }
        } else if let text = value as? String, let key, visible.contains(key), text.count >= 2,
          !text.hasPrefix("{")
        {
          expected.append(text)
        }
      }
      collect(record, key: nil)
      for text in expected {
        let escaped = text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
          .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&#34;")
          .replacingOccurrences(of: "'", with: "&#39;")
        #expect(html.contains(escaped), "\(name): \"\(text)\" is not on the page")
      }
    }
  }

  func packExample(to output: String) throws -> ProcessResult {
    try ChatBundleBinary.run([
      "pack", "--source", "wecom", example + "/messages.jsonl", "--media", example + "/media", "--people",
      example + "/people.csv", "-o", output,
    ])
  }

  /// Every page and search script of a site, concatenated.
  func siteText(_ root: String) throws -> String {
    var all = ""
    for case let relative as String in FileManager.default.enumerator(atPath: root)?.allObjects ?? []
    where relative.hasSuffix(".html") || relative.hasSuffix(".js") {
      all += try String(contentsOfFile: root + "/" + relative, encoding: .utf8)
    }
    return all
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
