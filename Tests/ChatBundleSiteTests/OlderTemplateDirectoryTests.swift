import ChatBundleTemplates
import ChatBundleTestSupport
import Foundation
import Testing

@testable import ChatBundleSite

/// A `--templates` directory made before the overview and media pages keeps working: the
/// pages come from the built-in templates, while the directory's own still apply.
@Suite struct OlderTemplateDirectoryTests {
  @Test func aDirectoryWithoutOverviewOrGalleryTakesTheBuiltInOnes() async throws {
    let directory = try TemporaryDirectory()
    try SampleBundle.pack(to: directory.file("s.tar.gz"))
    let templates = directory.file("templates")
    try FileManager.default.createDirectory(atPath: templates, withIntermediateDirectories: true)
    for name in SiteGenerator.templateNames where !SiteGenerator.optionalTemplateNames.contains(name) {
      let file = name.contains(".") ? name : name + ".mustache"
      var text = try #require(SiteTemplates.all[name])
      if name == "index" { text = "<p class=\"school\">Class 3-2</p>\n" + text }
      try text.write(toFile: templates + "/" + file, atomically: true, encoding: .utf8)
    }
    var options = RenderOptions()
    options.language = .en
    options.templatesDirectory = templates
    _ = try await SiteGenerator.render(bundle: directory.file("s.tar.gz"), to: directory.file("site"), options: options)
    let index = try String(contentsOfFile: directory.file("site/index.html"), encoding: .utf8)
    #expect(index.contains("<p class=\"school\">Class 3-2</p>"), "the directory's own template is used")
    let overview = try String(contentsOfFile: directory.file("site/overview.html"), encoding: .utf8)
    #expect(overview.contains("Overview of the whole bundle"))
    // A directory missing a template that was always required is still refused.
    try FileManager.default.removeItem(atPath: templates + "/index.mustache")
    await #expect(throws: RenderError.self) {
      _ = try await SiteGenerator.render(
        bundle: directory.file("s.tar.gz"), to: directory.file("site2"), options: options)
    }
  }
}
