import ChatBundle

/// Writes the overview pages: for each conversation `c/<dir>/overview.html`, and for the
/// bundle `overview.html`. Each has the messages per period as bars that lead to the page
/// of their period, a weekday × hour heat map, the members ranked by messages with their
/// first and last message, the messages by kind with the stored media they reference,
/// and, for a conversation, a calendar to jump to a day. The numbers come from the
/// rendering pass itself (`ConversationActivity`), never from a second read.
struct OverviewPageWriter {
  let frame: SiteFrame

  /// At most this many members are listed; the rest are counted.
  static let memberRows = 200
  /// At most this many conversations are named under one period of the bundle's chart.
  static let conversationsPerPeriod = 5

  private var strings: SiteStrings { frame.strings }

  private var weekdays: [String] { strings.overview(.weekdays).split(separator: " ").map(String.init) }

  /// The page of one conversation, before its placeholders are resolved.
  func conversationPage(_ statistics: ConversationActivity, pages: ConversationPages) -> [UInt8] {
    let periods = ActivityPeriods(days: statistics.days.map { ($0.day, $0.count) })
    let pageOfDay = Dictionary(statistics.days.map { ($0.day, $0.page) }, uniquingKeysWith: { first, _ in first })
    let bars = periods.periods.map { period in
      SVGCharts.Bar(
        label: periods.label(period), count: period.count,
        href: period.firstActiveDay.flatMap { day in
          pageOfDay[day].map { $0 + ".html#d-" + ActivityPeriods.date(day) }
        })
    }
    var body = HTML()
    activity(
      periods, bars: bars,
      rows: { bar, _, html in
        if let href = bar.href {
          html.raw("<a href=\"")
          html.attribute(href)
          html.raw("\">")
          html.text(bar.label)
          html.raw("</a>")
        } else {
          html.text(bar.label)
        }
      }, into: &body)
    var calendar = HTML()
    DateCalendar.write(statistics.days, weekdays: weekdays, unitLabel: strings.overview(.messagesWord), into: &calendar)
    var heat = HTML()
    heatmap(statistics.weekHours, into: &heat)
    var members = HTML()
    memberTable(statistics.members, total: statistics.messages, into: &members)
    var kinds = HTML()
    kindTable(statistics.kinds, mediaReferences: statistics.mediaReferences, bytes: statistics.mediaBytes, into: &kinds)
    let title = pages.title
    let context: [String: Any] = [
      "heading": title, "subtitle": strings.overview(.overview), "views": views(pages, current: .overview),
      "activity": body.string, "heatmap": heat.string, "calendar": calendar.string,
      "calendarTitle": strings.overview(.calendar), "hasCalendar": !statistics.days.isEmpty,
      "members": members.string, "kinds": kinds.string, "strings": frame.stringsContext(), "root": "../../",
    ]
    let span = (pages.pages.first?.first ?? 0, pages.pages.last?.last ?? 0)
    let html = frame.layout(
      body: frame.library.render(context, withTemplate: "overview") ?? "",
      title: title + " · " + strings.overview(.overview), root: "../../", span: span)
    return Array(html.utf8)
  }

  /// The bundle's page: its bars lead to their period's row, which names the conversations
  /// that spoke then with a link to each one's page.
  func bundlePage(_ statistics: BundleActivity, conversations: [ConversationPages]) -> [UInt8] {
    let totals = statistics.dayTotals
    let periods = ActivityPeriods(days: totals)
    let bars = periods.periods.map { period in
      SVGCharts.Bar(
        label: periods.label(period), count: period.count,
        href: period.count > 0 ? "#p-" + periods.label(period) : nil)
    }
    var body = HTML()
    let dayKeys = totals.map(\.day)
    activity(
      periods, bars: bars,
      rows: { bar, period, html in
        html.text(bar.label)
        guard period.count > 0 else { return }
        // The conversations of the period, most messages first, each at its first page there.
        var shares: [Int: (count: Int, page: String)] = [:]
        var start = dayKeys.partition(startingAt: period.start)
        let end = ActivityPeriods.advance(period.start, periods.granularity)
        while start < dayKeys.count && dayKeys[start] < end {
          for share in statistics.days[dayKeys[start]] ?? [] {
            let known = shares[share.conversation]
            shares[share.conversation] = ((known?.count ?? 0) + share.count, known?.page ?? share.page)
          }
          start += 1
        }
        let ranked = shares.sorted {
          $0.value.count != $1.value.count ? $0.value.count > $1.value.count : $0.key < $1.key
        }
        html.raw("<ul class=\"shares\">")
        for (conversation, share) in ranked.prefix(Self.conversationsPerPeriod)
        where conversations.indices.contains(conversation) {
          html.raw("<li><a href=\"")
          html.attribute(share.page + (periods.granularity == .day ? "#d-" + bar.label : ""))
          html.raw("\">")
          html.text(conversations[conversation].title)
          html.raw("</a> ")
          html.number(share.count)
          html.raw("</li>")
        }
        if ranked.count > Self.conversationsPerPeriod {
          html.raw("<li>")
          html.text("+" + String(ranked.count - Self.conversationsPerPeriod) + " " + strings.overview(.andMore))
          html.raw("</li>")
        }
        html.raw("</ul>")
      }, rowID: { "p-" + $0.label }, into: &body)
    var heat = HTML()
    heatmap(statistics.weekHours, into: &heat)
    var members = HTML()
    memberTable(statistics.members, total: statistics.messages, into: &members)
    var kinds = HTML()
    kindTable(statistics.kinds, mediaReferences: statistics.mediaReferences, bytes: statistics.mediaBytes, into: &kinds)
    let context: [String: Any] = [
      "heading": strings.overview(.bundleOverview), "subtitle": String(frame.bundleID.prefix(12)) + "…",
      "activity": body.string, "heatmap": heat.string, "hasCalendar": false,
      "members": members.string, "kinds": kinds.string, "strings": frame.stringsContext(), "root": "",
    ]
    let html = frame.layout(
      body: frame.library.render(context, withTemplate: "overview") ?? "",
      title: strings.overview(.bundleOverview), root: "")
    return Array(html.utf8)
  }

