extension Message {
  /// Roughly the bytes the message holds, text by text: enough for a queue between
  /// threads to bound itself by memory and not only by count, where one message may be
  /// megabytes long.
  public var estimatedSize: Int {
    var total = 128 + id.text.utf8.count + conversation.text.utf8.count
    if case .text(let text) = body, parts.isEmpty, !hasUnusedMembers, replyTo == nil {
      return total + text.utf8.count
    }
    total += contentMembers.estimatedSize
    for part in parts { total += part.contentMembers.estimatedSize }
    if let preview = replyTo?.preview { total += preview.utf8.count }
    return total
  }
}

extension ContentMembers {
  var estimatedSize: Int {
    var total = 64 + (text?.utf8.count ?? 0) + (sourceType?.utf8.count ?? 0) + (command?.utf8.count ?? 0)
    for reference in [media, thumbnail] { total += reference.map { 64 + ($0.name?.utf8.count ?? 0) } ?? 0 }
    if let location { total += (location.address?.utf8.count ?? 0) + (location.name?.utf8.count ?? 0) + 32 }
    if let custom { total += custom.fields.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count } }
    if let merged {
      total += (merged.title?.utf8.count ?? 0) + (merged.summary?.utf8.count ?? 0)
      for item in merged.items { total += item.contentMembers.estimatedSize }
    }
    return total
  }
}
