/// Where a media reference sits in a message: spec §8.3.3's `field`, as steps rather than
/// text, so that importers can address a reference and consumers can choose by place.
public struct MediaPath: Sendable, Hashable, CustomStringConvertible {
  public enum Step: Sendable, Hashable {
    /// `parts[i].`
    case part(Int)
    /// `merged.items[i].`
    case item(Int)
  }

  public enum Slot: Sendable, Hashable {
    case media
    /// Only on a message, never inside a part.
    case thumbnail
  }

  public var steps: [Step]
  public var slot: Slot

  public init(_ steps: [Step] = [], _ slot: Slot = .media) {
    self.steps = steps
    self.slot = slot
  }

  public static let media = MediaPath()
  public static let thumbnail = MediaPath([], .thumbnail)

  /// The message's own attachment, or an extra body's own (not one inside a forwarded
  /// history): what a one-line listing of a message's files shows.
  public var isTopLevelBody: Bool {
    slot == .media && (steps.isEmpty || (steps.count == 1 && { if case .part = steps[0] { true } else { false } }()))
  }

  /// `media`, `thumbnail`, `parts[0].media`, `merged.items[2].media`, …
  public var description: String {
    var text = ""
    for step in steps {
      switch step {
      case .part(let index): text += "parts[\(index)]."
      case .item(let index): text += "merged.items[\(index)]."
      }
    }
    return text + (slot == .media ? "media" : "thumbnail")
  }
}