  enum View { case messages, overview, gallery }

  /// The links between a conversation's messages, overview and media.
  func views(_ pages: ConversationPages, current: View) -> String {
    var html = HTML()
    html.raw("<nav class=\"views\" aria-label=\"")
    html.attribute(strings.overview(.views))
    html.raw("\">")
    let links: [(View, String, String)] = [
      (.messages, (pages.pages.first?.name ?? "index") + ".html", strings.overview(.messagesView)),
      (.overview, "overview.html", strings.overview(.overview)),
      (.gallery, "gallery.html", strings.overview(.gallery)),
    ]
    for (view, href, label) in links {
      html.raw(view == current ? "<a aria-current=\"page\" href=\"" : "<a href=\"")
      html.attribute(href)
      html.raw("\">")
      html.text(label)
      html.raw("</a> ")
    }
    html.raw("</nav>")
    return html.string
  }

  // MARK: - Sections

  private func activity(
    _ periods: ActivityPeriods, bars: [SVGCharts.Bar],
    rows: (SVGCharts.Bar, ActivityPeriods.Period, inout HTML) -> Void,
    rowID: ((SVGCharts.Bar) -> String)? = nil, into html: inout HTML
  ) {
    let title =
      switch periods.granularity {
      case .day: strings.overview(.perDay)
      case .week: strings.overview(.perWeek)
      case .month: strings.overview(.perMonth)
      case .year: strings.overview(.perYear)
      }
    let heading = title
    let total = periods.periods.reduce(0) { $0 + $1.count }
    var description = ""
    if let first = bars.first, let last = bars.last {
      description =
        (bars.count == 1 ? first.label : first.label + " – " + last.label) + ": " + String(total) + " "
        + strings.overview(.messagesWord)
      if let busiest = bars.enumerated().max(by: {
        $0.element.count != $1.element.count ? $0.element.count < $1.element.count : $0.offset > $1.offset
      }) {
        description +=
          "; " + strings.overview(.busiest) + " " + busiest.element.label + " ("
          + String(busiest.element.count) + " " + strings.overview(.messagesWord) + ")"
      }
      description += ". " + strings.overview(.activityDescription)
    }
    html.raw("<section class=\"chart-block activity\" aria-labelledby=\"activity-h\"><h2 id=\"activity-h\">")
    html.text(heading)
    html.raw("</h2>\n<figure><div class=\"scroll\">")
    SVGCharts.bars(
      bars, id: "activity", title: heading, description: description, unitLabel: strings.overview(.messagesWord),
      into: &html)
    html.raw("</div><figcaption>")
    html.text(description)
    html.raw("</figcaption></figure>\n<details><summary>")
    html.text(strings.overview(.dataTable))
    html.raw("</summary><table><thead><tr>")
    html.columnHeads([(strings.overview(.periodColumn), false), (strings.overview(.count), true)])
    html.raw("</tr></thead><tbody>\n")
    for (bar, period) in zip(bars, periods.periods) {
      if let rowID {
        html.raw("<tr id=\"")
        html.attribute(rowID(bar))
        html.raw("\"><td>")
      } else {
        html.raw("<tr><td>")
      }
      rows(bar, period, &html)
      html.raw("</td><td class=\"number\">")
      html.number(bar.count)
      html.raw("</td></tr>\n")
    }
    html.raw("</tbody></table></details></section>\n")
  }

