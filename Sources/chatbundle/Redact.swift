import ArchiveIO
import ArgumentParser
import ChatBundle
import Foundation

extension ChatBundleCommand {
  struct Redact: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write a copy of a bundle with messages, spans of text or media redacted, each change logged.",
      discussion: """
        Verifies the bundle as it reads it and writes a new one in which:
          --message ID        the message (and its later versions) becomes a marker that \
        keeps who sent it, when, and its kind; the replies quoting it lose the quote;
          --pattern P         every match in every string of every message, its raw \
        source record included, becomes "[redacted: REASON]". P is phone (mainland \
        mobile numbers), idcard (18-digit resident ID numbers with a valid check digit), \
        email, bankcard (16-19 digits passing the Luhn check) or a regular expression. \
        Names of people and conversations are redacted too;
          --media SHA256      the file is left out and every reference to it removed.
        Each of them takes the --reason that follows it. Identifiers (message, user and \
        conversation ids) are never changed; a pattern match in one is reported, so that \
        the person can be left out with 'chatbundle slice --member' instead.

        Every change is logged in its message's "redactions" with the reason and a salted \
        SHA-256 commitment to what was removed. The salts come from a key in the salts file \
        (--salts, default OUT without .tar.gz plus .salts), written readable by you only. \
        Keep it apart from the bundle: with it anyone can test guesses of what was removed; \
        without it nobody can. An existing salts file's key is used again, so the same \
        redaction gives the same bytes. 'chatbundle disclose' opens one redaction for \
        whoever is entitled to it.

        'chatbundle verify OUT --parent IN' proves that OUT is IN with exactly the logged \
        changes (add --salts to open every commitment too).

        Example:
          chatbundle redact term.tar.gz -o term-redacted.tar.gz \\
            --pattern phone --reason "parent's phone number" \\
            --pattern idcard --reason "ID card number" \\
            --message 1107926416786737820 --reason "a pupil's health"
        """)

    @Argument(help: "The bundle to redact (.tar.gz).")
    var input: String

    @Option(help: "A message to redact whole, by id. Repeatable; each takes the --reason after it.")
    var message: [String] = []

    @Option(
      help: "phone, idcard, email, bankcard or a regular expression. Repeatable; each takes the --reason after it.")
    var pattern: [String] = []

    @Option(help: "A media file to leave out, by SHA-256. Repeatable; each takes the --reason after it.")
    var media: [String] = []

    @Option(help: "Why the --message, --pattern or --media before it is redacted; shown in the marker and logged.")
    var reason: [String] = []

    @Option(help: "The salts file: its key is used when it exists, otherwise it is created (default OUT.salts).")
    var salts: String?

    @OptionGroup var writing: BundleWritingOptions

    @Flag(name: .shortAndLong, help: "No summary.")
    var quiet = false

    @Option(name: .shortAndLong, help: "The bundle to write (.tar.gz).")
    var output: String

    func validate() throws {
      if message.isEmpty && pattern.isEmpty && media.isEmpty {
        throw ValidationError("nothing to redact: give --message, --pattern or --media, each with a --reason")
      }
      for sha in media where !SHA256Digest.isValidHex(sha) {
        throw ValidationError("--media \(sha) is not a SHA-256 (64 lowercase hex digits, as inspect lists media)")
      }
      for text in reason {
        guard !text.isEmpty, text.utf8.count <= 200,
          !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == "[" || $0 == "]" })
        else {
          throw ValidationError("--reason \"\(text)\": give 1 to 200 bytes, without brackets or control characters")
        }
      }
    }

    /// The salts file's path: OUT without `.tar.gz` (or `.tgz`), plus `.salts`.
    var saltsPath: String {
      if let salts { return salts }
      for suffix in [".tar.gz", ".tgz"] where output.hasSuffix(suffix) {
        return String(output.dropLast(suffix.count)) + ".salts"
      }
      return output + ".salts"
    }

    func run() throws {
      try requireReadableFile(input)
      let request = try pairedRequest(CommandLine.arguments)
      for (pattern, _) in request.patterns {
        do { _ = try RedactionMatcher(pattern) } catch { throw ValidationError("\(error)") }
      }
      var derivation = try writing.derivation(output: output, inputs: [input])
      derivation.signingKeys = try writing.signingKeys()
      let path = saltsPath
      let existed = FileManager.default.fileExists(atPath: path)
      let key: RedactionSalts
      do {
        key = existed ? try RedactionSalts.read(path) : RedactionSalts.generate()
        if !existed { try key.write(to: path) }
      } catch {
        FileStream.standardError.write("error: \(error)".terminalSafe + "\n")
        throw ExitCode(2)
      }
      var redaction: BundleDerivation.RedactionSummary?
      let summary: BundleDerivation.Summary
      do {
        summary = try runDerivation {
          let (summary, redacted) = try derivation.redact(input, request: request, salts: key)
          redaction = redacted
          return summary
        }
      } catch {
        // A new key that no bundle uses is worth nothing; an old one stays.
        if !existed { try? FileManager.default.removeItem(atPath: path) }
        throw error
      }
      guard let redaction else { return }
      if !quiet {
        printDerivation(summary, verb: "redacted")
        printSafe(
          "  redacted       \(redaction.wholeMessages) whole messages, \(redaction.spans) spans, "
            + "\(redaction.mediaReferences) media references (\(redaction.mediaLeftOut) files left out), "
            + "in \(redaction.messagesChanged) messages",
          "  salts          \(path) \(existed ? "(its key used again)" : "(new; keep it private, apart from the bundle)")"
        )
      }
      if redaction.identifierMatches > 0 {
        printSafe(
          "  WARNING: \(redaction.identifierMatches) pattern matches are in identifiers or in numbers of the raw "
            + "record, which redact never changes (leave the person out with 'chatbundle slice --member'); the first:")
        for example in redaction.identifierExamples { printSafe("    \(example)") }
      }
    }

    /// The request, each item with the `--reason` that follows it, in command-line order.
    func pairedRequest(_ arguments: [String]) throws -> RedactionRequest {
      var request = RedactionRequest()
      var pending: (option: String, value: String)?
      var index = arguments.firstIndex(of: "redact").map { $0 + 1 } ?? arguments.count
      func flush() throws {
        if let pending { throw ValidationError("--\(pending.option) \(pending.value) needs a --reason after it") }
      }
      while index < arguments.count {
        let argument = arguments[index]
        index += 1
        if argument == "--" { break }
        var name = argument
        var value: String?
        if let equals = argument.firstIndex(of: "="), argument.hasPrefix("--") {
          name = String(argument[..<equals])
          value = String(argument[argument.index(after: equals)...])
        }
        guard ["--message", "--pattern", "--media", "--reason"].contains(name) else { continue }
        if value == nil, index < arguments.count {
          value = arguments[index]
          index += 1
        }
        guard let value else { continue }
        let option = String(name.dropFirst(2))
        if option == "reason" {
          guard let item = pending else {
            throw ValidationError("--reason \"\(value)\" follows no --message, --pattern or --media")
          }
          switch item.option {
          case "message": request.messages.append((Identifier(item.value), value))
          case "pattern": request.patterns.append((RedactionPattern(name: item.value), value))
          default: request.media.append((item.value, value))
          }
          pending = nil
        } else {
          try flush()
          pending = (option, value)
        }
      }
      try flush()
      return request
    }
  }
}
