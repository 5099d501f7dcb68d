import ChatBundle

/// What the RSMF export could only approximate, by reason, and the files it wrote: the
/// `rsmf-report.json` beside the files, for the person who hands them over.
struct RSMFReport {
  /// Reasons and what each means, in the order the report lists them.
  static let descriptions: [String: String] = [
    "location_as_text": "a shared place is a message whose body names it; its coordinates are custom fields",
    "command_as_unknown": "a control message (clients act on it, people never saw it) is an event of type unknown",
    "custom_as_unknown": "an application-defined event is an event of type unknown with its fields as custom pairs",
    "unknown_kind": "a message of a type the bundle does not model is an event of type unknown",
    "merged_as_text": "a forwarded chat history is one message whose body lists the forwarded items",
    "parts_in_body": "a message with several bodies: the further bodies are lines of the one event body",
    "notice_as_history": "a system notice is a history event",
    "recall_as_history": "a recall tombstone is a history event; the recalled message is marked deleted",
    "recall_target_not_marked":
      "a recall whose message is in another file (or never seen) could not mark it deleted; the recall names it",
    "revision_as_message":
      "a later version of a message (a revision record) is a message of its own; its original gets an edit when in the same file",
    "parent_in_other_file": "a reply or thread reply whose parent is in another file names it in a custom field",
    "edit_without_participant": "an edit with neither editor nor sender is described in a custom field",
    "mentions_as_custom": "mentions are a custom field (RSMF has none)",
    "forward_as_custom": "where a forwarded message came from is a custom field",
    "pin_as_custom": "pins are custom fields",
    "bot_as_custom": "that the sender is a bot is a custom field",
    "reply_preview_as_custom": "the quoted preview of a reply is a custom field",
    "thumbnail_as_attachment": "a video's poster image is a second attachment of its message",
    "membership_split": "a join or leave naming several people is one event per person",
    "attachment_too_large":
      "a file too large for a file under the size limit is a custom note instead of an attachment",
  ]

  private(set) var counts: [String: Int64] = [:]
  var files: [JSONValue] = []

  mutating func note(_ reason: String, _ count: Int64 = 1) { counts[reason, default: 0] += count }

  func json(bundleID: String, zone: String, slice: RSMFSliceLength, maximumEvents: Int, events: Int64) -> [UInt8] {
    let approximations: [JSONValue] = counts.keys.sorted().map { reason in
      var object = JSONObject()
      object.append("reason", reason)
      object.append("count", counts[reason] ?? 0)
      object.append("meaning", Self.descriptions[reason] ?? Self.missingMediaDescription(reason))
      return .object(object)
    }
    var root = JSONObject()
    root.append("generator", "chatbundle " + ChatBundleVersion.current)
    root.append("rsmf_version", "2.0.0")
    root.append("bundle_id", bundleID)
    root.append("time_zone", zone)
    root.append("slice", slice.rawValue)
    root.append("maximum_events", maximumEvents)
    root.append("files_written", files.count)
    root.append("events", events)
    root.append("approximations", .array(approximations))
    root.append("files", .array(files))
    return JSONWriter.serialize(.object(root)) + [0x0A]
  }

  static func missingMediaDescription(_ reason: String) -> String {
    if reason.hasPrefix("missing_media:") {
      return "a file the bundle records as missing (" + reason.dropFirst("missing_media:".count)
        + ") is a custom note on its message, never an attachment"
    }
    return ""
  }
}
