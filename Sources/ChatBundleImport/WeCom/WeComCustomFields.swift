import ChatBundle

/// Turns a WeCom payload object into the readable key/value pairs of a `custom` event.
///
/// Keys keep the source's names and order, so a reader who knows the WeCom docs finds
/// them. Values whose unit the docs fix are made readable: `starttime`/`endtime` (seconds)
/// and `agree_time`/`disagree_time` (milliseconds) become RFC 3339 UTC, `totalamount`
/// (fen) becomes yuan. Number literals are copied as text, so uint64 ids stay exact.
/// `source.raw` keeps the original whatever happens here.
enum WeComCustomFields {
  static let secondKeys: Set<String> = ["starttime", "endtime"]
  static let millisecondKeys: Set<String> = ["agree_time", "disagree_time"]
  static let fenKeys: Set<String> = ["totalamount"]

  /// The pairs of `object`, leaving out `skipping` (members mapped elsewhere, such as a
  /// media file's `sdkfileid`).
  static func fields(_ object: JSONObject, prefix: String = "", skipping: Set<String> = []) -> [KeyValue] {
    object.members.compactMap { member in
      guard !skipping.contains(member.key) else { return nil }
      return KeyValue(prefix + member.key, text(member.value, key: member.key))
    }
  }

  /// WeCom `news` keeps its articles in `info.item[]`: one article gives plain keys, more
  /// give `1.title`, `2.title`, … so that every pair stays a flat string.
  static func articles(_ info: JSONObject) -> [KeyValue] {
    let items = info["item"]?.arrayValue?.compactMap(\.objectValue) ?? []
    if items.count == 1 { return fields(items[0]) }
    var result: [KeyValue] = []
    for (index, item) in items.enumerated() { result += fields(item, prefix: "\(index + 1).") }
    return result
  }

  static func text(_ value: JSONValue, key: String) -> String {
    switch value {
    case .string(let text): return text
    case .number(let literal):
      if let whole = Int64(literal) {
        if secondKeys.contains(key), whole > 0, whole <= BundleLimits.maximumTimestamp / 1000 {
          return UTCTime.timestamp(milliseconds: whole * 1000)
        }
        if millisecondKeys.contains(key), whole > 0, whole <= BundleLimits.maximumTimestamp {
          return UTCTime.timestamp(milliseconds: whole)
        }
        if fenKeys.contains(key), whole >= 0 { return yuan(fen: whole) }
      }
      return literal
    case .bool(let flag): return flag ? "true" : "false"
    case .null: return ""
    case .array(let elements) where elements.allSatisfy({ $0.stringValue != nil || $0.numberLiteral != nil }):
      return elements.map { $0.stringValue ?? $0.numberLiteral ?? "" }.joined(separator: ", ")
    case .array, .object: return String(decoding: JSONWriter.serialize(value), as: UTF8.self)
    }
  }

  private static func yuan(fen: Int64) -> String {
    let cents = fen % 100
    return "\(fen / 100).\(cents < 10 ? "0" : "")\(cents) CNY"
  }
}
