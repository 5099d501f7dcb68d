import ChatBundle

/// Maps a WeCom content payload to a `MessagePart`: a message's own payload, an item of
/// `mixed`, or an item of a `chatrecord`.
///
/// The payloads inside `mixed` and `chatrecord` items are JSON text inside a JSON string,
/// parsed a second time here; each can fail on its own, and one that does is kept as text
/// so that the rest of the record is not lost.
struct WeComContentMapper: Sendable {
  /// Chat records forwarded inside chat records are expanded this many levels deep; the
  /// bundle format allows 16, and a hostile file could nest far more.
  static let maximumDepth = 8

  /// A file the body refers to, by its place inside the body: `[]` is the body's own
  /// `media`, `[.item(i), .item(j)]` the media of `merged.items[i].merged.items[j]`.
  struct PendingMedia: Sendable, Equatable {
    var steps: [MediaPath.Step]
    var source: WeComMedia.Source
  }

  struct Mapped: Sendable {
    var body: MessageBody
    var media: [PendingMedia] = []
  }

  /// `ChatRecordText` → `text`, `ChatRecordChatRecord` → `chatrecord`; msgtypes unchanged.
  static func normalizedType(_ type: String) -> String {
    let stripped = type.hasPrefix("ChatRecord") ? String(type.dropFirst("ChatRecord".count)) : type
    return stripped.lowercased()
  }

  /// - Parameter depth: how many merged records enclose this payload (0 for a message's own).
  func map(type: String, payload: JSONObject, depth: Int) -> Mapped {
    switch Self.normalizedType(type) {
    case "text", "markdown":
      return Mapped(body: .text(payload["content"]?.stringValue ?? ""))
    case "image", "emotion":
      var media = reference(payload, sizeKey: payload["imagesize"] != nil ? "imagesize" : "filesize")
      media.width = SourceCount.count(payload["width"])
      media.height = SourceCount.count(payload["height"])
      media.name = payload["title"]?.stringValue
      return withMedia(.image, media, payload)
    case "voice":
      var media = reference(payload, sizeKey: "voice_size")
      media.durationMilliseconds = SourceCount.milliseconds(seconds: payload["play_length"])
      return withMedia(.audio, media, payload)
    case "video":
      var media = reference(payload, sizeKey: "filesize")
      media.durationMilliseconds = SourceCount.milliseconds(seconds: payload["play_length"])
      return withMedia(.video, media, payload)
    case "file", "voip_doc_share":
      var media = reference(payload, sizeKey: "filesize")
      media.name = payload["filename"]?.stringValue
      return withMedia(.file, media, payload)
    case "location":
      guard let latitude = payload["latitude"]?.numberLiteral, let longitude = payload["longitude"]?.numberLiteral
      else { return Mapped(body: .text(summary(payload))) }
      return Mapped(
        body: .location(
          Location(
            address: payload["address"]?.stringValue, name: payload["title"]?.stringValue, latitude: latitude,
            longitude: longitude)))
    case "chatrecord", "mixed":
      return merged(payload, depth: depth + 1)
    case "revoke", "agree", "disagree", "link", "weapp", "card", "news", "calendar", "todo", "vote", "collect",
      "redpacket", "external_redpacket", "meeting", "docmsg", "doc", "sphfeed", "meeting_voice_call":
      // A part has no custom event; inside a forwarded record these read best as text.
      return Mapped(body: .text(summary(payload)))
    default:
      return Mapped(
        body: .unknown(
          UnknownContent(sourceType: type.isEmpty ? "(no type)" : type, text: payload["content"]?.stringValue)))
    }
  }

  /// A `chatrecord` (`item[]` of `{type, msgtime, content, from_chatroom}`), or a `mixed`
  /// met inside one, as a merged record whose items are mapped in turn.
  func merged(_ payload: JSONObject, depth: Int) -> Mapped {
    guard depth <= Self.maximumDepth else {
      return Mapped(
        body: .unknown(
          UnknownContent(
            sourceType: "chatrecord",
            text: "(a chat record nested deeper than \(Self.maximumDepth) levels; the original is in source.raw)")))
    }
    var record = MergedRecord(title: payload["title"]?.stringValue, summary: nil, level: nil)
    var media: [PendingMedia] = []
    for (index, element) in (payload["item"]?.arrayValue ?? []).enumerated() {
      let item = element.objectValue ?? JSONObject()
      let mapped = mapItem(item, depth: depth)
      record.items.append(MessagePart(mapped.body, timestamp: Self.itemTimestamp(item["msgtime"])))
      media += mapped.media.map { PendingMedia(steps: [.item(index)] + $0.steps, source: $0.source) }
    }
    return Mapped(body: .merged(record), media: media)
  }

  /// One item of `mixed` or `chatrecord`: `type` and a `content` that is JSON in a string.
  func mapItem(_ item: JSONObject, depth: Int) -> Mapped {
    let type = item["type"]?.stringValue ?? ""
    let content: JSONObject
    switch item["content"] {
    case .string(let text)?:
      guard case .object(let parsed)? = try? JSONParser.parse(text, options: .lenient) else {
        return Mapped(body: .text(text))
      }
      content = parsed
    case .object(let object)?:
      content = object
    default:
      content = JSONObject()
    }
    return map(type: type, payload: content, depth: depth)
  }

  /// Chat-record items are documented in milliseconds but the official sample has
  /// seconds; anything below 10^11 (which as ms would be before 1973) is taken as seconds.
  static func itemTimestamp(_ value: JSONValue?) -> Int64? {
    guard let literal = value?.numberLiteral ?? value?.stringValue, let number = Int64(literal), number >= 0 else {
      return nil
    }
    let milliseconds = number < 100_000_000_000 ? number * 1000 : number
    return milliseconds <= BundleLimits.maximumTimestamp ? milliseconds : nil
  }

  private func withMedia(_ kind: MediaContent.Kind, _ media: MediaReference, _ payload: JSONObject) -> Mapped {
    Mapped(
      body: .media(MediaContent(kind, reference: media)),
      media: [PendingMedia(steps: [], source: WeComMedia.Source(payload))])
  }

  private func reference(_ payload: JSONObject, sizeKey: String) -> MediaReference {
    MediaReference(
      size: SourceCount.count(payload[sizeKey]),
      sourceReference: payload["sdkfileid"]?.stringValue)
  }

  /// The payload's non-empty scalar values, one a line, for content a part cannot model.
  private func summary(_ payload: JSONObject) -> String {
    WeComCustomFields.fields(payload, skipping: ["sdkfileid", "md5sum"]).map(\.value).filter { !$0.isEmpty }
      .joined(separator: "\n")
  }
}
