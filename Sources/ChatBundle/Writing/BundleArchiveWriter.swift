import ArchiveIO

/// Writes a bundle's tar.gz: the manifest first, then every listed file in the order of
/// spec §4.3, each copied from where the pack left it and checked on the way, so that a
/// file edited during the pack cannot slip in under the digest the manifest records.
struct BundleArchiveWriter {
  let manifest: Manifest
  let manifestBytes: [UInt8]
  /// The local file that holds an entry's bytes.
  let source: (Manifest.FileEntry) throws -> String
  var progress: ((PackProgress) -> Void)?
  /// Threads that compress; the archive's bytes are the same on any number.
  var threads = ParallelGzipDeflater.defaultThreadCount

  /// Writes the archive to `path`, which must not exist; returns its size.
  func write(to path: String) throws -> Int64 {
    let archive = try TarGzWriter(path: path, threads: threads)
    let mtime = manifest.created
    try archive.beginEntry(
      path: BundleLayout.entryName(BundleLayout.manifest), size: Int64(manifestBytes.count), modificationTime: mtime)
    try archive.write(manifestBytes)
    let ordered = manifest.files.sorted {
      let left = BundleLayout.group(of: $0.path)
      let right = BundleLayout.group(of: $1.path)
      return left != right ? left < right : compareBytes(Array($0.path.utf8), Array($1.path.utf8)) < 0
    }
    var buffer = [UInt8](repeating: 0, count: 1 << 20)
    var done: Int64 = 0
    for entry in ordered {
      let level = entry.role == .media ? MediaTypes.compressionLevel(for: entry.mediaType ?? "") : 6
      try archive.beginEntry(
        path: BundleLayout.entryName(entry.path), size: entry.size, modificationTime: mtime, compressionLevel: level)
      try copy(try source(entry), expecting: entry, into: archive, buffer: &buffer)
      done += entry.size
      progress?(PackProgress(phase: .writing, done: done, total: manifest.totals.bytes))
    }
    try archive.finish()
    return archive.compressedBytes
  }

  private func copy(
    _ path: String, expecting entry: Manifest.FileEntry, into archive: TarGzWriter, buffer: inout [UInt8]
  ) throws {
    let stream = try FileByteStream(path: path)
    var digest = SHA256Digest()
    var size: Int64 = 0
    while true {
      let count = try buffer.withUnsafeMutableBytes { try stream.read(into: $0) }
      if count == 0 { break }
      size += Int64(count)
      guard size <= entry.size else { throw ChatBundleError.mediaChanged(path: path) }
      try buffer.withUnsafeBytes { bytes in
        let chunk = UnsafeRawBufferPointer(rebasing: bytes[0..<count])
        digest.update(chunk)
        try archive.write(chunk)
      }
    }
    guard size == entry.size, digest.finalizeHex() == entry.sha256 else {
      throw ChatBundleError.mediaChanged(path: path)
    }
  }
}
