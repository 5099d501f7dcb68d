import ChatBundleTestSupport
import Foundation
import Testing

@testable import ChatBundlePrint

@Suite struct PDFExportUnitTests {
  @Test func cssStringsEscapeQuotesBackslashesAndLineBreaks() {
    #expect(cssString("a\"b\\c\nd") == "\"a\\\"b\\\\c\\A d\"")
    #expect(cssString("x\u{2028}y\u{0}") == "\"x\\2028 y\\fffd \"")
    #expect(cssString("三年级 } @import") == "\"三年级 } @import\"")
  }

  @Test func theInfoDatesAreRewrittenInPlaceAtTheSameLength() throws {
    let directory = try TemporaryDirectory("pdf-dates")
    let original =
      "%PDF-1.4\n1 0 obj\n<</Title (x)\n/CreationDate (D:20261202153126+00'00')\n/ModDate (D:20261202153127+00'00')>>\nendobj\n"
    let path = try directory.write("a.pdf", original + "trailer\n")
    #expect(try PDFDates.normalize(path, toSeconds: 1_741_578_321) == 2)
    let text = String(decoding: try readBytes(path), as: UTF8.self)
    #expect(text.utf8.count == original.utf8.count + 8)
    #expect(text.contains("/CreationDate (D:20250310034521+00'00')"))
    #expect(text.contains("/ModDate (D:20250310034521+00'00')"))
    // Another shape is left as it is.
    let other = try directory.write("b.pdf", "%PDF-1.4\n/CreationDate (D:20261202153126Z)\n")
    #expect(try PDFDates.normalize(other, toSeconds: 1_741_578_321) == 0)
    #expect(String(decoding: try readBytes(other), as: UTF8.self).contains("D:20261202153126Z"))
    #expect(PDFDates.date(seconds: -1) == nil)
  }

  @Test func chromiumIsLookedForOnThePathOrNamed() throws {
    let directory = try TemporaryDirectory("pdf-locate")
    let fake = try directory.write("bin/chromium-browser", "#!/bin/sh\n")
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake)
    #expect(try ChromiumPrinter.locate(nil, path: directory.file("none") + ":" + directory.file("bin")) == fake)
    #expect(try ChromiumPrinter.locate("chromium-browser", path: directory.file("bin")) == fake)
    #expect(try ChromiumPrinter.locate(fake, path: "") == fake)
    #expect(throws: (any Error).self) { try ChromiumPrinter.locate(nil, path: directory.file("none")) }
    #expect(throws: (any Error).self) { try ChromiumPrinter.locate(directory.file("bin"), path: "") }
    let plain = try directory.write("bin/not-executable", "x")
    #expect(throws: (any Error).self) { try ChromiumPrinter.locate(plain, path: "") }
  }
}
