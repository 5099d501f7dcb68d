import ChatBundle

/// "Jump to a date": a month grid for every month that has a message, weeks from Monday;
/// a day with messages links to the page and heading of that day, shaded by how many.
enum DateCalendar {
  static func write(
    _ days: [ConversationActivity.Day], weekdays: [String], unitLabel: String, into html: inout HTML
  ) {
    let peak = max(1, days.map(\.count).max() ?? 0)
    var index = 0
    while index < days.count {
      let (year, month, _) = UTCTime.civil(days: days[index].day)
      let firstOfMonth = UTCTime.days(year: year, month: month, day: 1)
      let length = UTCTime.daysIn(month: month, year: year)
      let monthText = UTCTime.pad(year, 4) + "-" + UTCTime.pad(month, 2)
      html.raw("<table class=\"calendar\"><caption>")
      html.text(monthText)
      html.raw("</caption><thead><tr>")
      for name in weekdays {
        html.raw("<th scope=\"col\">")
        html.text(name)
        html.raw("</th>")
      }
      html.raw("</tr></thead><tbody><tr>")
      let lead = ConversationActivity.weekday(ofDay: firstOfMonth)
      for _ in 0..<lead { html.raw("<td></td>") }
      for dayOfMonth in 1...length {
        let day = firstOfMonth + dayOfMonth - 1
        let column = (lead + Int(dayOfMonth) - 1) % 7
        if column == 0 && dayOfMonth > 1 { html.raw("</tr><tr>") }
        while index < days.count && days[index].day < day { index += 1 }
        if index < days.count, days[index].day == day {
          let entry = days[index]
          let level = max(1, (entry.count * 4 + peak - 1) / peak)
          let date = ActivityPeriods.date(day)
          html.raw("<td class=\"c")
          html.number(level)
          html.raw("\"><a href=\"")
          html.attribute(entry.page + ".html#d-" + date)
          html.raw("\" aria-label=\"")
          html.attribute(date + ": " + String(entry.count) + " " + unitLabel)
          html.raw("\">")
          html.number(dayOfMonth)
          html.raw("</a></td>")
        } else {
          html.raw("<td>")
          html.number(dayOfMonth)
          html.raw("</td>")
        }
      }
      let trail = (7 - (lead + Int(length)) % 7) % 7
      for _ in 0..<trail { html.raw("<td></td>") }
      html.raw("</tr></tbody></table>\n")
      // The next month that has a message.
      let nextMonth = firstOfMonth + length
      while index < days.count && days[index].day < nextMonth { index += 1 }
    }
  }
}
