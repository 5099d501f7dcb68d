import ChatBundle
import ChatBundleTestSupport
import Foundation
import Testing

/// A program on PATH, or nil.
func program(_ name: String) -> String? {
  let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
  return path.split(separator: ":").map { String($0) + "/" + name }.first {
    FileManager.default.isExecutableFile(atPath: $0)
  }
}

let printingTools = ["chromium", "pdftotext", "pdffonts", "pdftoppm", "pdfimages", "pdfinfo"]
let canPrint: Bool = {
  let chromium = ["chromium", "chromium-browser", "google-chrome"].contains { program($0) != nil }
  let missing = printingTools.dropFirst().filter { program($0) == nil }
  if !chromium || !missing.isEmpty {
    print("skipped: export pdf tests need chromium and poppler-utils (make test installs them)")
  }
  return chromium && missing.isEmpty
}()

/// Runs a poppler tool and returns its standard output.
func poppler(_ tool: String, _ arguments: [String]) throws -> String {
  let result = try runProcess(URL(fileURLWithPath: try #require(program(tool))), arguments)
  #expect(result.status == 0, "\(tool) \(arguments): \(result.standardError)")
  return result.standardOutput
}

/// `chatbundle export pdf` of the examples, run as a user runs it, and the PDFs read back
/// with poppler: the text is there (Chinese included), fonts embedded, pages not blank,
/// images inline, and every page headed and footed.
@Suite(.serialized) struct PDFExportTests {
  let example = repositoryRoot().appendingPathComponent("examples/easemob").path

  func packExample(to output: String) throws {
    let result = try ChatBundleBinary.packEasemobExample(to: output)
    #expect(result.status == 0, "\(result.standardError)")
  }

  func bundleID(_ bundle: String) throws -> String {
    let (_, report) = BundleCollector.read(bundle)
    return try #require(report.bundleID)
  }

  /// The PDF whose text contains `needle`.
  func pdf(in directory: String, containing needle: String) throws -> (String, String) {
    for name in try FileManager.default.contentsOfDirectory(atPath: directory).sorted() {
      let text = try poppler("pdftotext", ["-layout", directory + "/" + name, "-"])
      if text.contains(needle) { return (directory + "/" + name, text) }
    }
    Issue.record("no PDF in \(directory) contains \(needle)")
    throw CancellationError()
  }

  @Test(.enabled(if: canPrint)) func theGroupChatPrintsWithTextFontsImagesAndPageFrames() throws {
    let directory = try TemporaryDirectory("pdf")
    try packExample(to: directory.file("class.tar.gz"))
    let result = try ChatBundleBinary.run([
      "export", "pdf", directory.file("class.tar.gz"), "-o", directory.file("pdf"), "--lang", "en",
    ])
    #expect(result.status == 0, "\(result.standardError)")
    #expect(result.standardOutput.contains("exported 40 messages in 3 conversations to 3 PDF files"))
    let names = try FileManager.default.contentsOfDirectory(atPath: directory.file("pdf")).sorted()
    #expect(names.count == 3 && names.allSatisfy { $0.count == 28 && $0.hasSuffix(".pdf") }, "\(names)")
    let id = try bundleID(directory.file("class.tar.gz"))
    let (group, text) = try pdf(in: directory.file("pdf"), containing: "三年级二班家长群")
    #expect(text.contains(id), "the bundle id, whole, on the title page")
    #expect(text.contains("各位家长早上好！本周五（3月14日）三年级二班春游"), "a Chinese message, as text")
    #expect(text.contains("王芳老师（班主任）"), "a sender's name")
    #expect(text.contains("page 1 of 4"))
    #expect(text.contains("verified VALID by chatbundle"))
    #expect(text.contains("<script>alert(1)</script>"), "hostile text is printed as text")
    #expect(text.contains("Attachment · 春游通知.pdf · application/pdf · 971 B"), "a caption for a file")
    #expect(text.contains("Voice message · 语音留言.wav · audio/wav"), "a caption for a voice message")
    // Every sheet is headed with the conversation, the period and the bundle id, and footed.
    let sheets = text.components(separatedBy: "\u{0C}").filter {
      !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
    }
    #expect(sheets.count == 4)
    for (number, sheet) in sheets.enumerated() {
      #expect(sheet.contains("三年级二班家长群"), "sheet \(number + 1) names the conversation")
      #expect(sheet.contains("2025-03-10 – 2025-03-10"), "sheet \(number + 1) states the period")
      #expect(sheet.contains("Bundle id " + id), "sheet \(number + 1) has the bundle id")
      #expect(sheet.contains("page \(number + 1) of 4"), "sheet \(number + 1) is numbered")
    }
    // Fonts: every one embedded, the CJK one with a ToUnicode map (so the text copies).
    let fonts = try poppler("pdffonts", [group]).split(separator: "\n").dropFirst(2)
    #expect(!fonts.isEmpty)
    for font in fonts {
      let columns = font.split(separator: " ")
      #expect(columns.suffix(5).first == "yes", "embedded: \(font)")
      #expect(columns.suffix(3).first == "yes", "with a Unicode map: \(font)")
    }
    // The image is inline, at its size.
    let images = try poppler("pdfimages", ["-list", group]).split(separator: "\n").dropFirst(2)
    #expect(images.count == 1 && images.first?.contains(" 200   132 ") == true, "\(images)")
    // Page 2 rendered is not blank: a PNG for people, a gray map to count dark pixels.
    _ = try poppler("pdftoppm", ["-f", "2", "-l", "2", "-png", "-r", "50", group, directory.file("page")])
    #expect(try readBytes(directory.file("page-2.png")).starts(with: [0x89, 0x50, 0x4E, 0x47]))
    _ = try poppler("pdftoppm", ["-f", "2", "-l", "2", "-gray", "-r", "50", group, directory.file("gray")])
    let (width, height, pixels) = try grayMap(directory.file("gray-2.pgm"))
    let dark = pixels.filter { $0 < 160 }.count
    #expect(width > 300 && height > 400)
    #expect(dark > width * height / 100, "page 2 has text and frames: \(dark) dark pixels of \(width * height)")
    #expect(dark < width * height / 3, "and is not a black page: \(dark)")
    // Bookmarks: one per day heading, and the title.
    #expect(try readBytes(group).containsSequence(Array("/Type /Outlines".utf8)))
    let info = try poppler("pdfinfo", [group])
    #expect(info.contains("Pages:           4"))
    #expect(info.contains("Mon Mar 10 03:45:21 2025 UTC"), "the dates are the bundle's creation time: \(info)")
  }

  @Test(.enabled(if: canPrint)) func chineseByDefaultAndTheSameBytesEveryRun() throws {
    let directory = try TemporaryDirectory("pdf")
    try packExample(to: directory.file("class.tar.gz"))
    for (name, zone) in [("a", "UTC"), ("b", "America/Los_Angeles")] {
      let result = try ChatBundleBinary.run(
        ["export", "pdf", directory.file("class.tar.gz"), "-o", directory.file(name)],
        environment: ["TZ": zone, "LC_ALL": "C"])
      #expect(result.status == 0, "\(result.standardError)")
    }
    let names = try FileManager.default.contentsOfDirectory(atPath: directory.file("a")).sorted()
    #expect(names == (try FileManager.default.contentsOfDirectory(atPath: directory.file("b")).sorted()))
    for name in names {
      #expect(
        try readBytes(directory.file("a/" + name)) == (try readBytes(directory.file("b/" + name))),
        "\(name) is byte-identical whatever the zone and the clock")
    }
    let (_, text) = try pdf(in: directory.file("a"), containing: "三年级二班家长群")
    #expect(text.contains("第 1 页，共 4 页"))
    #expect(text.contains("校验有效"))
    #expect(text.contains("聊天记录"))
  }

  @Test(.enabled(if: canPrint)) func aLongConversationIsSplitByMonthAndIntoParts() throws {
    let directory = try TemporaryDirectory("pdf")
    try packExample(to: directory.file("class.tar.gz"))
    // One page a file: the group's 25 messages are past it, so they go by month, 12 a part.
    let result = try ChatBundleBinary.run([
      "export", "pdf", directory.file("class.tar.gz"), "-o", directory.file("pdf"), "--lang", "en",
      "--pages-per-file", "1",
    ])
    #expect(result.status == 0, "\(result.standardError)")
    let names = try FileManager.default.contentsOfDirectory(atPath: directory.file("pdf")).sorted()
    let (first, text) = try pdf(in: directory.file("pdf"), containing: "Month 2025-03\n")
    let stem = String((first as NSString).lastPathComponent.prefix(24))
    #expect(names.contains(stem + "-2025-03.pdf") && names.contains(stem + "-2025-03-p2.pdf"), "\(names)")
    #expect(text.contains("page 1 of"))
    let second = try poppler("pdftotext", ["-layout", directory.file("pdf/" + stem + "-2025-03-p2.pdf"), "-"])
    #expect(second.contains("Month 2025-03, part 2") && second.contains("Whole conversation"))
    // The direct chat (9 messages) and the chat room (6) fit one page's estimate: whole.
    #expect(names.count == 5, "\(names)")
  }

  @Test(.enabled(if: canPrint)) func aHostileConversationNameStaysTextInTheHeaderAndTitle() throws {
    let directory = try TemporaryDirectory("pdf")
    let hostile = "Evil\" } @page { @top-center { content: \"PWNED\" } } \\ </style><b>x"
    var people = try String(contentsOfFile: example + "/people.csv", encoding: .utf8)
    people = people.replacingOccurrences(
      of: "259184062558209,三年级二班家长群",
      with: "259184062558209,\"" + hostile.replacingOccurrences(of: "\"", with: "\"\"") + "\"")
    try directory.write("people.csv", people)
    let pack = try ChatBundleBinary.run([
      "pack", "--source", "easemob", example + "/export", "--media", example + "/media", "--people",
      directory.file("people.csv"), "-o", directory.file("h.tar.gz"),
    ])
    #expect(pack.status == 0, "\(pack.standardError)")
    let result = try ChatBundleBinary.run([
      "export", "pdf", directory.file("h.tar.gz"), "-o", directory.file("pdf"), "--lang", "en",
    ])
    #expect(result.status == 0, "\(result.standardError)")
    let (_, text) = try pdf(in: directory.file("pdf"), containing: "各位家长早上好")
    let sheets = text.components(separatedBy: "\u{0C}").filter {
      !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
    }
    #expect(sheets.count == 4)
    for sheet in sheets {
      // The header holds the name as text (pdftotext may space it out), never a rule of its own.
      #expect(sheet.contains("Evil\""), "the name begins the header: \(sheet.prefix(300))")
      #expect(sheet.contains("page "), "the footer is still there")
    }
    #expect(text.contains("</style><b>x"), "the title page shows the name as text")
  }

  @Test(.enabled(if: canPrint)) func theSharedCorpusSamplePrintsEveryKindWithMissingMediaSaid() throws {
    guard let corpus = sharedCorpus()?.appendingPathComponent("easemob/derived") else {
      print("skipped: ../shared/corpus is not in this checkout")
      return
    }
    let directory = try TemporaryDirectory("pdf")
    let pack = try ChatBundleBinary.run([
      "pack", "--source", "easemob", corpus.appendingPathComponent("2018112717_assembled_from_doc_snippets.jsonl").path,
      "-o", directory.file("c.tar.gz"),
    ])
    #expect(pack.status == 0, "\(pack.standardError)")
    let result = try ChatBundleBinary.run([
      "export", "pdf", directory.file("c.tar.gz"), "-o", directory.file("pdf"), "--lang", "en",
    ])
    #expect(result.status == 0, "\(result.standardError)")
    #expect(result.standardOutput.contains("exported 9 messages in 1 conversations to 1 PDF files"))
    let (_, text) = try pdf(in: directory.file("pdf"), containing: "Chat transcript")
    // Six files are missing; five are what messages show (the sixth is a video's poster,
    // which the site does not show either).
    #expect(text.components(separatedBy: "not in the bundle").count - 1 == 5, "each missing file is said")
    #expect(text.contains("Location") && text.contains("page 2 of"))
  }

  @Test func anInvalidBundleIsRefusedWithNothingWritten() throws {
    let directory = try TemporaryDirectory("pdf")
    try packExample(to: directory.file("class.tar.gz"))
    var bytes = try readBytes(directory.file("class.tar.gz"))
    bytes[bytes.count / 2] ^= 0x10
    try Data(bytes).write(to: URL(fileURLWithPath: directory.file("bad.tar.gz")))
    let result = try ChatBundleBinary.run(["export", "pdf", directory.file("bad.tar.gz"), "-o", directory.file("pdf")])
    if canPrint {
      #expect(result.status == 1, "\(result.standardError)")
      #expect(result.standardError.contains("INVALID"))
    } else {
      #expect(result.status != 0)
    }
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["bad.tar.gz", "class.tar.gz"],
      "no PDF directory and no scratch are left")
  }

  @Test func aMissingChromiumIsAClearErrorBeforeAnyWork() throws {
    let directory = try TemporaryDirectory("pdf")
    try packExample(to: directory.file("class.tar.gz"))
    let named = try ChatBundleBinary.run([
      "export", "pdf", directory.file("class.tar.gz"), "-o", directory.file("pdf"), "--chromium",
      directory.file("no-such-chromium"),
    ])
    #expect(named.status == 2)
    #expect(named.standardError.contains("no-such-chromium: no such program"), "\(named.standardError)")
    #expect(named.standardError.contains("apt-get install chromium"))
    // None on PATH: the error says what to install.
    let none = try ChatBundleBinary.run(
      ["export", "pdf", directory.file("class.tar.gz"), "-o", directory.file("pdf")],
      environment: ["PATH": directory.file("empty-path")])
    #expect(none.status == 2)
    #expect(none.standardError.contains("none was found on PATH"), "\(none.standardError)")
    #expect(none.standardError.contains("fonts-noto-cjk"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["class.tar.gz"])
  }

  @Test func aChromiumThatFailsOrWritesNoPDFIsAnErrorWithNothingWritten() throws {
    let directory = try TemporaryDirectory("pdf")
    try packExample(to: directory.file("class.tar.gz"))
    let scripts = [
      ("fails", "#!/bin/sh\necho 'cannot open display' >&2\nexit 3\n", "exit 3"),
      (
        "no-pdf",
        "#!/bin/sh\nfor a in \"$@\"; do case \"$a\" in --print-to-pdf=*) echo 'not a pdf' > \"${a#--print-to-pdf=}\";; esac; done\n",
        "without writing a PDF"
      ),
    ]
    for (name, script, said) in scripts {
      let program = try directory.write("bin/" + name, script)
      try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: program)
      let result = try ChatBundleBinary.run([
        "export", "pdf", directory.file("class.tar.gz"), "-o", directory.file("pdf"), "--chromium", program,
      ])
      #expect(result.status == 2, "\(name): \(result.standardError)")
      #expect(result.standardError.contains(said), "\(name): \(result.standardError)")
      #expect(
        try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["bin", "class.tar.gz"],
        "\(name): no output and no scratch are left")
    }
  }

  @Test(.enabled(if: canPrint)) func templatesCanBeReplacedAndForceReplacesAnEarlierExport() throws {
    let directory = try TemporaryDirectory("pdf")
    try packExample(to: directory.file("class.tar.gz"))
    let templates = directory.file("templates")
    try FileManager.default.createDirectory(atPath: templates, withIntermediateDirectories: true)
    let builtIn = repositoryRoot().appendingPathComponent("templates")
    let document = try String(contentsOf: builtIn.appendingPathComponent("pdf/document.mustache"), encoding: .utf8)
    try document.replacingOccurrences(of: "<h1>", with: "<p>Records Office of District 7</p><h1>")
      .write(toFile: templates + "/document.mustache", atomically: true, encoding: .utf8)
    for (file, source) in [("print.css", "pdf/print.css"), ("style.css", "site/style.css")] {
      try FileManager.default.copyItem(
        atPath: builtIn.appendingPathComponent(source).path, toPath: templates + "/" + file)
    }
    let first = try ChatBundleBinary.run([
      "export", "pdf", directory.file("class.tar.gz"), "-o", directory.file("pdf"), "--templates", templates,
    ])
    #expect(first.status == 0, "\(first.standardError)")
    let (_, text) = try pdf(in: directory.file("pdf"), containing: "三年级二班家长群")
    #expect(text.contains("Records Office of District 7"))
    let again = try ChatBundleBinary.run(["export", "pdf", directory.file("class.tar.gz"), "-o", directory.file("pdf")])
    #expect(again.status == 2 && again.standardError.contains("--force"))
    let forced = try ChatBundleBinary.run([
      "export", "pdf", directory.file("class.tar.gz"), "-o", directory.file("pdf"), "--force",
    ])
    #expect(forced.status == 0, "\(forced.standardError)")
    let (_, replaced) = try pdf(in: directory.file("pdf"), containing: "三年级二班家长群")
    #expect(!replaced.contains("Records Office of District 7"))
  }
}

/// A binary PGM (P5, 8 bits): width, height and the pixels.
func grayMap(_ path: String) throws -> (Int, Int, [UInt8]) {
  let bytes = try readBytes(path)
  var fields: [Int] = []
  var index = 2
  while fields.count < 3, index < bytes.count {
    while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A { index += 1 }
    var value = 0
    while index < bytes.count, (0x30...0x39).contains(bytes[index]) {
      value = value * 10 + Int(bytes[index] - 0x30)
      index += 1
    }
    fields.append(value)
  }
  index += 1
  #expect(bytes.starts(with: Array("P5".utf8)) && fields.count == 3 && fields[2] == 255)
  return (fields[0], fields[1], Array(bytes[min(index, bytes.count)...]))
}

extension [UInt8] {
  func containsSequence(_ needle: [UInt8]) -> Bool {
    guard let first = needle.first, needle.count <= count else { return false }
    for index in 0...(count - needle.count) where self[index] == first {
      if self[index..<(index + needle.count)].elementsEqual(needle) { return true }
    }
    return false
  }
}
