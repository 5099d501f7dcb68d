import ChatBundle

/// The two ends of resolving an attachment, shared by the importers.
extension MediaReference {
  /// This reference as not bundled, for `reason`.
  func markedMissing(_ reason: MissingReason) -> MediaReference {
    var result = self
    result.missing = reason.rawValue
    result.sha256 = nil
    return result
  }

  /// This reference pointing at the file the builder stored.
  func pointing(at stored: StoredMedia) -> MediaReference {
    var result = self
    result.sha256 = stored.sha256
    result.size = stored.size
    result.mediaType = stored.mediaType
    return result
  }
}
