/// Media types from a file's first bytes, falling back to its name's extension.
public enum MediaTypes {
  /// Sniffs the content first: a name is untrusted and often wrong (`.amr` files that are
  /// really AAC, images without an extension).
  public static func detect(prefix: [UInt8], name: String?) -> String {
    if let sniffed = sniff(prefix) { return sniffed }
    if let name, let dot = name.lastIndex(of: ".") {
      let ext = name[name.index(after: dot)...].lowercased()
      if let type = byExtension[ext] { return type }
    }
    return "application/octet-stream"
  }

  /// The deflate level for a media type. Formats that are compressed already (JPEG, PNG,
  /// video, most audio, zip containers) shrink by a percent or two at most, and deflating
  /// them is the slowest part of a pack, so they are stored (level 0); everything else,
  /// including unknown types, gets the usual level 6.
  public static func compressionLevel(for type: String) -> Int {
    alreadyCompressed.contains(type) || (type.hasPrefix("video/")) ? 0 : 6
  }

  static let alreadyCompressed: Set<String> = [
    "image/jpeg", "image/png", "image/gif", "image/webp", "image/heic", "audio/amr", "audio/mpeg", "audio/mp4",
    "audio/aac", "audio/ogg", "audio/silk", "application/zip", "application/gzip",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  ]

  static func sniff(_ bytes: [UInt8]) -> String? {
    func starts(_ magic: [UInt8], at offset: Int = 0) -> Bool {
      bytes.count >= offset + magic.count && Array(bytes[offset..<offset + magic.count]) == magic
    }
    if starts([0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
    if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
    if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return "image/gif" }
    if starts(Array("RIFF".utf8)) && starts(Array("WEBP".utf8), at: 8) { return "image/webp" }
    if starts(Array("RIFF".utf8)) && starts(Array("WAVE".utf8), at: 8) { return "audio/wav" }
    if starts(Array("BM".utf8)) && bytes.count > 14 { return "image/bmp" }
    if starts(Array("ftyp".utf8), at: 4) {
      if starts(Array("heic".utf8), at: 8) || starts(Array("heix".utf8), at: 8) { return "image/heic" }
      if starts(Array("M4A ".utf8), at: 8) { return "audio/mp4" }
      if starts(Array("qt  ".utf8), at: 8) { return "video/quicktime" }
      return "video/mp4"
    }
    if starts([0x1A, 0x45, 0xDF, 0xA3]) { return "video/webm" }
    if starts(Array("#!AMR".utf8)) { return "audio/amr" }
    if starts(Array("ID3".utf8)) || starts([0xFF, 0xFB]) || starts([0xFF, 0xF3]) { return "audio/mpeg" }
    if starts(Array("OggS".utf8)) { return "audio/ogg" }
    if starts(Array("%PDF-".utf8)) { return "application/pdf" }
    if starts([0x50, 0x4B, 0x03, 0x04]) { return "application/zip" }
    if starts([0x1F, 0x8B]) { return "application/gzip" }
    return nil
  }

  static let byExtension: [String: String] = [
    "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif", "webp": "image/webp",
    "heic": "image/heic", "bmp": "image/bmp", "svg": "image/svg+xml", "mp4": "video/mp4",
    "mov": "video/quicktime", "webm": "video/webm", "amr": "audio/amr", "mp3": "audio/mpeg",
    "m4a": "audio/mp4", "aac": "audio/aac", "wav": "audio/wav", "ogg": "audio/ogg", "silk": "audio/silk",
    "pdf": "application/pdf", "zip": "application/zip", "txt": "text/plain", "md": "text/markdown",
    "csv": "text/csv", "json": "application/json", "html": "text/html",
    "doc": "application/msword", "xls": "application/vnd.ms-excel",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  ]
}
