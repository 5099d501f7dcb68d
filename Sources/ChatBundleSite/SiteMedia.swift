/// File names for media in the site: the SHA-256 plus an extension from the media type,
/// so browsers pick the right viewer; the original name is shown and offered on download.
package enum SiteMedia {
  package static func fileExtension(for mediaType: String?) -> String {
    switch mediaType ?? "" {
    case "image/jpeg": "jpg"
    case "image/png": "png"
    case "image/gif": "gif"
    case "image/webp": "webp"
    case "image/heic": "heic"
    case "image/bmp": "bmp"
    case "video/mp4": "mp4"
    case "video/quicktime": "mov"
    case "video/webm": "webm"
    case "audio/amr": "amr"
    case "audio/mpeg": "mp3"
    case "audio/mp4": "m4a"
    case "audio/aac": "aac"
    case "audio/wav": "wav"
    case "audio/ogg": "ogg"
    case "application/pdf": "pdf"
    case "application/zip": "zip"
    case "application/json": "json"
    case "text/plain": "txt"
    default: "bin"
    }
  }
}
