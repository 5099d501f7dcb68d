import ChatBundleTestSupport
import Foundation
import Testing

/// `pack --source telegram` run as a user runs it: the shipped example through pack,
/// verify, render and export csv, and each corpus sample rendered with its content shown.
@Suite(.serialized) struct TelegramCLITests {
  let example = repositoryRoot().appendingPathComponent("examples/telegram/DataExport_2025-03-10").path

  func pack(_ inputs: [String], to output: String, _ extra: [String] = []) throws -> ProcessResult {
    try ChatBundleBinary.run(["pack", "--source", "telegram"] + inputs + extra + ["-o", output])
  }

  @Test func theExampleRoundTripsThroughPackVerifyRenderAndCSV() throws {
    let directory = try TemporaryDirectory()
    let bundle = directory.file("telegram.tar.gz")
    let packed = try pack([example], to: bundle, ["--source-tz", "Europe/Berlin"])
    #expect(packed.status == 0, "\(packed.standardError)")
    #expect(packed.standardOutput.contains("messages       31"), "\(packed.standardOutput)")
    #expect(packed.standardOutput.contains("missing media  3"), "\(packed.standardOutput)")
    #expect(
      !packed.standardError.contains("not an export file"), "media folders are not inputs: \(packed.standardError)")
    let verify = try ChatBundleBinary.run(["verify", bundle])
    #expect(verify.status == 0 && verify.standardOutput.contains("VALID"), "\(verify.standardOutput)")

    // The bundle's lines carry the edit, the reactions, the thread and the pin.
    let extracted = directory.file("extracted")
    let extract = try ChatBundleBinary.run(["extract", bundle, extracted])
    #expect(extract.status == 0, "\(extract.standardError)")
    let lines = try concatenatedText(under: extracted, endingIn: [".ndjson"])
    #expect(lines.contains(#""edited":{"ts":1741595580000}"#), "an edit")
    #expect(lines.contains(#""reactions":[{"emoji":"👍""#), "a reaction")
    #expect(lines.contains(#""thread":{"root":"1444:5"}"#), "a thread reply")
    #expect(lines.contains(#""pin_target":"1444:6""#), "a pin")

    let render = try ChatBundleBinary.run(["render", bundle, "-o", directory.file("site"), "--lang", "en"])
    #expect(render.status == 0, "\(render.standardError)")
    let site = try concatenatedText(under: directory.file("site"), endingIn: [".html", ".js"])
    for shown in [
      "Hi Bob! The schedule is at our page (https://example.org/schedule).", "Looks great", "Chapter one was slow",
      "It picks up in chapter three", "Anna Schmidt created the group “Book club”", "Anna Schmidt pinned a message",
      "Meet on Friday?",
      "Café Einstein", "Call from Anna Schmidt, 2 min 5 s", "Missed call from Bob", "Book club 📚", "not_exported",
      "not_found",
      "Berlin: 7 °C, cloudy",
    ] {
      #expect(site.contains(escaped(shown)), "\"\(shown)\" is not on the site")
    }
    #expect(site.contains(#"<p class="edited">edited 2025-03-10 10:12:00</p>"#), "the edit marker")
    #expect(
      site.contains(#"<li title="Bob, Carol"><span class="emoji">👍</span> <span class="count">2</span>"#), "a reaction")
    #expect(site.contains(#"<a href="2025-03.html#m-1444%3A5">Reply in the thread of a message</a>"#), "a thread reply")

    let csv = try ChatBundleBinary.run(["export", "csv", bundle, "-o", directory.file("csv")])
    #expect(csv.status == 0, "\(csv.standardError)")
    let table = try concatenatedText(under: directory.file("csv"), endingIn: [".csv"])
    #expect(table.contains("Chapter one was slow") && table.contains("It picks up in chapter three"))
    #expect(table.contains("missing: not_exported"), "the photo the export left out")
    #expect(table.contains("Chapter one was slow,,,1444:7,1444:5,2025-03-10 10:12:00,"), "thread root and edit time")
    #expect(table.contains("\"👍 2 (Bob, Carol); ❤ 1 (Dave); 5368324170671202286 1\""), "the reactions")
  }

  @Test func eachCorpusSampleRendersWithItsContentVisible() throws {
    guard let corpus = sharedCorpus()?.appendingPathComponent("telegram") else {
      print("skipped: ../shared/corpus is not in this checkout, so the Telegram samples were not rendered")
      return
    }
    let names = try FileManager.default.contentsOfDirectory(atPath: corpus.path).filter { $0.hasSuffix(".json") }
    #expect(names.count >= 2)
    for name in names.sorted() {
      let directory = try TemporaryDirectory()
      let path = corpus.appendingPathComponent(name).path
      let packed = try pack([path], to: directory.file("b.tar.gz"))
      #expect(packed.status == 0, "\(name): \(packed.standardError)")
      let verify = try ChatBundleBinary.run(["verify", directory.file("b.tar.gz")])
      #expect(verify.status == 0, "\(name): \(verify.standardOutput)")
      let render = try ChatBundleBinary.run(["render", directory.file("b.tar.gz"), "-o", directory.file("site")])
      #expect(render.status == 0, "\(name): \(render.standardError)")
      let site = try concatenatedText(under: directory.file("site"), endingIn: [".html", ".js"])
      // Every message text and every name the sample holds is on the site.
      let root = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
      var expected: Set<String> = []
      func collect(_ value: Any, key: String?) {
        if let object = value as? [String: Any] {
          for (key, item) in object { collect(item, key: key) }
        } else if let array = value as? [Any] {
          for item in array { collect(item, key: key) }
        } else if let text = value as? String, let key, ["text", "from", "actor", "name"].contains(key), text.count >= 2
        {
          expected.insert(text)
        }
      }
      collect(root, key: nil)
      #expect(!expected.isEmpty)
      for text in expected.sorted() {
        #expect(site.contains(escaped(text)), "\(name): \"\(text)\" is not on the site")
      }
    }
  }

  @Test func aWrongInputSaysWhatItIs() throws {
    let directory = try TemporaryDirectory()
    let input = try directory.write("export/result.json", #"{"guild":{"id":"1"},"channel":{"id":"2"},"messages":[]}"#)
    let result = try pack([input], to: directory.file("a.tar.gz"))
    #expect(result.status != 0 && result.standardError.contains("DiscordChatExporter"), "\(result.standardError)")
    #expect(!FileManager.default.fileExists(atPath: directory.file("a.tar.gz")))
  }

  @Test func helpDescribesTheTelegramInput() throws {
    let help = try ChatBundleBinary.run(["pack", "--help"])
    #expect(help.status == 0 && help.standardOutput.contains("telegram"))
    #expect(help.standardOutput.contains("result.json"), "\(help.standardOutput)")
  }

  /// Text as the site writes it, HTML-escaped.
  func escaped(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
      .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&#34;")
      .replacingOccurrences(of: "'", with: "&#39;")
  }

}
