import ChatBundleTestSupport
import Foundation
import Testing

/// `pack --source discord` run as a user runs it, on the shipped example and the corpus.
@Suite(.serialized) struct DiscordCLITests {
  let example = repositoryRoot().appendingPathComponent("examples/discord").path

  @Test func packVerifyRenderAndExportTheExample() throws {
    let directory = try TemporaryDirectory()
    let bundle = directory.file("discord.tar.gz")
    let pack = try ChatBundleBinary.run(["pack", "--source", "discord", example, "-o", bundle])
    #expect(pack.status == 0, "\(pack.standardError)")
    #expect(pack.standardOutput.contains("messages       21"), "\(pack.standardOutput)")
    #expect(pack.standardOutput.contains("missing media  2"), "\(pack.standardOutput)")
    #expect(!pack.standardError.contains("note:"), "the _Files folders are not reported as skipped inputs")
    let verify = try ChatBundleBinary.run(["verify", bundle])
    #expect(verify.status == 0 && verify.standardOutput.contains("VALID"), "\(verify.standardOutput)")
    let inspect = try ChatBundleBinary.run(["inspect", bundle])
    #expect(inspect.standardOutput.contains("not_downloaded"), "\(inspect.standardOutput)")

    let render = try ChatBundleBinary.run(["render", bundle, "-o", directory.file("site"), "--lang", "en"])
    #expect(render.status == 0, "\(render.standardError)")
    let site = try concatenatedText(under: directory.file("site"), endingIn: [".html", ".js"])
    #expect(site.contains("Lighthouse Club / general / Saturday walk"), "the thread's conversation")
    #expect(site.contains("the thermos"), "the thread reply")
    #expect(site.contains("Reply in the thread of a message"), "the thread marker")
    #expect(site.contains("class=\"edited\""), "the edit marker")
    #expect(site.contains("class=\"reactions\"") && site.contains("👍"), "a reaction")
    #expect(site.contains("Bo, Cyrus"), "who reacted")
    #expect(site.contains("Ferry leaves at 8:15 sharp"), "the forwarded text")

    let csv = try ChatBundleBinary.run(["export", "csv", bundle, "-o", directory.file("csv")])
    #expect(csv.status == 0, "\(csv.standardError)")
    let table = try concatenatedText(under: directory.file("csv"), endingIn: [".csv"])
    #expect(table.contains("Thanks! Where do we meet?"), "the edited reply")
    #expect(table.contains("2024-05-01 09:03:30"), "the edit time in the edited column")
    #expect(table.contains("👍 2 (Bo, Cyrus)"), "a reaction with who reacted")
    #expect(table.contains("910000000000000009,"), "the thread root column")
    #expect(table.contains("the thermos"))
  }

  @Test func theSameExampleTwiceIsTheSameBundle() throws {
    let directory = try TemporaryDirectory()
    for name in ["a", "b"] {
      let pack = try ChatBundleBinary.run([
        "pack", "--source", "discord", example, "-q", "-o", directory.file(name + ".tar.gz"),
      ])
      #expect(pack.status == 0, "\(pack.standardError)")
    }
    #expect(try readBytes(directory.file("a.tar.gz")) == readBytes(directory.file("b.tar.gz")))
  }

  @Test func aWrongFileIsRefusedWithWhatItLooksLike() throws {
    let directory = try TemporaryDirectory()
    let input = try directory.write("result.json", #"{"name":"Bo","type":"personal_chat","id":1,"messages":[]}"#)
    let pack = try ChatBundleBinary.run(["pack", "--source", "discord", input, "-o", directory.file("b.tar.gz")])
    #expect(pack.status != 0 && pack.standardError.contains("Telegram"), "\(pack.standardError)")
    #expect(!FileManager.default.fileExists(atPath: directory.file("b.tar.gz")))
  }

  @Test(.enabled(if: sharedCorpus() != nil, "needs ../shared/corpus"))
  func eachCorpusFileRendersWithItsContentVisible() throws {
    guard let corpus = sharedCorpus()?.appendingPathComponent("discord").path else { return }
    for folder in ["chat-analytics", "dcef_example_guild"] {
      let names = try FileManager.default.contentsOfDirectory(atPath: corpus + "/" + folder)
        .filter { $0.hasSuffix(".json") }.sorted()
      for name in names {
        let path = corpus + "/" + folder + "/" + name
        let directory = try TemporaryDirectory()
        let pack = try ChatBundleBinary.run(["pack", "--source", "discord", path, "-o", directory.file("b.tar.gz")])
        #expect(pack.status == 0, "\(name): \(pack.standardError)")
        let verify = try ChatBundleBinary.run(["verify", directory.file("b.tar.gz")])
        #expect(verify.status == 0, "\(name): \(verify.standardOutput)")
        let render = try ChatBundleBinary.run(["render", directory.file("b.tar.gz"), "-o", directory.file("site")])
        #expect(render.status == 0, "\(name): \(render.standardError)")
        let html = try concatenatedText(under: directory.file("site"), endingIn: [".html", ".js"])
        let export = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
        let messages = ((export as? [String: Any])?["messages"] as? [[String: Any]]) ?? []
        #expect(!messages.isEmpty)
        for message in messages {
          // A membership row shows who joined or left, not DCE's fallback sentence.
          let membership = ["GuildMemberJoin", "RecipientAdd", "RecipientRemove"].contains(message["type"] as? String)
          if membership, let author = message["author"] as? [String: Any] {
            let name = (author["nickname"] as? String) ?? (author["name"] as? String) ?? ""
            #expect(html.contains(name), "\(name): who joined is not on the page")
            continue
          }
          guard let content = message["content"] as? String, content.count >= 2 else { continue }
          // The first words, escaped as the site escapes text, must be on a page.
          let words = String(content.prefix(24)).replacingOccurrences(of: "&", with: "&amp;")
            .replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&#34;").replacingOccurrences(of: "'", with: "&#39;")
          #expect(html.contains(words), "\(name): \"\(words)\" is not on the page")
        }
      }
    }
  }
}
