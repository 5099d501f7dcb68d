import ChatBundle
import ChatBundleTestSupport
import Foundation
import Testing

@Suite struct OutputPlacementTests {
  func names(_ directory: TemporaryDirectory) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
  }

  /// The pid of a process that has exited and been reaped.
  func deadPID() throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/true")
    try process.run()
    process.waitUntilExit()
    return process.processIdentifier
  }

  @Test func scratchNamesAndTheirOwners() {
    #expect(ScratchRegistry.owner(ofScratchName: ".chatbundle-site-123-aB9xYz") == 123)
    #expect(ScratchRegistry.owner(ofScratchName: ".out.tar.gz.partial-77") == 77)
    #expect(ScratchRegistry.owner(ofScratchName: ".a.partial-1.partial-9") == 9)
    for name in [
      ".chatbundle-site-123-abc", ".chatbundle-site-0-abcdef", ".chatbundle-Site-1-abcdef", ".chatbundle-site-1-abc-ef",
      ".chatbundle-site-x1-abcdef", ".chatbundle-site-99999999999-abcdef", "chatbundle-site-1-abcdef", ".partial-5",
      ".x.partial-", ".x.partial-12a", ".x.partial--3", "x.partial-5", ".chatbundle-site-XXXXXX",
    ] {
      #expect(ScratchRegistry.owner(ofScratchName: name) == nil, "\(name)")
    }
  }

  @Test func staleScratchOfDeadRunsGoesAndNothingElse() throws {
    let directory = try TemporaryDirectory()
    let dead = try deadPID()
    let alive = getppid()
    try directory.write(".chatbundle-site-\(dead)-abcdef/site/index.html", "old")
    try directory.write(".out.tar.gz.partial-\(dead)", "old")
    try directory.write(".chatbundle-csv-\(alive)-abcdef/csv/a.csv", "running")
    try directory.write(".out.tar.gz.partial-\(alive)", "running")
    try directory.write(".chatbundle-site-\(dead)-abc", "not ours")
    try directory.write("target/keep", "keep")
    #expect(symlink(directory.file("target"), directory.file(".chatbundle-work-\(dead)-linked")) == 0)
    // This process's own pid: removed unless registered (a dead run's pid, reused).
    try directory.write(".a.partial-\(getpid())", "stale")
    try directory.write(".b.partial-\(getpid())", "ours")
    ScratchRegistry.shared.register(directory.file(".b.partial-\(getpid())"))
    defer { ScratchRegistry.shared.unregister(directory.file(".b.partial-\(getpid())")) }

    ScratchRegistry.shared.removeStale(in: directory.path)
    #expect(
      try names(directory)
        == [
          ".b.partial-\(getpid())", ".chatbundle-csv-\(alive)-abcdef", ".chatbundle-site-\(dead)-abc",
          ".chatbundle-work-\(dead)-linked", ".out.tar.gz.partial-\(alive)", "target",
        ].sorted())
    #expect(FileManager.default.fileExists(atPath: directory.file("target/keep")))
  }

  @Test func aDirectoryIsCommittedWithOneRenameOntoAnAbsentOrEmptyDestination() throws {
    let directory = try TemporaryDirectory()
    try FileManager.default.createDirectory(atPath: directory.file("empty"), withIntermediateDirectories: false)
    chmod(directory.file("empty"), 0o750)
    for name in ["absent", "empty/"] {
      let placement = try OutputPlacement(directory: directory.file(name), label: "test", existing: .refuse(hint: nil))
      #expect(baseName(of: placement.scratch).hasPrefix(".chatbundle-test-\(getpid())-"))
      let built = placement.scratch + "/out"
      try FileManager.default.createDirectory(atPath: built + "/sub", withIntermediateDirectories: true)
      try Data("x".utf8).write(to: URL(fileURLWithPath: built + "/sub/file"))
      try placement.commit(built)
      placement.discard()
      #expect(FileManager.default.fileExists(atPath: placement.destination + "/sub/file"))
    }
    var info = stat()
    #expect(stat(directory.file("empty"), &info) == 0 && info.st_mode & 0o777 == 0o750)
    #expect(try names(directory) == ["absent", "empty"])

    // Not empty, a file, a link: refused before any work, and nothing is left.
    try directory.write("file", "x")
    #expect(symlink(directory.file("absent"), directory.file("link")) == 0)
    for name in ["absent", "file", "link", "."] {
      #expect(throws: ChatBundleError.self) {
        try OutputPlacement(directory: directory.file(name), label: "test", existing: .refuse(hint: "pass --force"))
      }
    }
    #expect(try names(directory) == ["absent", "empty", "file", "link"])
  }

  @Test func anEarlierExportIsReplacedWholeAndNothingElseIs() throws {
    let directory = try TemporaryDirectory()
    try directory.write("out/a.csv", "old")
    try directory.write("out/b.csv", "old")
    let existing = OutputPlacement.Existing.replaceExport(suffix: ".csv", what: "an earlier CSV export")
    let placement = try OutputPlacement(directory: directory.file("out"), label: "csv", existing: existing)
    let built = placement.scratch + "/csv"
    try FileManager.default.createDirectory(atPath: built, withIntermediateDirectories: false)
    try Data("new".utf8).write(to: URL(fileURLWithPath: built + "/a.csv"))
    try placement.commit(built)
    placement.discard()
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.file("out")) == ["a.csv"])
    #expect(try names(directory) == ["out"])

    try directory.write("out/notes.txt", "keep")
    #expect(throws: ChatBundleError.self) {
      try OutputPlacement(directory: directory.file("out"), label: "csv", existing: existing)
    }
    // What appears between the check and the commit is checked again, and kept.
    try FileManager.default.removeItem(atPath: directory.file("out/notes.txt"))
    let late = try OutputPlacement(directory: directory.file("out"), label: "csv", existing: existing)
    try FileManager.default.createDirectory(atPath: late.scratch + "/csv", withIntermediateDirectories: false)
    try directory.write("out/notes.txt", "keep")
    #expect(throws: ChatBundleError.self) { try late.commit(late.scratch + "/csv") }
    late.discard()
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: directory.file("out")).sorted() == ["a.csv", "notes.txt"])
    #expect(try names(directory) == ["out"])
  }

  @Test func aFileReplacesOnlyARegularFile() throws {
    let directory = try TemporaryDirectory()
    try directory.write("old", "old")
    #expect(mkfifo(directory.file("pipe"), 0o600) == 0)
    try FileManager.default.createDirectory(atPath: directory.file("dir"), withIntermediateDirectories: false)
    #expect(throws: ChatBundleError.self) {
      try OutputPlacement(file: directory.file("old"), existing: .refuse(hint: nil))
    }
    for name in ["pipe", "dir"] {
      #expect(throws: ChatBundleError.self) {
        try OutputPlacement(file: directory.file(name), existing: .replaceRegularFile)
      }
    }
    let placement = try OutputPlacement(file: directory.file("old"), existing: .replaceRegularFile)
    #expect(placement.scratch == directory.file(".old.partial-\(getpid())"))
    try Data("new".utf8).write(to: URL(fileURLWithPath: placement.scratch))
    try placement.commit(placement.scratch)
    placement.discard()
    #expect(try String(contentsOfFile: directory.file("old"), encoding: .utf8) == "new")
    #expect(try names(directory) == ["dir", "old", "pipe"])
  }
}
