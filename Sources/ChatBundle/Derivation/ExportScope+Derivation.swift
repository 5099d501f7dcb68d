/// The scope a derived bundle states (spec §7.15.1).
extension ExportScope {
  /// A merge's scope: the smallest scope holding every parent's. A limit only some parents
  /// have is dropped, so the union may state more than the parents held; the coverage says
  /// what the service delivered.
  public static func union(_ scopes: [ExportScope]) -> ExportScope {
    guard !scopes.isEmpty else { return ExportScope() }
    func all<Value>(_ values: [Value?]) -> [Value]? {
      let present = values.compactMap { $0 }
      return present.count == values.count ? present : nil
    }
    return ExportScope(
      since: all(scopes.map(\.since))?.min(), until: all(scopes.map(\.until))?.max(),
      conversations: all(scopes.map(\.conversations)).map { Identifier.sortedUnique($0.flatMap { $0 }) },
      members: all(scopes.map(\.members)).map { Identifier.sortedUnique($0.flatMap { $0 }) })
  }

  /// A slice's scope: the parent's, narrowed by the slice's own limits. Its conversations
  /// and members replace the parent's lists when given: every message of the parent is
  /// already inside the parent's lists.
  public func narrowed(by slice: ExportScope) -> ExportScope {
    func later(_ a: Int64?, _ b: Int64?) -> Int64? { [a, b].compactMap { $0 }.max() }
    func earlier(_ a: Int64?, _ b: Int64?) -> Int64? { [a, b].compactMap { $0 }.min() }
    return ExportScope(
      since: later(since, slice.since), until: earlier(until, slice.until),
      conversations: slice.conversations.map(Identifier.sortedUnique) ?? conversations,
      members: slice.members.map(Identifier.sortedUnique) ?? members)
  }
}
