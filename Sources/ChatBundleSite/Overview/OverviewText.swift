/// Interface text of the overview and gallery pages, in the site's two languages.
package enum OverviewText: CaseIterable {
  case overview, gallery, bundleOverview, perDay, perWeek, perMonth, heatmap, weekdays, membersRanked, member
  case first, last, share, kinds, kind, count, mediaStored, dataTable, calendar, busiest, daysWithMessages
  case moreMembers, noMedia, visualMedia, otherMedia, name, size, duration, sender, sent
  case andMore, messagesWord, hour, weekday, views, activityDescription, heatmapDescription, perYear, periodColumn
  case messagesView
  case fileKind, imageKind, videoKind, audioKind, missingNotInSite, mediaSummary

  var english: String {
    switch self {
    case .overview: "Overview"
    case .gallery: "Media"
    case .bundleOverview: "Overview of the whole bundle"
    case .perDay: "Messages per day"
    case .perWeek: "Messages per week (weeks begin on Monday)"
    case .perMonth: "Messages per month"
    case .perYear: "Messages per year"
    case .messagesView: "Messages"
    case .periodColumn: "Period"
    case .heatmap: "Messages by weekday and hour"
    case .weekdays: "Mon Tue Wed Thu Fri Sat Sun"
    case .membersRanked: "Members by messages sent"
    case .member: "Member"
    case .first: "First message"
    case .last: "Last message"
    case .share: "Share"
    case .kinds: "Messages by kind"
    case .kind: "Kind"
    case .count: "Messages"
    case .mediaStored: "Stored media referenced"
    case .dataTable: "Data table"
    case .calendar: "Jump to a date"
    case .busiest: "busiest"
    case .daysWithMessages: "days with messages"
    case .moreMembers: "more members, each with fewer messages, are not listed"
    case .noMedia: "No stored image, video, voice message or file in this part of the conversation."
    case .visualMedia: "Images and videos"
    case .otherMedia: "Files and voice messages"
    case .name: "Name"
    case .size: "Size"
    case .duration: "Duration"
    case .sender: "Sender"
    case .sent: "Sent"
    case .andMore: "more"
    case .messagesWord: "messages"
    case .hour: "Hour"
    case .weekday: "Weekday"
    case .views: "Views of this conversation"
    case .activityDescription: "Bar chart. Each bar links to the first page that holds its period."
    case .heatmapDescription: "Heat map, darker is more; rows are weekdays, columns are the hours 0 to 23."
    case .fileKind: "file"
    case .imageKind: "image"
    case .videoKind: "video"
    case .audioKind: "voice"
    case .missingNotInSite: "files referenced but not in the bundle are listed on the index page"
    case .mediaSummary: "files"
    }
  }

  var chinese: String {
    switch self {
    case .overview: "概览"
    case .gallery: "媒体"
    case .bundleOverview: "整个归档的概览"
    case .perDay: "每日消息数"
    case .perWeek: "每周消息数（每周从周一开始）"
    case .perMonth: "每月消息数"
    case .perYear: "每年消息数"
    case .messagesView: "消息"
    case .periodColumn: "时段"
    case .heatmap: "按星期和钟点的消息数"
    case .weekdays: "周一 周二 周三 周四 周五 周六 周日"
    case .membersRanked: "成员发言数排行"
    case .member: "成员"
    case .first: "第一条消息"
    case .last: "最后一条消息"
    case .share: "占比"
    case .kinds: "各类消息数"
    case .kind: "类型"
    case .count: "消息数"
    case .mediaStored: "引用的已归档媒体"
    case .dataTable: "数据表"
    case .calendar: "按日期跳转"
    case .busiest: "最多"
    case .daysWithMessages: "天有消息"
    case .moreMembers: "位成员的消息更少，未列出"
    case .noMedia: "这部分会话中没有已归档的图片、视频、语音或文件。"
    case .visualMedia: "图片和视频"
    case .otherMedia: "文件和语音"
    case .name: "名称"
    case .size: "大小"
    case .duration: "时长"
    case .sender: "发送者"
    case .sent: "发送时间"
    case .andMore: "更多"
    case .messagesWord: "条消息"
    case .hour: "钟点"
    case .weekday: "星期"
    case .views: "本会话的视图"
    case .activityDescription: "柱状图。每根柱子链接到包含该时段的第一页。"
    case .heatmapDescription: "热力图，颜色越深消息越多；行是星期，列是 0 至 23 点。"
    case .fileKind: "文件"
    case .imageKind: "图片"
    case .videoKind: "视频"
    case .audioKind: "语音"
    case .missingNotInSite: "引用了但不在归档中的文件列在首页"
    case .mediaSummary: "个文件"
    }
  }
}

extension SiteStrings {
  /// The overview's and gallery's text; a method of its own, so that no key can clash with `Key`.
  package func overview(_ key: OverviewText) -> String {
    switch language {
    case .en: key.english
    case .zhCN: key.chinese
    }
  }
}
