import ArchiveIO
import ChatBundle
import Crypto

/// Finds a WeCom attachment's file in the `--media` directory and checks it.
///
/// WeCom media has no URL: a puller fetches each file by its `sdkfileid` through the SDK
/// and should check it against `md5sum`. The file is looked up under two names, both
/// computed so that no byte of the message ever becomes part of a path:
/// 1. the declared `md5sum` in lowercase hex (32 digits; any other value is not used as
///    a name), and
/// 2. the SHA-256 of the `sdkfileid`'s UTF-8 bytes in lowercase hex (sdkfileids are long
///    base64 with `/` and `+`, too long and too unsafe to be names themselves).
///
/// A file found is checked against the declared size and MD5; a mismatch is recorded as
/// missing (`size_mismatch`, `checksum_mismatch`) and the pack goes on.
public enum WeComMedia {
  /// What a message declares about one file.
  public struct Source: Sendable, Equatable {
    public var md5sum: String?
    public var sdkFileID: String?
    public var declaredSize: Int64?

    public init(md5sum: String?, sdkFileID: String?, declaredSize: Int64?) {
      self.md5sum = md5sum
      self.sdkFileID = sdkFileID
      self.declaredSize = declaredSize
    }

    init(_ payload: JSONObject) {
      let sizeKey = ["filesize", "voice_size", "imagesize"].first { payload[$0] != nil }
      self.init(
        md5sum: payload["md5sum"]?.stringValue, sdkFileID: payload["sdkfileid"]?.stringValue,
        declaredSize: sizeKey.flatMap { payload[$0]?.numberLiteral }.flatMap { Int64($0) })
    }
  }

  /// The file name a puller should use for an `sdkfileid`.
  public static func fileName(forSDKFileID sdkFileID: String) -> String {
    SHA256Digest.hex(of: Array(sdkFileID.utf8))
  }

  /// The `md5sum` as a file name, or nil when it is not 32 hex digits.
  public static func fileName(forMD5 md5sum: String) -> String? {
    let lowered = md5sum.lowercased()
    guard lowered.utf8.count == 32,
      lowered.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) })
    else { return nil }
    return lowered
  }

  /// Lowercase hex MD5 of a file's bytes.
  public static func md5(ofFile path: String) throws -> String {
    let stream = try FileByteStream(path: path)
    var hasher = Insecure.MD5()
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let count = try buffer.withUnsafeMutableBytes { try stream.read(into: $0) }
      if count == 0 { break }
      buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
    }
    return hasher.finalize().map { byte in
      let digits = Array("0123456789abcdef")
      return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }.joined()
  }

  /// Resolves a reference to a stored file, or to a `missing` reason.
  /// - Parameter checksums: MD5s already computed, by path, so a file several messages
  ///   share is read once for the check.
  static func resolve(
    _ reference: MediaReference, source: Source, directory: String?, builder: BundleBuilder,
    checksums: inout [String: String]
  ) -> MediaReference {
    var result = reference
    result.size = nil
    let md5Name = source.md5sum.flatMap(fileName(forMD5:))
    let idName = source.sdkFileID.flatMap { $0.isEmpty ? nil : fileName(forSDKFileID: $0) }
    let names = [md5Name, idName].compactMap { $0 }
    guard !names.isEmpty else {
      let declared = !(source.md5sum ?? "").isEmpty
      return result.markedMissing(declared ? .unsafeReference : .noReference)
    }
    guard let directory else { return result.markedMissing(.noMediaDirectory) }
    var found: (path: String, size: Int64)?
    for name in names {
      let path = directory + "/" + name
      do {
        let info = try FileStatus(path: path, followingLinks: true)
        guard info.kind == .regular else { continue }
        found = (path, info.size)
        break
      } catch {
        if !error.isNotFound { return result.markedMissing(.unreadable) }
      }
    }
    guard let (path, size) = found else { return result.markedMissing(.notFound) }
    if let declaredSize = source.declaredSize, declaredSize > 0, size != declaredSize {
      return result.markedMissing(.sizeMismatch)
    }
    do {
      if let declared = source.md5sum {
        let actual: String
        if let known = checksums[path] {
          actual = known
        } else {
          actual = try md5(ofFile: path)
          checksums[path] = actual
        }
        guard actual == declared.lowercased() else { return result.markedMissing(.checksumMismatch) }
      }
      return result.pointing(at: try builder.storeMedia(localPath: path, name: reference.name))
    } catch {
      return result.markedMissing(.unreadable)
    }
  }
}
