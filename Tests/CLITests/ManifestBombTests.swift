import ArchiveIO
import ChatBundle
import ChatBundleTestSupport
import Foundation
import Testing

/// A small file that inflates to a huge manifest must be refused, or read, without the
/// verifier holding what it declares: peak memory stays far below what the manifest says.
@Suite(.serialized) struct ManifestBombTests {
  /// Peak resident memory (KiB) of `chatbundle` run with `arguments`, and its output, as
  /// measured by a Python parent that waits for nothing else.
  func peakMemory(_ arguments: [String]) throws -> (kilobytes: Int, output: String, status: Int32) {
    let script = """
      import resource, subprocess, sys
      result = subprocess.run(sys.argv[1:], capture_output=True, text=True)
      sys.stdout.write(result.stdout)
      sys.stderr.write("rss=%d status=%d\\n" % (resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, result.returncode))
      """
    let result = try runProcess(
      URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script, ChatBundleBinary.url.path] + arguments)
    let tail = result.standardError.split(separator: "\n").last.map(String.init) ?? ""
    let fields = Dictionary(
      uniqueKeysWithValues: tail.split(separator: " ").compactMap { field -> (String, Int)? in
        let parts = field.split(separator: "=")
        guard parts.count == 2, let value = Int(parts[1]) else { return nil }
        return (String(parts[0]), value)
      })
    return (fields["rss"] ?? -1, result.standardOutput, Int32(fields["status"] ?? -1))
  }

  /// Writes a gzip-compressed tar whose first entry is a manifest of `size` bytes made of
  /// `{"a":[1,1,1,…]}` (padded), streamed so the test never holds it.
  func writeBomb(to path: String, manifestSize: Int) throws {
    guard FileManager.default.createFile(atPath: path, contents: nil), let file = FileHandle(forWritingAtPath: path)
    else { throw ChatBundleError.io(path: path, message: "cannot create") }
    defer { try? file.close() }
    let deflater = try GzipDeflater(level: 1) { bytes in file.write(Data(bytes)) }
    var header = RawTar()
    header.add("chatbundle/manifest.json", [], declaredSize: manifestSize)
    try deflater.write(header.bytes)
    var written = 0
    let opening = Array("{\"a\":[".utf8)
    try deflater.write(opening)
    written += opening.count
    let chunk: [UInt8] = (0..<(1 << 20)).map { $0 % 2 == 0 ? 0x31 : 0x2C }
    while written + chunk.count + 16 < manifestSize {
      try deflater.write(chunk)
      written += chunk.count
    }
    var closing = Array("1]}".utf8)
    closing += [UInt8](repeating: 0x20, count: manifestSize - written - closing.count - 1) + [0x0A]
    try deflater.write(closing)
    try deflater.write([UInt8](repeating: 0, count: (512 - manifestSize % 512) % 512 + 1024))
    try deflater.finish()
  }

  @Test func a250MiBManifestIsRefusedWithoutBeingHeld() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("bomb.tar.gz")
    try writeBomb(to: path, manifestSize: 250 << 20)
    let bombBytes = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
    #expect(bombBytes < 2 << 20, "the bomb should be small on disk: \(bombBytes)")
    let run = try peakMemory(["verify", path])
    #expect(run.status == 1)
    #expect(run.output.contains("C02"), "\(run.output)")
    #expect(run.kilobytes > 0 && run.kilobytes < 300 << 10, "peak \(run.kilobytes) KiB")
  }

  @Test func anUnknownMemberOfAHugeManifestIsCheckedButNotBuilt() throws {
    // Under the limit: read, with a warning for the member, and still bounded.
    var bundle = try FixtureBundle.sample()
    var bytes = bundle.manifest.serialized()
    let filler = "\"zz_unknown\":[" + String(repeating: "1,", count: 24 << 20) + "1],"
    bytes.insert(contentsOf: Array(filler.utf8), at: 1)
    bundle.manifestBytes = bytes
    let directory = try TemporaryDirectory()
    let path = try directory.write("wide.tar.gz", try bundle.tar().gzipped(level: 1))
    let run = try peakMemory(["verify", path])
    #expect(run.output.contains("C08"), "\(run.output)")
    #expect(run.status == 0, "\(run.output)")
    #expect(
      run.kilobytes > 0 && run.kilobytes < 300 << 10,
      "peak \(run.kilobytes) KiB for a \(bytes.count >> 20) MiB manifest")
  }
}
