import ChatBundleTestSupport
import Foundation
import Testing

/// The rendered site for people who use a keyboard, a screen reader or a dark screen, and
/// on paper: axe-core (the WCAG 2.1 A and AA rules and the best practices) finds nothing
/// serious or critical on the index, a group conversation, the search page with results
/// and the print view, in light and dark; every page has its language, one h1, a skip link
/// and a main landmark; and the image overlay works with the mouse and the keys. The
/// browser checks are `scripts/axe-check.py` and `scripts/browser-keys.py` (selenium,
/// chromedriver, headless Chromium), which `make test-deps` installs.
@Suite(.serialized) struct AccessibilityTests {
  static let scripts = repositoryRoot().appendingPathComponent("scripts")

  /// Why the browser checks cannot run on this machine, or nil when they can.
  static let missingTools: String? = {
    // The script finds Chromium, chromedriver, selenium and axe-core the way its runs do
    // (axe-core from the cache `make test-deps` fills, or axe-selenium-python's copy).
    let setup = try? runProcess(
      URL(fileURLWithPath: "/usr/bin/env"),
      ["python3", scripts.appendingPathComponent("axe-check.py").path, "--check-setup"])
    guard let setup else { return "python3 is not installed" }
    if setup.status == 0 { return nil }
    let reason = setup.standardError.split(separator: "\n").last.map(String.init) ?? ""
    return reason.isEmpty ? "scripts/axe-check.py --check-setup exited \(setup.status)" : reason
  }()

  /// Whether the browser checks run here. A missing tool is a failure, since CI installs
  /// them all through `make test-deps`; `CHATBUNDLE_SKIP_BROWSER=1` skips the checks.
  func browserChecksRun() -> Bool {
    if ProcessInfo.processInfo.environment["CHATBUNDLE_SKIP_BROWSER"] == "1" {
      print("AccessibilityTests skipped: CHATBUNDLE_SKIP_BROWSER=1")
      return false
    }
    guard let missing = Self.missingTools else { return true }
    Issue.record(
      "\(missing). Run `make test-deps` (scripts/ensure-packages.sh test installs what the browser checks need), or set CHATBUNDLE_SKIP_BROWSER=1 to skip them."
    )
    return false
  }

  /// The Easemob example rendered once in English.
  static let site: (TemporaryDirectory, String)? = {
    guard let directory = try? TemporaryDirectory("a11y") else { return nil }
    let pack = try? ChatBundleBinary.packEasemobExample(to: directory.file("example.tar.gz"))
    let render = try? ChatBundleBinary.run([
      "render", directory.file("example.tar.gz"), "-o", directory.file("site"), "--lang", "en",
    ])
    guard pack?.status == 0, render?.status == 0 else { return nil }
    return (directory, directory.file("site"))
  }()

