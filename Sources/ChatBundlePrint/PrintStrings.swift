import ChatBundle
import ChatBundleSite

/// The printed document's own words, in the two languages of the site; the words it shares
/// with the site (kinds, members, media labels) come from `SiteStrings`.
struct PrintStrings {
  let english: Bool

  init(language: RenderOptions.Language) { english = language == .en }

  var transcript: String { english ? "Chat transcript" : "聊天记录" }
  var kind: String { english ? "Kind" : "类型" }
  var members: String { english ? "Members" : "成员" }
  var period: String { english ? "Period of this file" : "本文件时间范围" }
  var conversationPeriod: String { english ? "Whole conversation" : "整个会话" }
  var messages: String { english ? "Messages" : "消息数" }
  var times: String { english ? "Times shown in" : "时间按" }
  var bundleID: String { english ? "Bundle id" : "数据包标识（bundle id）" }
  var created: String { english ? "Bundle created" : "数据包创建于" }
  var source: String { english ? "Source" : "来源" }
  var verification: String { english ? "Verification" : "校验" }
  var custody: String { english ? "Custody" : "移交信息" }
  var note: String {
    english
      ? "Printed by chatbundle export pdf from the verified bundle named above. Every page carries the conversation, this file's period and the bundle id; the bundle itself remains the record."
      : "由 chatbundle export pdf 从上述已校验的数据包打印。每页均注明会话、本文件时间范围与数据包标识；原始数据包仍为正式记录。"
  }
  var noMessages: String { english ? "no messages" : "无消息" }
  var unsigned: String { english ? "not signed" : "未签名" }
  var noTimestamp: String { english ? "no timestamp" : "无时间戳" }

  func verified(version: String) -> String {
    english ? "verified VALID by chatbundle \(version)" : "校验有效 · verified VALID by chatbundle \(version)"
  }

  func warnings(_ count: Int) -> String {
    english ? "\(count) warnings (see chatbundle verify)" : "\(count) 条警告（见 chatbundle verify）"
  }

  func more(_ count: Int) -> String { english ? "and \(count) more" : "另有 \(count) 人" }

  func part(month: String?, part: Int) -> String? {
    guard let month else { return nil }
    if part <= 1 { return english ? "Month \(month)" : "\(month) 月份" }
    return english ? "Month \(month), part \(part)" : "\(month) 月份，第 \(part) 部分"
  }

  /// The footer's text around the page counters.
  var pageFooter: (before: String, middle: String, after: String) {
    english ? ("page ", " of ", "") : ("第 ", " 页，共 ", " 页")
  }

  func signer(_ signer: ProvenanceSummary.Signer) -> String {
    var text = (english ? "signed by key " : "签名密钥 ") + signer.fingerprint
    if let name = signer.name, !name.isEmpty { text += " (" + name + ")" }
    text += " — " + (signer.valid ? (english ? "signature valid" : "签名有效") : (english ? "signature INVALID" : "签名无效"))
    switch signer.trusted {
    case true?: text += english ? ", key trusted" : "，密钥受信任"
    case false?: text += english ? ", key NOT among the trusted keys" : "，密钥不在受信任列表中"
    case nil: text += english ? ", trust not checked (no --trust)" : "，未检查信任（未给 --trust）"
    }
    return text
  }

  func timestamp(_ stamp: ProvenanceSummary.Timestamp) -> String {
    var text = english ? "timestamped" : "时间戳"
    if let time = stamp.timeText ?? stamp.time.map({ UTCTime.timestamp(milliseconds: $0) }) { text += " " + time }
    if let authority = stamp.authority { text += (english ? " by " : "，机构 ") + authority }
    text += " — " + (stamp.valid ? (english ? "token valid" : "令牌有效") : (english ? "token INVALID" : "令牌无效"))
    switch stamp.trusted {
    case true?: text += english ? ", authority trusted" : "，机构受信任"
    case false?: text += english ? ", authority NOT trusted" : "，机构不受信任"
    case nil: text += english ? ", authority not checked (no --tsa-root)" : "，未检查机构（未给 --tsa-root）"
    }
    if let problem = stamp.problem { text += " (" + problem + ")" }
    return text
  }
}

/// A CSS string literal: quotes, backslashes, control and line-breaking characters become
/// escapes, so a conversation name cannot end the string or the rule it sits in.
func cssString(_ text: String) -> String {
  var out = "\""
  for scalar in text.unicodeScalars {
    switch scalar.value {
    case 0x22: out += "\\\""
    case 0x5C: out += "\\\\"
    case 0x0A: out += "\\A "
    case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0xFFFD...0xFFFF:
      out += "\\" + String(scalar.value == 0 ? 0xFFFD : scalar.value, radix: 16) + " "
    default: out.unicodeScalars.append(scalar)
    }
  }
  return out + "\""
}

/// At most `limit` characters, with an ellipsis when cut.
func shortened(_ text: String, to limit: Int) -> String {
  text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
}
