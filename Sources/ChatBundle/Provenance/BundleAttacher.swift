import ArchiveIO
import Foundation

/// Adds a signature or a timestamp to a bundle: the bundle is verified first (nothing is
/// vouched for that does not verify), then copied with one more trailing gzip member and
/// put in place with one rename, so the bundle is never seen half-written. Its manifest,
/// tar stream and id do not change.
public enum BundleAttacher {
  public enum Outcome: Sendable {
    case attached(VerificationReport)
    /// The bundle is invalid, or could not be read; nothing was written.
    case refused(VerificationReport)
  }

  /// Attaches the record `make` returns for the verified bundle's id.
  /// - Parameter output: where the signed copy goes; nil to replace `bundle` itself.
  public static func attach(
    to bundle: String, output: String? = nil, _ make: (VerificationReport, String) throws -> BundleAttachment
  ) throws -> Outcome {
    let report = BundleVerifier(path: bundle).verify()
    guard report.isValid, report.readError == nil, let bundleID = report.bundleID else { return .refused(report) }
    let member = try GzipAttachment.member(carrying: try make(report, bundleID).bytes)
    let placement = try OutputPlacement(file: output ?? bundle, existing: .replaceRegularFile)
    defer { placement.discard() }
    let writer = try BufferedWriter(creating: placement.scratch)
    let source = try FileByteStream(path: bundle)
    var buffer = [UInt8](repeating: 0, count: 1 << 20)
    var copied = SHA256Digest()
    while true {
      let count = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
      if count == 0 { break }
      try buffer.withUnsafeBytes {
        let chunk = UnsafeRawBufferPointer(rebasing: $0[0..<count])
        copied.update(chunk)
        try writer.write(chunk)
      }
    }
    // The file must be the one that was verified, not one put in its place meanwhile.
    guard copied.finalizeHex() == report.fileSHA256 else {
      throw ChatBundleError.io(path: bundle, message: "the file changed while it was being signed; try again")
    }
    try writer.write(member)
    try writer.close()
    try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: placement.scratch)
    try placement.commit(placement.scratch)
    return .attached(report)
  }
}