  /// Every HTML page of a site, relative to it.
  static func pages(of site: String) -> [String] {
    (FileManager.default.enumerator(atPath: site)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".html") }
      .sorted()
  }

  /// The example's group conversation: the page whose title is the class's group.
  func groupPage(in site: String) throws -> String {
    try #require(
      Self.pages(of: site).first { page in
        page.hasPrefix("c/")
          && ((try? String(contentsOfFile: site + "/" + page, encoding: .utf8))?.contains("<h1>三年级二班家长群") ?? false)
      }, "no page of the group 三年级二班家长群")
  }

  struct Check {
    var status: Int32
    var reports: [[String: Any]]
    var standardError: String
    var output: String

    /// What went wrong, for the test's message: each page's serious and critical
    /// violations with their nodes.
    var description: String {
      var text = "exit status \(status)\n"
      for report in reports {
        let violations = report["violations"] as? [[String: Any]] ?? []
        let steps = (report["steps"] as? [[String: Any]] ?? []).filter { $0["ok"] as? Bool != true }
        if violations.isEmpty && steps.isEmpty { continue }
        text += "\(report["mode"] ?? "?") \(report["url"] ?? "?")\n"
        for step in steps {
          let seen = (try? JSONSerialization.data(withJSONObject: step["seen"] ?? [:], options: [.sortedKeys]))
            .map { String(decoding: $0, as: UTF8.self) }
          text += "  step failed: \(step["step"] ?? "?") — saw \(seen?.prefix(600) ?? "?")\n"
        }
        for violation in violations {
          text += "  \(violation["impact"] ?? "?") \(violation["id"] ?? "?"): \(violation["help"] ?? "")\n"
          for node in violation["nodes"] as? [[String: Any]] ?? [] {
            text += "    \(node["target"] ?? "") \(node["html"] ?? "")\n"
          }
        }
      }
      if status == 2 || reports.isEmpty { text += standardError + output }
      return text
    }
  }

  /// Runs one of the browser scripts and reads its JSON lines.
  func run(_ script: String, _ arguments: [String]) throws -> Check {
    let result = try runProcess(
      URL(fileURLWithPath: "/usr/bin/env"), ["python3", Self.scripts.appendingPathComponent(script).path] + arguments)
    let reports = result.standardOutput.split(separator: "\n").compactMap { line in
      (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
    }
    return Check(
      status: result.status, reports: reports, standardError: result.standardError, output: result.standardOutput)
  }

  @Test(arguments: [false, true])
  func axeFindsNothingSeriousOnThePages(dark: Bool) throws {
    guard browserChecksRun() else { return }
    let (_, site) = try #require(Self.site, "the example did not pack or render")
    let group = try groupPage(in: site)
    let mode = dark ? ["--dark"] : []
    // The group's overview (charts, calendar, tables) and media page, and the bundle's overview.
    let folder = (group as NSString).deletingLastPathComponent
    let screen = try run(
      "axe-check.py",
      mode + [
        "file://\(site)/index.html", "file://\(site)/\(group)", "file://\(site)/search.html?q=lunch",
        "file://\(site)/overview.html", "file://\(site)/\(folder)/overview.html",
        "file://\(site)/\(folder)/gallery.html",
      ])
    #expect(screen.status == 0, "\(screen.description)")
    #expect(screen.reports.count == 6, "\(screen.description)")
    // axe-core 4 (make test-deps takes it from the axe-selenium-python 3 wheel), not the 2018
    // axe-core 3 that axe-selenium-python 2 carries.
    #expect(
      screen.reports.allSatisfy { ($0["axe"] as? String)?.hasPrefix("4.") == true },
      "axe-core \(screen.reports.first?["axe"] ?? "?"): run make test-deps")
    let search = screen.reports.first { ($0["url"] as? String)?.contains("search.html") == true }
    #expect((search?["searchDone"] as? Int ?? 0) > 0, "the search page showed no result for lunch")
    let printed = try run(
      "axe-check.py", mode + ["--print", "file://\(site)/\(group)", "file://\(site)/\(folder)/overview.html"])
    #expect(printed.status == 0, "\(printed.description)")
    #expect(printed.reports.first?["mode"] as? String == (dark ? "print+dark" : "print"), "\(printed.description)")
  }

  /// What axe checks in the browser, also read from the files: the page's language, one
  /// h1, a skip link first, to an element of the page, and one main landmark.
  @Test func everyPageHasItsLanguageOneHeadingAndASkipLink() throws {
    let (_, site) = try #require(Self.site, "the example did not pack or render")
    let pages = Self.pages(of: site)
    #expect(pages.count >= 5)
    for page in pages {
      let html = try String(contentsOfFile: site + "/" + page, encoding: .utf8)
      #expect(html.contains("<html lang=\"en\">"), "\(page): no lang")
      #expect(html.components(separatedBy: "<h1").count == 2, "\(page): not exactly one h1")
      #expect(html.components(separatedBy: "<main").count == 2, "\(page): not exactly one main")
      let firstLink = html.components(separatedBy: "<a ").dropFirst().first ?? ""
      #expect(firstLink.hasPrefix("class=\"skip\" href=\"#"), "\(page): the first link is not the skip link")
      let target = String(firstLink.dropFirst("class=\"skip\" href=\"#".count).prefix { $0 != "\"" })
      #expect(html.contains("id=\"\(target)\""), "\(page): the skip link leads to #\(target), which is not there")
      #expect(!html.contains(" style=\"") && !html.contains(" onclick="), "\(page): inline style or handler")
    }
  }

  /// A group with three images, in Chinese (the default), so that the overlay's labels
  /// are seen to come from the page.
  static let gallery: (TemporaryDirectory, String)? = {
    guard let directory = try? TemporaryDirectory("a11y-images") else { return nil }
    let media = repositoryRoot().appendingPathComponent("examples/easemob/media").path
    let files = [
      "844fb4e0-fd4d-11ef-ad5c-6f545c50ca23", "f8940740-fd4b-11ef-ad5c-6f545c50ca23",
      "5fb0f111-fd4f-11ef-ad5c-6f545c50ca23",
    ]
    var lines =
      "{\"msg_id\":\"1\",\"timestamp\":1741568400000,\"chat_type\":\"groupchat\",\"payload\":{\"bodies\":"
      + "[{\"type\":\"txt\",\"msg\":\"春游的照片\"}],\"from\":\"u1\",\"to\":\"g\"}}\n"
    for (index, file) in files.enumerated() {
      guard let bytes = try? readBytes(media + "/" + file), (try? directory.write("media/" + file, bytes)) != nil
      else { return nil }
      lines +=
        "{\"msg_id\":\"\(index + 2)\",\"timestamp\":\(1_741_568_401_000 + index * 1000),\"chat_type\":\"groupchat\","
        + "\"payload\":{\"bodies\":[{\"type\":\"img\",\"filename\":\"照片\(index + 1).png\","
        + "\"url\":\"https://h/chatfiles/\(file)\"}],\"from\":\"u\(index % 2 + 1)\",\"to\":\"g\"}}\n"
    }
    guard (try? directory.write("export/images.jsonl", lines)) != nil,
      (try? directory.write("people.csv", "id,name\nu1,王芳\nu2,刘强\ng,春游群\n")) != nil,
      let pack = try? ChatBundleBinary.run([
        "pack", "--source", "easemob", directory.file("export"), "--media", directory.file("media"), "--people",
        directory.file("people.csv"), "-o", directory.file("images.tar.gz"),
      ]), pack.status == 0,
      let render = try? ChatBundleBinary.run(["render", directory.file("images.tar.gz"), "-o", directory.file("site")]),
      render.status == 0
    else { return nil }
    return (directory, directory.file("site"))
  }()

  @Test(arguments: [false, true])
  func theImageOverlayWorksWithTheMouseAndTheKeys(dark: Bool) throws {
    guard browserChecksRun() else { return }
    let (_, site) = try #require(Self.gallery, "the images fixture did not pack or render")
    let page = try #require(
      Self.pages(of: site).first { page in
        page.hasPrefix("c/")
          && ((try? String(contentsOfFile: site + "/" + page, encoding: .utf8))?.contains("<figure><a") ?? false)
      }, "no conversation page with images")
    let check = try run("browser-keys.py", (dark ? ["--dark"] : []) + ["file://\(site)/\(page)"])
    #expect(check.status == 0, "\(check.description)")
    let report = try #require(check.reports.first, "\(check.description)")
    let steps = report["steps"] as? [[String: Any]] ?? []
    #expect(steps.count >= 10, "\(check.description)")
    // The overlay's labels are the page's, in its language.
    let opened = steps.first { ($0["step"] as? String)?.hasPrefix("a click on the first image") == true }
    let seen = opened?["seen"] as? [String: Any] ?? [:]
    let names = (seen["buttons"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
    #expect(names == ["上一张", "下一张", "关闭"], "\(names)")
    #expect(seen["fileName"] as? String == "打开文件")
    #expect(seen["caption"] as? String == "照片1.png")
    #expect(seen["count"] as? String == "1 / 3")
  }
}
