import ArchiveIO
import ChatBundle
import Foundation

/// Turns a flushed slice into its `.rsmf` file: `rsmf.zip` (the manifest, deflated, then
/// the slice's files in name order, media stored as they are) written to scratch and
/// hashed, then the message: header fields, a `multipart/mixed` body whose boundary comes
/// from the zip's digest, the quoted-printable text, and the zip in base64.
struct RSMFFileAssembler {
  let work: String
  let output: String

  /// Writes the slice's file into `output`; returns the zip's SHA-256.
  func assemble(_ record: RSMFSlice.Record) throws -> String {
    let zipPath = work + "/current.zip"
    try writeZip(record, to: zipPath)
    let digest = try Self.sha256(of: zipPath)
    let boundary = "=_chatbundle_" + digest.prefix(32)
    let writer = try BufferedWriter(creating: output + "/" + record.fileName, capacity: 1 << 16)
    try writer.write(readWholeFile(record.base + ".head"))
    var head = MIMEText.field("X-RSMF-ZipSHA256", digest)
    head += Array(("Message-ID: <" + digest + "@rsmf.chatbundle.invalid>\r\n").utf8)
    head += MIMEText.field("MIME-Version", "1.0")
    head += Array(("Content-Type: multipart/mixed;\r\n boundary=\"" + boundary + "\"\r\n\r\n").utf8)
    head += Array(("--" + boundary + "\r\n").utf8)
    head += Array(
      "Content-Type: text/plain; charset=\"utf-8\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n".utf8)
    try writer.write(head)
    try writer.write(readWholeFile(record.base + ".txt"))
    try writer.write(
      Array(
        ("\r\n--" + boundary + "\r\n" + "Content-Type: application/octet-stream; name=\"rsmf.zip\"\r\n"
          + "Content-Disposition: attachment; filename=\"rsmf.zip\"\r\n"
          + "Content-Transfer-Encoding: base64\r\n\r\n").utf8))
    try Self.writeBase64(of: zipPath, to: writer)
    try writer.write(Array(("--" + boundary + "--\r\n").utf8))
    try writer.close()
    try? FileSystem.setPermissions(writer.path, 0o644)
    for suffix in [".json", ".txt", ".head", ".files"] { try? FileSystem.removeFile(record.base + suffix) }
    try? FileSystem.removeFile(zipPath)
    return digest
  }

  private func writeZip(_ record: RSMFSlice.Record, to path: String) throws {
    let zip: ZipArchiveWriter
    do { zip = try ZipArchiveWriter(path: path) } catch { throw ExportError.output("\(error)") }
    try copy(record.base + ".json", into: zip, as: "rsmf_manifest.json", compression: .deflate)
    let list = String(decoding: try readWholeFile(record.base + ".files"), as: UTF8.self)
    for line in list.split(separator: "\n") {
      let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      guard fields.count == 3, SHA256Digest.isValidHex(fields[1]) else { continue }
      let compression: ZipArchiveWriter.Compression =
        MediaTypes.compressionLevel(for: fields[2].isEmpty ? "application/octet-stream" : fields[2]) == 0
        ? .store : .deflate
      try copy(work + "/media/" + fields[1], into: zip, as: fields[0], compression: compression)
    }
    do { try zip.finish() } catch { throw ExportError.output("\(error)") }
  }

  private func copy(
    _ source: String, into zip: ZipArchiveWriter, as name: String, compression: ZipArchiveWriter.Compression
  ) throws {
    do {
      let stream = try FileByteStream(path: source)
      let size = try FileStatus(path: source, followingLinks: false).size
      try zip.beginEntry(name: name, size: size, compression: compression)
      var buffer = [UInt8](repeating: 0, count: 1 << 16)
      while true {
        let count = try buffer.withUnsafeMutableBytes { try stream.read(into: $0) }
        if count == 0 { break }
        try buffer.withUnsafeBytes { try zip.write(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
      }
    } catch let error as ExportError {
      throw error
    } catch {
      throw ExportError.output("cannot put \(name) into rsmf.zip: \(error)")
    }
  }

  static func sha256(of path: String) throws -> String {
    var digest = SHA256Digest()
    let stream = try FileByteStream(path: path)
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let count = try buffer.withUnsafeMutableBytes { try stream.read(into: $0) }
      if count == 0 { break }
      buffer.withUnsafeBytes { digest.update(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
    }
    return digest.finalizeHex()
  }

  /// Base64 in lines of 76 characters ending in CRLF: 57 bytes a line, read 57 KiB at a
  /// time (whole lines, so that the chunks' lines join up), encoded by Foundation.
  static func writeBase64(of path: String, to writer: BufferedWriter) throws {
    let stream = try FileByteStream(path: path)
    let chunk = 57 * 1024
    var buffer = [UInt8](repeating: 0, count: chunk)
    var filled = 0
    let options: Data.Base64EncodingOptions = [
      .lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed,
    ]
    while true {
      let count = try buffer.withUnsafeMutableBytes {
        try stream.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[filled...]))
      }
      filled += count
      if filled == chunk || (count == 0 && filled > 0) {
        try writer.write(Array(Data(buffer[0..<filled]).base64EncodedData(options: options)) + MIMEText.crlf)
        filled = 0
      }
      if count == 0 { break }
    }
  }
}
