import ChatBundle
import ChatBundleTestSupport
import Foundation
import Testing

/// Custody, sequence coverage and the handover certificate, through the CLI: what a
/// recipient files and prints.
@Suite struct CertificateTests {
  let wecom = repositoryRoot().appendingPathComponent("examples/wecom").path

  /// The WeCom example with `seq` numbers that skip 4–6 and 14.
  func numberedExport(in directory: TemporaryDirectory) throws -> String {
    let lines = try String(contentsOfFile: wecom + "/messages.jsonl", encoding: .utf8).split(separator: "\n")
    var out: [String] = []
    for (index, line) in lines.enumerated() {
      let number = index + 1 + (index >= 3 ? 3 : 0) + (index >= 10 ? 1 : 0)
      out.append("{\"seq\":\(number)," + line.dropFirst())
    }
    let path = directory.file("numbered.jsonl")
    try Data((out.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
    return path
  }

  func pack(_ input: String, to bundle: String, extra: [String] = []) throws {
    let result = try ChatBundleBinary.run(
      ["pack", "--source", "wecom", input, "--media", wecom + "/media", "-o", bundle, "-q"] + extra)
    #expect(result.status == 0, "\(result.standardError)")
  }

  @Test func sequenceGapsAreStatedInspectedAndCertified() throws {
    let directory = try TemporaryDirectory()
    let bundle = directory.file("numbered.tar.gz")
    try pack(try numberedExport(in: directory), to: bundle, extra: ["--reference", "REQ-2026-17"])
    let inspect = try ChatBundleBinary.run(["inspect", bundle])
    #expect(inspect.standardOutput.contains("seq 4–6 absent (3)"), "\(inspect.standardOutput)")
    #expect(inspect.standardOutput.contains("seq 14 absent"), "\(inspect.standardOutput)")
    #expect(inspect.standardOutput.contains("reference   REQ-2026-17"), "\(inspect.standardOutput)")
    let json = directory.file("c.json")
    let certify = try ChatBundleBinary.run(["certify", bundle, "-o", directory.file("c.html"), "--json", json])
    #expect(certify.status == 0, "\(certify.standardError)")
    let facts = try #require(try JSONParser.parse(readBytes(json)).objectValue)
    let gaps = facts["coverage"]?.objectValue?["gaps"]?.arrayValue ?? []
    #expect(gaps.compactMap { $0.objectValue?["sequence_first"]?.int64Value } == [4, 14])
    #expect(facts["custody"]?.objectValue?["reference"] == .string("REQ-2026-17"))
    // Without the numbers there is nothing to say about coverage, and the format stays 1.0.
    let plain = directory.file("plain.tar.gz")
    try pack(wecom + "/messages.jsonl", to: plain)
    let plainInspect = try ChatBundleBinary.run(["inspect", plain])
    #expect(plainInspect.standardOutput.contains("coverage    not stated by the source"))
    #expect(plainInspect.standardOutput.contains("chatbundle 1.1"), "external members keep 1.1")
  }

  @Test func certifyWithAnUntrustedKeyExitsOneAndSaysSo() throws {
    let directory = try TemporaryDirectory()
    let bundle = directory.file("b.tar.gz")
    _ = try ChatBundleBinary.run(["key", "new", "-o", directory.file("mine")])
    _ = try ChatBundleBinary.run(["key", "new", "-o", directory.file("other")])
    try pack(wecom + "/messages.jsonl", to: bundle, extra: ["--sign", directory.file("mine.key")])
    let html = directory.file("c.html")
    let result = try ChatBundleBinary.run(["certify", bundle, "-o", html, "--trust", directory.file("other.pub")])
    #expect(result.status == 1)
    let page = try String(contentsOfFile: html, encoding: .utf8)
    #expect(page.contains("no valid signature by a trusted key"))
    #expect(page.contains("valid, NOT trusted"))
    // An existing certificate is not replaced without --force.
    let again = try ChatBundleBinary.run(["certify", bundle, "-o", html])
    #expect(again.status == 2 && again.standardError.contains("--force"), "\(again.standardError)")
  }

  @Test func hostileCustodyTextIsEscapedOnThePage() throws {
    let directory = try TemporaryDirectory()
    let bundle = directory.file("x.tar.gz")
    let payload = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    try pack(wecom + "/messages.jsonl", to: bundle, extra: ["--exported-by", payload])
    let html = directory.file("x.html")
    _ = try ChatBundleBinary.run(["certify", bundle, "-o", html])
    let page = try String(contentsOfFile: html, encoding: .utf8)
    #expect(!page.contains("<script>alert") && !page.contains("<img src=x"))
    #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
  }

  /// The page printed to PDF by headless Chromium, as a records office would, holds the
  /// bundle id, the signer's fingerprint and the gap.
  @Test func thePrintedCertificateHoldsTheIdTheFingerprintAndTheGap() throws {
    guard let chromium = BrowserTests.chromium else {
      print("skipped: chromium is not installed (make test installs it)")
      return
    }
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/pdftotext") else {
      print("skipped: pdftotext is not installed (make test installs poppler-utils)")
      return
    }
    let directory = try TemporaryDirectory()
    let key = try ChatBundleBinary.run(["key", "new", "-o", directory.file("office"), "--name", "Records office"])
    let fingerprint = try #require(
      key.standardOutput.split(separator: "\n").first { $0.hasPrefix("fingerprint") }?.split(separator: " ").dropFirst()
        .joined(separator: " "))
    let bundle = directory.file("signed.tar.gz")
    try pack(try numberedExport(in: directory), to: bundle, extra: ["--sign", directory.file("office.key")])
    let html = directory.file("cert.html")
    let certify = try ChatBundleBinary.run(["certify", bundle, "-o", html, "--trust", directory.file("office.pub")])
    #expect(certify.status == 0, "\(certify.standardError)")
    let pdf = directory.file("cert.pdf")
    _ = try runProcess(
      URL(fileURLWithPath: chromium),
      [
        "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-pdf-header-footer",
        "--user-data-dir=\(directory.file("profile"))", "--print-to-pdf=\(pdf)", "file://\(html)",
      ])
    // pdftotext drops or adds spaces between words depending on the fonts, so the text is
    // compared without any.
    let text = try runProcess(URL(fileURLWithPath: "/usr/bin/pdftotext"), ["-raw", pdf, "-"]).standardOutput
      .filter { !$0.isWhitespace }
    func has(_ needle: String) -> Bool { text.contains(needle.filter { !$0.isWhitespace }) }
    let verify = try ChatBundleBinary.run(["verify", bundle, "--json"])
    let bundleID = try #require(
      try JSONParser.parse(Array(verify.standardOutput.utf8)).objectValue?["bundle_id"]?.stringValue)
    #expect(has(bundleID), "\(text.prefix(2000))")
    #expect(has(fingerprint), "fingerprint \(fingerprint) in \(text.prefix(2000))")
    #expect(has("seq 4–6 absent"), "\(text.prefix(3000))")
    #expect(has("valid, trusted"))
    let fonts = try? runProcess(URL(fileURLWithPath: "/usr/bin/fc-list"), [":lang=zh"]).standardOutput
    if let fonts, !fonts.isEmpty {
      // With a Chinese font the page's Chinese is text in the PDF, not boxes.
      #expect(has("真实性") && has("完整性") && has("电子归档移交证明"))
    } else {
      print("note: no Chinese font installed (make test installs fonts-noto-cjk); the Chinese text was not checked")
    }
  }
}
