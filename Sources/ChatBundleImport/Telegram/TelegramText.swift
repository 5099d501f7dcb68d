import ChatBundle

/// A message's text as a person reads it, from Telegram's `text` / `text_entities`.
///
/// `text` is a string for plain messages and otherwise an array mixing strings and entity
/// objects (`{"type":"bold","text":"…"}`); `text_entities` is always an array of entity
/// objects covering the whole text. Formatting is dropped (the bundle's text is plain),
/// except what changes the meaning: a `text_link` shows its target as `label (href)`,
/// because the label alone hides where the link goes. `mention_name` entities (a mention
/// of a user without a username) name the user by id, which becomes a mention.
struct TelegramText: Equatable {
  var text: String
  var mentions: [Identifier]

  init(text: String = "", mentions: [Identifier] = []) {
    self.text = text
    self.mentions = mentions
  }

  /// Reads `text_entities` when it is an array (the newer, complete form), else `text`.
  /// Elements of an unexpected type are passed over: the raw record keeps them.
  init(record: JSONObject) {
    self.init()
    if let entities = record["text_entities"]?.arrayValue, !entities.isEmpty || record["text"]?.stringValue == "" {
      for entity in entities { append(entity) }
    } else {
      switch record["text"] {
      case .string(let plain)?: text = plain
      case .array(let elements)?: for element in elements { append(element) }
      default: break
      }
    }
    mentions = Identifier.sortedUnique(mentions)
  }

  private mutating func append(_ element: JSONValue) {
    switch element {
    case .string(let plain): text += plain
    case .object(let entity):
      let shown = entity["text"]?.stringValue ?? ""
      switch entity["type"]?.stringValue {
      case "text_link":
        if let href = entity["href"]?.stringValue, !href.isEmpty, href != shown {
          text += shown.isEmpty ? href : "\(shown) (\(href))"
        } else {
          text += shown
        }
      case "mention_name":
        text += shown
        if let user = Self.userID(entity["user_id"]) { mentions.append(user) }
      default:
        text += shown
      }
    default: break
    }
  }

  /// A bare user id (a number, or digits in a string) as the `user<id>` form that
  /// `from_id` uses, so a mention names the same identifier as the user's messages.
  static func userID(_ value: JSONValue?) -> Identifier? {
    guard let value, let digits = value.numberLiteral ?? value.stringValue else { return nil }
    if digits.hasPrefix("user") { return Identifier.ifValid(digits) }
    guard !digits.isEmpty, digits.utf8.count <= 40, digits.allSatisfy(\.isASCIIDigit) else { return nil }
    return Identifier("user" + digits)
  }
}
