import ArgumentParser
import ChatBundle

/// Which messages a command keeps: `--since`, `--until`, `--conversation`, `--member`, read
/// the same way by pack and slice.
struct ScopeOptions: ParsableArguments {
  @Option(help: "Keep messages sent at or after this time (RFC 3339, a date, or epoch milliseconds).")
  var since: String?

  @Option(help: "Keep messages sent before this time (RFC 3339, a date, or epoch milliseconds).")
  var until: String?

  @Option(
    name: .customLong("conversation"),
    help:
      "Keep only this conversation: a group or chat-room id, a bundle conversation id, or a party of a one-to-one chat. Repeatable."
  )
  var conversations: [String] = []

  @Option(
    name: .customLong("member"),
    help: "Keep only messages sent by this user, and one-to-one chats they are part of. Repeatable.")
  var members: [String] = []

  /// The scope, a date meaning midnight in `zone`.
  func scope(zone: String) throws -> ExportScope {
    ExportScope(
      since: try since.map { try parseTime($0, option: "--since", zone: zone) },
      until: try until.map { try parseTime($0, option: "--until", zone: zone) },
      conversations: conversations.isEmpty ? nil : Identifier.sortedUnique(conversations.map { Identifier($0) }),
      members: members.isEmpty ? nil : Identifier.sortedUnique(members.map { Identifier($0) }))
  }
}
