import Foundation

/// The emoji characters of Slack's most used standard reaction names. A name not here (a
/// workspace's custom emoji such as `partyparrot`, or a rarer standard one) stays a name;
/// the reaction keeps it either way.
enum SlackEmoji {
  static let characters: [String: String] = [
    "+1": "👍", "thumbsup": "👍", "-1": "👎", "thumbsdown": "👎", "heart": "❤️", "smile": "😄", "smiley": "😃",
    "grinning": "😀", "joy": "😂", "laughing": "😆", "satisfied": "😆", "rolling_on_the_floor_laughing": "🤣",
    "slightly_smiling_face": "🙂", "wink": "😉", "blush": "😊", "heart_eyes": "😍", "thinking_face": "🤔",
    "sweat_smile": "😅", "cry": "😢", "sob": "😭", "scream": "😱", "open_mouth": "😮", "disappointed": "😞",
    "confused": "😕", "rage": "😡", "sunglasses": "😎", "upside_down_face": "🙃", "face_palm": "🤦",
    "facepalm": "🤦", "shrug": "🤷", "tada": "🎉", "eyes": "👀", "white_check_mark": "✅",
    "heavy_check_mark": "✔️", "ballot_box_with_check": "☑️", "x": "❌", "warning": "⚠️", "pray": "🙏",
    "fire": "🔥", "100": "💯", "rocket": "🚀", "clap": "👏", "raised_hands": "🙌", "muscle": "💪", "ok_hand": "👌",
    "wave": "👋", "point_up": "☝️", "star": "⭐", "sparkles": "✨", "zap": "⚡", "boom": "💥", "bulb": "💡",
    "memo": "📝", "pushpin": "📌", "link": "🔗", "question": "❓", "exclamation": "❗", "heavy_plus_sign": "➕",
    "heavy_minus_sign": "➖", "thumbsup_all": "👍", "party_popper": "🎉", "smile_cat": "😸", "skull": "💀",
    "see_no_evil": "🙈", "hugging_face": "🤗", "heart_eyes_cat": "😻", "broken_heart": "💔", "coffee": "☕",
    "beers": "🍻", "beer": "🍺", "cake": "🍰", "birthday": "🎂", "gift": "🎁", "trophy": "🏆", "medal": "🏅",
    "checkered_flag": "🏁", "hourglass": "⌛", "alarm_clock": "⏰", "calendar": "📆", "email": "📧",
    "speech_balloon": "💬", "mag": "🔍", "lock": "🔒", "unlock": "🔓", "key": "🔑", "hammer": "🔨",
    "wrench": "🔧", "gear": "⚙️", "bug": "🐛", "robot_face": "🤖", "ghost": "👻", "poop": "💩", "hankey": "💩",
    "sunny": "☀️", "cloud": "☁️", "umbrella": "☂️", "snowflake": "❄️", "rainbow": "🌈", "moon": "🌙",
    "green_heart": "💚", "blue_heart": "💙", "yellow_heart": "💛", "purple_heart": "💜", "orange_heart": "🧡",
    "black_heart": "🖤", "white_heart": "🤍", "heavy_heart_exclamation_mark_ornament": "❣️", "no_entry": "⛔",
    "red_circle": "🔴", "large_green_circle": "🟢", "large_blue_circle": "🔵", "arrow_up": "⬆️",
    "arrow_down": "⬇️", "arrow_right": "➡️", "arrow_left": "⬅️", "repeat": "🔁", "recycle": "♻️",
    "slightly_frowning_face": "🙁", "neutral_face": "😐", "expressionless": "😑", "grimacing": "😬",
    "stuck_out_tongue": "😛", "yum": "😋", "innocent": "😇", "sleeping": "😴", "zipper_mouth_face": "🤐",
    "nerd_face": "🤓", "star-struck": "🤩", "partying_face": "🥳", "exploding_head": "🤯", "money_mouth_face": "🤑",
    "handshake": "🤝", "crossed_fingers": "🤞", "v": "✌️", "metal": "🤘", "call_me_hand": "🤙", "writing_hand": "✍️",
    "raising_hand": "🙋", "bow": "🙇", "dancer": "💃", "man_dancing": "🕺", "champagne": "🍾", "pizza": "🍕",
    "taco": "🌮", "popcorn": "🍿", "chart_with_upwards_trend": "📈", "chart_with_downwards_trend": "📉",
  ]

  /// Skin tones as Slack names them (`+1::skin-tone-3`), as the Fitzpatrick modifiers.
  static let skinTones: [String: String] = [
    "skin-tone-2": "\u{1F3FB}", "skin-tone-3": "\u{1F3FC}", "skin-tone-4": "\u{1F3FD}", "skin-tone-5": "\u{1F3FE}",
    "skin-tone-6": "\u{1F3FF}",
  ]

  /// The character(s) for a reaction name, or nil when the name is not a known standard one.
  static func character(for name: String) -> String? {
    if let known = characters[name] { return known }
    let pieces = name.components(separatedBy: "::")
    guard pieces.count == 2, let base = characters[pieces[0]], let tone = skinTones[pieces[1]] else { return nil }
    // The modifier follows the base character without its presentation selector.
    return base.replacingOccurrences(of: "\u{FE0F}", with: "") + tone
  }
}
