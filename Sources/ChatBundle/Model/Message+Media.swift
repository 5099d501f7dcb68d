/// The one walk over a message's media references, in the order of spec §8.3.3: `media`,
/// `thumbnail`, each part (its own `media`, then its forwarded items, recursively), then
/// the items of the message's own forwarded history. Every consumer — the writer's
/// missing list, the verifier's checks, the site, the exports, the importers resolving
/// files — goes through it, so that none of them can miss a place another one sees.
extension Message {
  /// Every media reference, with its place.
  public var mediaReferences: [(path: MediaPath, reference: MediaReference)] {
    guard mayHoldMedia else { return [] }
    var result: [(MediaPath, MediaReference)] = []
    var copy = self
    copy.updateMediaReferences { path, reference in result.append((path, reference)) }
    return result
  }

  /// Calls `update` with each media reference in order, writing back what it changes.
  public mutating func updateMediaReferences(_ update: (MediaPath, inout MediaReference) throws -> Void) rethrows {
    guard mayHoldMedia else { return }
    var members = contentMembers
    if var media = members.media {
      try update(.media, &media)
      members.media = media
    }
    if var thumbnail = members.thumbnail {
      try update(.thumbnail, &thumbnail)
      members.thumbnail = thumbnail
    }
    for index in parts.indices {
      try parts[index].updateMediaReferences(under: [.part(index)], update)
    }
    if var merged = members.merged {
      try merged.updateItemMedia(under: [], update)
      members.merged = merged
    }
    contentMembers = members
  }
}

extension Message {
  /// False for the many messages that cannot hold a reference (a text with no parts), so
  /// that the walk costs them nothing.
  var mayHoldMedia: Bool {
    switch body {
    case .media, .merged, .custom: return true
    default: return !parts.isEmpty || hasUnusedMembers
    }
  }
}

extension MessagePart {
  mutating func updateMediaReferences(
    under steps: [MediaPath.Step], _ update: (MediaPath, inout MediaReference) throws -> Void
  ) rethrows {
    var members = contentMembers
    if var media = members.media {
      try update(MediaPath(steps), &media)
      members.media = media
    }
    if var merged = members.merged {
      try merged.updateItemMedia(under: steps, update)
      members.merged = merged
    }
    contentMembers = members
  }
}

extension MergedRecord {
  mutating func updateItemMedia(
    under steps: [MediaPath.Step], _ update: (MediaPath, inout MediaReference) throws -> Void
  ) rethrows {
    for index in items.indices {
      try items[index].updateMediaReferences(under: steps + [.item(index)], update)
    }
  }
}
