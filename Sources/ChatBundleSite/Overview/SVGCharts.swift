import ChatBundle

/// The overview's pictures, as inline SVG the generator writes itself: no script, no
/// library, nothing remote, integer coordinates only (the same bundle gives the same
/// bytes). Every chart is a `figure` with a title and a description that say what it
/// shows in words, and the numbers behind it in a table inside `details`, so that it can
/// be read without the picture, by a screen reader and on paper.
enum SVGCharts {
  struct Bar {
    var label: String
    var count: Int
    /// Where the bar leads; nil for a bar without messages.
    var href: String?
  }

  /// A vertical bar chart of `bars`, in order, with the first and last label under it.
  static func bars(
    _ bars: [Bar], id: String, title: String, description: String, unitLabel: String, into html: inout HTML
  ) {
    let peak = max(1, bars.map(\.count).max() ?? 0)
    let unit = max(3, min(24, 720 / max(1, bars.count)))
    let plotHeight = 150
    let left = 44
    // Never narrower than a full chart, so that a few bars stay bars, not walls.
    let width = max(left + 728, left + unit * bars.count + 8)
    html.raw("<svg class=\"chart bars\"")
    // A picture with links in it is a group: an `img` would hide its links from a screen
    // reader while the keyboard still reaches them.
    open(
      width: width, height: 190, linked: bars.contains { $0.href != nil }, id: id, title: title,
      description: description, into: &html)
    html.raw("<line class=\"axis\" x1=\"")
    html.number(left - 2)
    html.raw("\" y1=\"161\" x2=\"")
    html.number(left + unit * bars.count + 2)
    html.raw("\" y2=\"161\"/><text class=\"tick\" x=\"")
    html.number(left - 6)
    html.raw("\" y=\"16\" text-anchor=\"end\">")
    html.number(peak)
    html.raw("</text><text class=\"tick\" x=\"")
    html.number(left - 6)
    html.raw("\" y=\"161\" text-anchor=\"end\">0</text>\n")
    for (index, bar) in bars.enumerated() where bar.count > 0 {
      // At least two units high, so that a single message still shows.
      let height = max(2, bar.count * plotHeight / peak)
      let name = bar.label + ": " + String(bar.count) + " " + unitLabel
      if let href = bar.href {
        html.raw("<a href=\"")
        html.attribute(href)
        html.raw("\" aria-label=\"")
        html.attribute(name)
        html.raw("\">")
      }
      html.raw("<rect class=\"bar\" x=\"")
      html.number(left + index * unit)
      html.raw("\" y=\"")
      html.number(11 + plotHeight - height)
      html.raw("\" width=\"")
      html.number(max(1, unit - 1))
      html.raw("\" height=\"")
      html.number(height)
      html.raw("\"><title>")
      html.text(name)
      html.raw("</title></rect>")
      html.raw(bar.href == nil ? "\n" : "</a>\n")
    }
    if let first = bars.first, let last = bars.last {
      html.raw("<text class=\"tick\" x=\"")
      html.number(left)
      html.raw("\" y=\"180\">")
      html.text(first.label)
      html.raw("</text>")
      if bars.count > 1 {
        html.raw("<text class=\"tick\" x=\"")
        html.number(left + unit * bars.count)
        html.raw("\" y=\"180\" text-anchor=\"end\">")
        html.text(last.label)
        html.raw("</text>")
      }
    }
    html.raw("</svg>\n")
  }

  /// A weekday × hour grid, Monday on top, each cell shaded in six steps of the busiest.
  static func heatmap(
    _ weekHours: [Int], id: String, title: String, description: String, weekdays: [String], unitLabel: String,
    into html: inout HTML
  ) {
    let peak = max(1, weekHours.max() ?? 0)
    let cellWidth = 26
    let cellHeight = 22
    let left = 48
    let top = 18
    html.raw("<svg class=\"chart heatmap\"")
    open(
      width: left + 24 * cellWidth + 4, height: top + 7 * cellHeight + 4, linked: false, id: id, title: title,
      description: description, into: &html)
    for hour in stride(from: 0, to: 24, by: 3) {
      html.raw("<text class=\"tick\" x=\"")
      html.number(left + hour * cellWidth + 2)
      html.raw("\" y=\"13\">")
      html.number(hour)
      html.raw("</text>")
    }
    html.raw("\n")
    for weekday in 0..<7 {
      html.raw("<text class=\"tick\" x=\"")
      html.number(left - 6)
      html.raw("\" y=\"")
      html.number(top + weekday * cellHeight + 15)
      html.raw("\" text-anchor=\"end\">")
      html.text(weekdays.indices.contains(weekday) ? weekdays[weekday] : "")
      html.raw("</text>")
      for hour in 0..<24 {
        let count = weekHours.indices.contains(weekday * 24 + hour) ? weekHours[weekday * 24 + hour] : 0
        // Level 0 only for no message at all: one message is already visible.
        let level = count == 0 ? 0 : max(1, (count * 5 + peak - 1) / peak)
        html.raw("<rect class=\"cell l")
        html.number(level)
        html.raw("\" x=\"")
        html.number(left + hour * cellWidth)
        html.raw("\" y=\"")
        html.number(top + weekday * cellHeight)
        html.raw("\" width=\"")
        html.number(cellWidth - 2)
        html.raw("\" height=\"")
        html.number(cellHeight - 2)
        html.raw("\"><title>")
        html.text(
          (weekdays.indices.contains(weekday) ? weekdays[weekday] : "") + " " + UTCTime.pad(Int64(hour), 2) + ":00: "
            + String(count) + " " + unitLabel)
        html.raw("</title></rect>")
      }
      html.raw("\n")
    }
    html.raw("</svg>\n")
  }

  /// The rest of an `<svg` start tag (its box and role) with the title and description
  /// that name it (`ID-t`, `ID-d`).
  private static func open(
    width: Int, height: Int, linked: Bool, id: String, title: String, description: String, into html: inout HTML
  ) {
    html.raw(" viewBox=\"0 0 ")
    html.number(width)
    html.raw(" ")
    html.number(height)
    html.raw(linked ? "\" role=\"group\" aria-labelledby=\"" : "\" role=\"img\" aria-labelledby=\"")
    html.attribute(id + "-t " + id + "-d")
    html.raw("\"><title id=\"")
    html.attribute(id + "-t")
    html.raw("\">")
    html.text(title)
    html.raw("</title><desc id=\"")
    html.attribute(id + "-d")
    html.raw("\">")
    html.text(description)
    html.raw("</desc>\n")
  }
}
