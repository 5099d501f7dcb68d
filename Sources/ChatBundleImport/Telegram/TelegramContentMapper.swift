import ChatBundle

/// The content of an ordinary Telegram message (`"type":"message"`): text, a photo or a
/// file, or one of the structured media (location, venue, contact, poll, game, invoice,
/// giveaway, dice). The text is the caption of a photo or file; beside any other content
/// it becomes a `text` part, so that nothing said is lost.
struct TelegramContentMapper {
  struct Result {
    var body: MessageBody
    var parts: [MessagePart] = []
    var attachments: [MediaPath: TelegramMedia.Source] = [:]
  }

  /// `media_type` of a `file`, to the kind it is shown as.
  static func kind(forMediaType mediaType: String?) -> MediaContent.Kind {
    switch mediaType {
    case "sticker": .image
    case "voice_message", "audio_file": .audio
    case "video_message", "video_file", "animation": .video
    default: .file
    }
  }

  /// Structured content Telegram writes under these keys, shown as a `custom` event named
  /// after the key, with the object's members as fields.
  static let customObjects: [(key: String, event: String)] = [
    ("invoice_information", "invoice"), ("giveaway_information", "giveaway"), ("giveaway_results", "giveaway_results"),
    ("dice", "dice"),
  ]

  func map(_ record: JSONObject, text: String) -> Result {
    if let photo = record["photo"]?.stringValue {
      var reference = Self.reference(path: photo, name: nil)
      reference.width = SourceCount.count(record["width"])
      reference.height = SourceCount.count(record["height"])
      return Result(
        body: .media(MediaContent(.image, reference: reference, caption: text.isEmpty ? nil : text)),
        attachments: [
          .media: TelegramMedia.Source(path: photo, declaredSize: SourceCount.count(record["photo_file_size"]))
        ])
    }
    if let file = record["file"]?.stringValue {
      return fileContent(record, path: file, text: text)
    }
    var result: Result
    if let location = record["location_information"]?.objectValue {
      result = Result(body: .location(venue(record, location)))
    } else if record["place_name"] != nil || record["address"] != nil {
      // A venue whose coordinates the export left out: its name and address as text.
      let lines = [record["place_name"]?.stringValue, record["address"]?.stringValue].compactMap { $0 }
      result = Result(body: .text(lines.joined(separator: "\n")))
    } else if let contact = record["contact_information"]?.objectValue {
      result = contactContent(contact, vcard: record["contact_vcard"]?.stringValue)
    } else if let poll = record["poll"]?.objectValue {
      result = Result(body: .custom(CustomEvent(event: "poll", fields: pollFields(poll))))
    } else if let title = record["game_title"]?.stringValue {
      var fields = [KeyValue("title", title)]
      for (key, label) in [("game_description", "description"), ("game_link", "link")] {
        if let value = record[key]?.stringValue { fields.append(KeyValue(label, value)) }
      }
      result = Result(body: .custom(CustomEvent(event: "game", fields: fields)))
    } else if let (key, event) = Self.customObjects.first(where: { record[$0.key] != nil }),
      let value = record[key]
    {
      result = Result(body: .custom(CustomEvent(event: event, fields: Self.fields(of: value))))
    } else {
      return Result(body: .text(text))
    }
    if !text.isEmpty { result.parts.append(MessagePart(.text(text))) }
    return result
  }

