/// Interface text in the site's two languages. Bundle data is never translated.
struct SiteStrings: Sendable {
  enum Language: String, Sendable, CaseIterable { case zhCN = "zh-CN", en }

  let language: Language

  func callAsFunction(_ key: Key) -> String {
    switch language {
    case .en: key.english
    case .zhCN: key.chinese
    }
  }

  enum Key {
    case conversations, messages, members, period, scope, everything, missingMedia, reason, bundleID, verified
    case unverified, previous, next, months, joined, left, recalled, command, unsupported, attachment, notBundled
    case location, mentionsAll, replyTo, times, generatedFrom, skipped, kindGroup, kindDirect, kindChatroom
    case search, searchPlaceholder, allMembers, from, to, noResults, moreResults
    case recalledBy, recalledHidden, nestedTooDeep, external, verifiedOn, bundleCreated, printedFrom
    case mediaFiles, missingShort, audio, video, narrowSearch, mentions, image
    case signedBy, unsigned, trusted, trustNotChecked, untrusted, timestamped, custody, exportedBy, requestedBy
    case purpose, reference, coverage, delivered, gaps, noGaps, coverageNotStated, sourcePeriods
    case trustedAuthority, authorityNotChecked, untrustedAuthority

    var english: String {
      switch self {
      case .conversations: "Conversations"
      case .messages: "messages"
      case .members: "Members"
      case .period: "Period"
      case .scope: "Scope of the export"
      case .everything: "everything in the exported files"
      case .missingMedia: "Media that could not be bundled"
      case .reason: "reason"
      case .bundleID: "Bundle id"
      case .verified: "Verified"
      case .unverified: "NOT VERIFIED: rendered with --force from a bundle that failed verification"
      case .previous: "Previous"
      case .next: "Next"
      case .months: "Months"
      case .joined: "joined"
      case .left: "left"
      case .recalled: "recalled a message"
      case .command: "Command (not shown in the chat)"
      case .unsupported: "Message type not supported by this version"
      case .attachment: "Attachment"
      case .notBundled: "not in the bundle"
      case .location: "Location"
      case .mentionsAll: "@everyone"
      case .replyTo: "In reply to"
      case .times: "Times are shown in"
      case .generatedFrom: "Transcript of bundle"
      case .skipped: "Records skipped while packing"
      case .kindGroup: "group"
      case .kindDirect: "one-to-one"
      case .kindChatroom: "chat room"
      case .search: "Search"
      case .searchPlaceholder: "words to find"
      case .allMembers: "all members"
      case .from: "from"
      case .to: "to"
      case .noResults: "No message matches."
      case .moreResults: "More results"
      case .recalledBy: "Recalled by"
      case .recalledHidden: "A recalled message; its content is not shown in this transcript."
      case .nestedTooDeep: "Further nested records are not shown here; they are kept whole in the bundle."
      case .external: "external"
      case .verifiedOn: "on"
      case .bundleCreated: "bundle created"
      case .printedFrom: "Printed from bundle"
      case .mediaFiles: "media files"
      case .missingShort: "missing"
      case .audio: "Voice message"
      case .video: "Video"
      case .mentions: "Mentions:"
      case .image: "Image"
      case .signedBy: "signed by"
      case .unsigned: "unsigned: nothing says who made this bundle"
      case .trusted: "trusted key"
      case .trustNotChecked: "key not checked against a trusted one (chatbundle verify --trust)"
      case .untrusted: "not a trusted key"
      case .timestamped: "timestamp"
      case .custody: "Custody"
      case .exportedBy: "Exported by"
      case .requestedBy: "Requested by"
      case .purpose: "Purpose"
      case .reference: "Reference"
      case .coverage: "Coverage"
      case .delivered: "Messages delivered"
      case .gaps: "Gaps"
      case .noGaps: "none: every period and sequence number the source was asked for is accounted for"
      case .coverageNotStated: "not stated by the source (no periods or sequence numbers recorded)"
      case .sourcePeriods: "Source periods"
      case .trustedAuthority: "trusted authority"
      case .authorityNotChecked: "authority not checked against a trusted root (chatbundle verify --tsa-root)"
      case .untrustedAuthority: "not a trusted authority"
      case .narrowSearch: "only part of the matches was checked against the filters; add words to narrow the search"
      }
    }

    var chinese: String {
      switch self {
      case .conversations: "会话"
      case .messages: "条消息"
      case .members: "成员"
      case .period: "时间范围"
      case .scope: "导出范围"
      case .everything: "导出文件中的全部内容"
      case .missingMedia: "未能打包的媒体文件"
      case .reason: "原因"
      case .bundleID: "归档编号"
      case .verified: "已校验"
      case .unverified: "未通过校验：此归档校验失败，本页为强制（--force）生成"
      case .previous: "上一页"
      case .next: "下一页"
      case .months: "月份"
      case .joined: "加入了会话"
      case .left: "退出了会话"
      case .recalled: "撤回了一条消息"
      case .command: "命令消息（聊天中不显示）"
      case .unsupported: "此版本不支持的消息类型"
      case .attachment: "附件"
      case .notBundled: "未包含在归档中"
      case .location: "位置"
      case .mentionsAll: "@所有人"
      case .replyTo: "回复"
      case .times: "时间显示为"
      case .generatedFrom: "聊天记录归档"
      case .skipped: "打包时跳过的记录"
      case .kindGroup: "群聊"
      case .kindDirect: "单聊"
      case .kindChatroom: "聊天室"
      case .search: "搜索"
      case .searchPlaceholder: "输入要查找的词"
      case .allMembers: "全部成员"
      case .from: "从"
      case .to: "到"
      case .noResults: "没有找到匹配的消息。"
      case .moreResults: "更多结果"
      case .recalledBy: "已被撤回："
      case .recalledHidden: "一条已撤回的消息；本记录不显示其内容。"
      case .nestedTooDeep: "更深层的嵌套记录未在此显示，归档中完整保留。"
      case .external: "外部联系人"
      case .verifiedOn: "校验于"
      case .bundleCreated: "归档生成于"
      case .printedFrom: "打印自归档"
      case .mediaFiles: "个媒体文件"
      case .missingShort: "个缺失"
      case .audio: "语音"
      case .video: "视频"
      case .mentions: "提及："
      case .image: "图片"
      case .signedBy: "签名密钥"
      case .unsigned: "未签名：无法证明由谁制作"
      case .trusted: "受信任的密钥"
      case .trustNotChecked: "未与受信任的密钥核对（chatbundle verify --trust）"
      case .untrusted: "不是受信任的密钥"
      case .timestamped: "时间戳"
      case .custody: "保管信息"
      case .exportedBy: "导出人"
      case .requestedBy: "申请人"
      case .purpose: "用途"
      case .reference: "审批编号"
      case .coverage: "覆盖范围"
      case .delivered: "已交付的消息"
      case .gaps: "缺口"
      case .noGaps: "无：所请求的每个时段和序号均有着落"
      case .coverageNotStated: "来源未说明（未记录时段或序号）"
      case .sourcePeriods: "来源时段"
      case .trustedAuthority: "受信任的时间戳机构"
      case .authorityNotChecked: "未与受信任的根证书核对（chatbundle verify --tsa-root）"
      case .untrustedAuthority: "不是受信任的时间戳机构"
      case .narrowSearch: "仅按筛选条件检查了部分匹配结果；请增加关键词以缩小范围"
      }
    }
  }
}
