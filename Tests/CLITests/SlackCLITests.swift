import ChatBundleTestSupport
import Foundation
import Testing

/// `pack --source slack` run as a user runs it: the shipped example and the shared corpus,
/// through pack, verify, render and export csv.
@Suite(.serialized) struct SlackCLITests {
  let example = repositoryRoot().appendingPathComponent("examples/slack").path

  @Test func theExampleGoesThroughPackVerifyRenderAndCSVWithEditsReactionsAndThreadsVisible() throws {
    let directory = try TemporaryDirectory()
    let bundle = directory.file("slack.tar.gz")
    let pack = try ChatBundleBinary.run([
      "pack", "--source", "slack", example, "--source-tz", "America/Los_Angeles", "-o", bundle,
    ])
    #expect(pack.status == 0, "\(pack.standardError)")
    #expect(pack.standardOutput.contains("messages       19"), "\(pack.standardOutput)")
    #expect(pack.standardOutput.contains("missing media  3"), "\(pack.standardOutput)")
    #expect(pack.standardError.contains("old-notes: no metadata file lists this folder"), "\(pack.standardError)")
    let verify = try ChatBundleBinary.run(["verify", bundle])
    #expect(verify.status == 0 && verify.standardOutput.contains("VALID"), "\(verify.standardOutput)")
    let inspect = try ChatBundleBinary.run(["inspect", bundle])
    #expect(inspect.standardOutput.contains("not_downloaded"), "\(inspect.standardOutput)")

    let render = try ChatBundleBinary.run(["render", bundle, "-o", directory.file("site"), "--lang", "en"])
    #expect(render.status == 0, "\(render.standardError)")
    let site = try concatenatedText(under: directory.file("site"), endingIn: [".html", ".js"])
    #expect(site.contains("<p class=\"edited\">edited 2025-03-10 03:00:50</p>"), "the edit marker")
    #expect(site.contains("edited 2025-03-11 03:01:00 · by Alice Zhang"), "an edit by someone else")
    #expect(site.contains(#"<li title="Bob Li, Carol W."><span class="emoji">👍</span> <span class="count">2</span>"#))
    #expect(
      site.contains(#"id="m-C01GENERAL:1741600900.000300""#)
        && site.contains(#"<p class="thread"><a href="2025-03.html#m-C01GENERAL%3A1741600800.000200">"#),
      "the thread reply links to its root")
    #expect(site.contains("Looks good &lt;3 one typo in section 2"))
    #expect(site.contains("Forwarded from Alice Zhang"))

    let csv = try ChatBundleBinary.run(["export", "csv", bundle, "-o", directory.file("csv")])
    #expect(csv.status == 0, "\(csv.standardError)")
    let rows = try concatenatedText(under: directory.file("csv"), endingIn: [".csv"])
    #expect(rows.contains("C01GENERAL:1741600900.000300,C01GENERAL:1741600800.000200"), "thread_root of the reply")
    #expect(rows.contains("👍 2 (Bob Li, Carol W.)"), "a reaction")
    #expect(rows.contains("group:C01GENERAL,general,group"), "the channel's name from channels.json")
    #expect(rows.contains("2025-03-10T10:00:50Z") || rows.contains("2025-03-10 03:00:50"), "the edit time")

    // No Slack token reaches any output, though the example's links all carry one.
    let grep = try runProcess(
      URL(fileURLWithPath: "/usr/bin/env"),
      ["sh", "-c", "gzip -dc '\(bundle)' | grep -ac 'xox[a-z]-'; grep -rl 'xox[a-z]-' '\(directory.path)' || true"])
    #expect(grep.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "\(grep.standardOutput)")
    let source = try runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["grep", "-rlc", "xoxe-", example])
    #expect(!source.standardOutput.isEmpty, "the example must carry tokens for this test to mean anything")
  }

  @Test func eachCorpusZipRendersWithItsTextsVisible() throws {
    guard let corpus = sharedCorpus()?.appendingPathComponent("slack") else {
      print("skipped: ../shared/corpus is not in this checkout, so the Slack samples were not rendered")
      return
    }
    for name in ["hfaran_slack-export-viewer_testarchive.zip", "rusq_slackdump_source_export.zip"] {
      let directory = try TemporaryDirectory()
      let zip = corpus.appendingPathComponent(name).path
      let pack = try ChatBundleBinary.run(["pack", "--source", "slack", zip, "-o", directory.file("b.tar.gz")])
      #expect(pack.status == 0, "\(name): \(pack.standardError)")
      let verify = try ChatBundleBinary.run(["verify", directory.file("b.tar.gz")])
      #expect(verify.status == 0, "\(name): \(verify.standardOutput)")
      let render = try ChatBundleBinary.run(["render", directory.file("b.tar.gz"), "-o", directory.file("site")])
      #expect(render.status == 0, "\(name): \(render.standardError)")
      let site = try concatenatedText(under: directory.file("site"), endingIn: [".html"])
      // Texts without mrkdwn escapes show as written (escaped for HTML only); a join or
      // leave shows who, not Slack's sentence.
      let unzip = try runProcess(
        URL(fileURLWithPath: "/usr/bin/env"),
        [
          "python3", "-c",
          "import sys, zipfile, json\nz = zipfile.ZipFile(sys.argv[1])\n"
            + "skipped = ('tombstone', 'channel_join', 'channel_leave', 'group_join', 'group_leave')\n"
            + "for n in sorted(z.namelist()):\n"
            + "  p = n.split('/')\n  if len(p) == 2 and p[1].endswith('.json') and len(p[1]) == 15:\n"
            + "    for m in json.loads(z.read(n)):\n      t = m.get('text') or ''\n"
            + "      if t and not any(c in t for c in '<>&:*_`\\n\"\\'') and m.get('subtype') not in skipped: print(t)",
          zip,
        ])
      let texts = unzip.standardOutput.split(separator: "\n").map(String.init)
      #expect(texts.count >= 10, "\(name): \(unzip.standardError)")
      for text in texts { #expect(site.contains(text), "\(name): \"\(text)\" is not on the site") }
      #expect(!site.contains("xoxe-"), "\(name): a token reached the site")
    }
  }

  @Test func aZipThatIsNotASlackExportIsRefusedPlainly() throws {
    let directory = try TemporaryDirectory()
    let bundle = directory.file("e.tar.gz")
    let wecom = repositoryRoot().appendingPathComponent("examples/wecom/messages.jsonl").path
    let wrong = try ChatBundleBinary.run(["pack", "--source", "slack", wecom, "-o", bundle])
    #expect(
      wrong.status != 0 && wrong.standardError.contains("give the Slack workspace export zip"), "\(wrong.standardError)"
    )
    let help = try ChatBundleBinary.run(["pack", "--help"])
    #expect(help.standardOutput.contains("slack") && help.standardOutput.contains("not_downloaded"))
  }
}
