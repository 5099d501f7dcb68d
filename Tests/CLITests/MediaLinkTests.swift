import ArchiveIO
import ChatBundle
import ChatBundleTestSupport
import Foundation
import Testing

/// `render --media-from`: an extract's media linked into the site, never a file that differs.
@Suite(.serialized) struct MediaLinkTests {
  @Test func anExtractsMatchingMediaAreHardLinkedAndADifferingFileIsWrittenFromTheBundle() throws {
    let directory = try TemporaryDirectory("media-link")
    let example = repositoryRoot().appendingPathComponent("examples/easemob").path
    let bundle = directory.file("b.tar.gz")
    let pack = try ChatBundleBinary.run([
      "pack", "--quiet", "--source", "easemob", example + "/export", "--media", example + "/media", "-o", bundle,
    ])
    try #require(pack.status == 0, "\(pack.standardError)")
    let extract = directory.file("extract")
    let extracted = try ChatBundleBinary.run(["extract", bundle, extract])
    try #require(extracted.status == 0, "\(extracted.standardError)")
    let plain = try ChatBundleBinary.run(["render", bundle, "-o", directory.file("plain")])
    try #require(plain.status == 0, "\(plain.standardError)")

    // One extracted file changed in place, same size: it must not reach the site.
    let mediaFiles = try FileManager.default.subpathsOfDirectory(atPath: extract + "/media")
      .filter { !$0.hasSuffix("/") }.map { extract + "/media/" + $0 }
      .filter { FileStatus.of($0, followingLinks: false)?.isRegularFile == true }.sorted()
    try #require(mediaFiles.count >= 3)
    var changed = try readBytes(mediaFiles[0])
    changed[changed.count / 2] ^= 0xFF
    try Data(changed).write(to: URL(fileURLWithPath: mediaFiles[0]))

    let linked = try ChatBundleBinary.run(["render", bundle, "-o", directory.file("linked"), "--media-from", extract])
    try #require(linked.status == 0, "\(linked.standardError)")
    #expect(
      linked.standardOutput.contains("(\(mediaFiles.count - 1) linked from the extract)"), "\(linked.standardOutput)")

    let extractInodes = Set(mediaFiles.dropFirst().compactMap { FileStatus.of($0, followingLinks: false)?.inode })
    let changedInode = FileStatus.of(mediaFiles[0], followingLinks: false)?.inode
    let siteMedia = directory.file("linked") + "/media"
    var linkedCount = 0
    for name in try FileManager.default.contentsOfDirectory(atPath: siteMedia) {
      let path = siteMedia + "/" + name
      let inode = FileStatus.of(path, followingLinks: false)?.inode
      #expect(inode != changedInode)
      if let inode, extractInodes.contains(inode) { linkedCount += 1 }
      // Linked or written, every file has the bundle's bytes, as in the plain render.
      #expect(try readBytes(path) == readBytes(directory.file("plain") + "/media/" + name), "\(name)")
    }
    #expect(linkedCount == mediaFiles.count - 1)
  }
}