  private func heatmap(_ weekHours: [Int], into html: inout HTML) {
    let title = strings.overview(.heatmap)
    let names = weekdays
    var busiest = ""
    if let top = weekHours.indices.max(by: { weekHours[$0] != weekHours[$1] ? weekHours[$0] < weekHours[$1] : $0 > $1 }
    ),
      weekHours[top] > 0, names.count == 7
    {
      busiest =
        strings.overview(.busiest) + ": " + names[top / 24] + " " + UTCTime.pad(Int64(top % 24), 2)
        + ":00 (" + String(weekHours[top]) + " " + strings.overview(.messagesWord) + "). "
    }
    let description = busiest + strings.overview(.heatmapDescription)
    html.raw("<section class=\"chart-block heat\" aria-labelledby=\"heat-h\"><h2 id=\"heat-h\">")
    html.text(title)
    html.raw("</h2>\n<figure><div class=\"scroll\">")
    SVGCharts.heatmap(
      weekHours, id: "heat", title: title, description: description, weekdays: names,
      unitLabel: strings.overview(.messagesWord), into: &html)
    html.raw("</div><figcaption>")
    html.text(description)
    html.raw("</figcaption></figure>\n<details><summary>")
    html.text(strings.overview(.dataTable))
    html.raw("</summary><div class=\"scroll\"><table class=\"heat-table\"><thead><tr>")
    html.columnHeads([(strings.overview(.weekday), false)] + (0..<24).map { (String($0), true) })
    html.raw("</tr></thead><tbody>\n")
    for weekday in 0..<7 {
      html.raw("<tr><th scope=\"row\">")
      html.text(names.indices.contains(weekday) ? names[weekday] : "")
      html.raw("</th>")
      for hour in 0..<24 {
        html.raw("<td class=\"number\">")
        html.number(weekHours.indices.contains(weekday * 24 + hour) ? weekHours[weekday * 24 + hour] : 0)
        html.raw("</td>")
      }
      html.raw("</tr>\n")
    }
    html.raw("</tbody></table></div></details></section>\n")
  }

  private func memberTable(
    _ members: [Identifier: ConversationActivity.Member], total: Int, into html: inout HTML
  ) {
    let ranked = members.sorted { $0.value.count != $1.value.count ? $0.value.count > $1.value.count : $0.key < $1.key }
    html.raw("<section class=\"members-ranked\" aria-labelledby=\"members-h\"><h2 id=\"members-h\">")
    html.text(strings.overview(.membersRanked))
    html.raw("</h2>\n<div class=\"scroll\"><table><thead><tr>")
    html.columnHeads([
      ("#", true), (strings.overview(.member), false), (strings.overview(.count), true),
      (strings.overview(.share), true), (strings.overview(.first), false), (strings.overview(.last), false),
    ])
    html.raw("</tr></thead><tbody>\n")
    let clock = frame.clock
    for (rank, (id, member)) in ranked.prefix(Self.memberRows).enumerated() {
      html.raw("<tr><td class=\"number\">")
      html.number(rank + 1)
      html.raw("</td><td>")
      html.text(frame.people[id] ?? id.text)
      html.raw("</td><td class=\"number\">")
      html.number(member.count)
      html.raw("</td><td class=\"number\">")
      // Tenths of a percent, in integers: the same bytes everywhere.
      let permille = total > 0 ? member.count * 1000 / total : 0
      html.number(permille / 10)
      html.raw(".")
      html.number(permille % 10)
      html.raw(" %</td><td>")
      html.text(clock.date(member.first) + " " + clock.time(member.first))
      html.raw("</td><td>")
      html.text(clock.date(member.last) + " " + clock.time(member.last))
      html.raw("</td></tr>\n")
    }
    html.raw("</tbody></table></div>")
    if ranked.count > Self.memberRows {
      html.raw("<p class=\"more\">")
      html.text("+" + String(ranked.count - Self.memberRows) + " " + strings.overview(.moreMembers))
      html.raw("</p>")
    }
    html.raw("</section>\n")
  }

  private func kindTable(_ kinds: [MessageKind: Int], mediaReferences: Int, bytes: Int64, into html: inout HTML) {
    let ranked = kinds.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.rawValue < $1.key.rawValue }
    html.raw("<section class=\"kinds\" aria-labelledby=\"kinds-h\"><h2 id=\"kinds-h\">")
    html.text(strings.overview(.kinds))
    html.raw("</h2>\n<table><thead><tr>")
    html.columnHeads([(strings.overview(.kind), false), (strings.overview(.count), true)])
    html.raw("</tr></thead><tbody>\n")
    for (kind, count) in ranked {
      html.raw("<tr><td><code>")
      html.text(kind.rawValue)
      html.raw("</code></td><td class=\"number\">")
      html.number(count)
      html.raw("</td></tr>\n")
    }
    html.raw("</tbody></table>\n<p class=\"media-bytes\">")
    html.text(strings.overview(.mediaStored) + ": ")
    html.number(mediaReferences)
    html.raw(" ")
    html.text(strings.overview(.mediaSummary) + ", " + MessageRenderer.size(bytes))
    html.raw("</p></section>\n")
  }
}

extension Array where Element == Int64 {
  /// The index of the first element not less than `value`; the array is sorted.
  fileprivate func partition(startingAt value: Int64) -> Int {
    var low = 0
    var high = count
    while low < high {
      let middle = (low + high) / 2
      if self[middle] < value { low = middle + 1 } else { high = middle }
    }
    return low
  }
}

extension HTML {
  /// A table's column heads, `<th scope="col">`, right-aligned where the column holds numbers.
  mutating func columnHeads(_ heads: [(text: String, numeric: Bool)]) {
    for head in heads {
      raw(head.numeric ? "<th scope=\"col\" class=\"number\">" : "<th scope=\"col\">")
      text(head.text)
      raw("</th>")
    }
  }
}