  private func fileContent(_ record: JSONObject, path: String, text: String) -> Result {
    let mediaType = record["media_type"]?.stringValue
    let kind = Self.kind(forMediaType: mediaType)
    var reference = Self.reference(path: path, name: record["file_name"]?.stringValue)
    reference.mediaType = record["mime_type"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
    reference.width = SourceCount.count(record["width"])
    reference.height = SourceCount.count(record["height"])
    reference.durationMilliseconds = SourceCount.milliseconds(seconds: record["duration_seconds"])
    var attachments: [MediaPath: TelegramMedia.Source] = [
      .media: TelegramMedia.Source(path: path, declaredSize: SourceCount.count(record["file_size"]))
    ]
    var thumbnail: MediaReference?
    if let thumbnailPath = record["thumbnail"]?.stringValue {
      thumbnail = Self.reference(path: thumbnailPath, name: nil)
      attachments[.thumbnail] = TelegramMedia.Source(
        path: thumbnailPath, declaredSize: SourceCount.count(record["thumbnail_file_size"]))
    }
    // A sticker says its emoji; shown as the caption when the message has no text.
    let caption = text.isEmpty && mediaType == "sticker" ? record["sticker_emoji"]?.stringValue : text
    return Result(
      body: .media(
        MediaContent(
          kind, reference: reference, thumbnail: thumbnail, caption: caption?.isEmpty == false ? caption : nil)),
      attachments: attachments)
  }

  /// `location_information` with the venue's `place_name` and `address` when present.
  /// Coordinates that are not numbers leave the location without a value (the raw record
  /// keeps them).
  private func venue(_ record: JSONObject, _ location: JSONObject) -> Location? {
    guard let latitude = location["latitude"]?.numberLiteral, let longitude = location["longitude"]?.numberLiteral
    else { return nil }
    return Location(
      address: record["address"]?.stringValue, name: record["place_name"]?.stringValue, latitude: latitude,
      longitude: longitude)
  }

  private func contactContent(_ contact: JSONObject, vcard: String?) -> Result {
    var fields: [KeyValue] = []
    for key in ["first_name", "last_name", "phone_number"] {
      if let value = contact[key]?.stringValue, !value.isEmpty { fields.append(KeyValue(key, value)) }
    }
    guard let vcard else { return Result(body: .custom(CustomEvent(event: "contact", fields: fields))) }
    return Result(
      body: .custom(
        CustomEvent(event: "contact", fields: fields, attachment: Self.reference(path: vcard, name: nil))),
      attachments: [.media: TelegramMedia.Source(path: vcard)])
  }

  /// `question`, `closed`, `total_voters`, then each answer as `answer N` =
  /// `text — V votes` (`, chosen` when the exporting user chose it).
  private func pollFields(_ poll: JSONObject) -> [KeyValue] {
    var fields: [KeyValue] = []
    if let question = poll["question"] { fields.append(KeyValue("question", Self.text(question))) }
    for key in ["closed", "total_voters"] {
      if let value = poll[key] { fields.append(KeyValue(key, Self.text(value))) }
    }
    for (index, answer) in (poll["answers"]?.arrayValue ?? []).enumerated() {
      guard let answer = answer.objectValue else { continue }
      var line = answer["text"].map(Self.text) ?? ""
      if let voters = answer["voters"]?.numberLiteral { line += " — \(voters) \(voters == "1" ? "vote" : "votes")" }
      if answer["chosen"]?.boolValue == true { line += ", chosen" }
      fields.append(KeyValue("answer \(index + 1)", line))
    }
    return fields
  }

  /// A reference for a path or placeholder: the name is the file's (or the path's last
  /// component), and `source_ref` the path as the export wrote it.
  static func reference(path: String, name: String?) -> MediaReference {
    let isPlaceholder = TelegramMedia.placeholderReason(path) != nil
    let lastComponent = path.split(separator: "/").last.map(String.init)
    return MediaReference(
      name: name.flatMap { $0.isEmpty ? nil : $0 } ?? (isPlaceholder ? nil : lastComponent),
      sourceReference: isPlaceholder || path.isEmpty ? nil : path)
  }

  /// An object's members as fields; a value that is not an object becomes one field.
  static func fields(of value: JSONValue) -> [KeyValue] {
    guard let object = value.objectValue else { return [KeyValue("value", text(value))] }
    return object.members.map { KeyValue($0.key, text($0.value)) }
  }

  /// A field's text: strings as they are, numbers as their literal, `true`/`false`, and
  /// any other value (poll answers written as entity arrays, nested objects) as a
  /// string when it is an array of strings and entities, else its canonical JSON.
  static func text(_ value: JSONValue) -> String {
    switch value {
    case .string(let text): return text
    case .number(let literal): return literal
    case .bool(let flag): return flag ? "true" : "false"
    case .null: return ""
    case .array(let elements) where elements.allSatisfy({ $0.stringValue != nil || $0.objectValue?["text"] != nil }):
      return TelegramText(record: JSONObject([JSONObject.Member("text", .array(elements))])).text
    default: return String(decoding: JSONWriter.serialize(value), as: UTF8.self)
    }
  }
}
