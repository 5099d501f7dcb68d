import ArchiveIO
import ArgumentParser
import ChatBundle
import ChatBundleImport
import Foundation

extension ChatBundleCommand {
  struct Pack: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Pack a chat service's export into a bundle.",
      discussion: """
        Inputs are files or directories of the service's export. For Easemob: history files, \
        gzip-compressed or plain, holding one JSON record per line, a JSON array, or \
        {"entities":[...]}. Media come from --media DIR, where each attachment's original file \
        is named by the last segment of its url (the chatfiles uuid); a file that is absent is \
        listed in the manifest as missing and the pack goes on.

        For Discord: DiscordChatExporter JSON files (one channel each, exported with \
        --format Json, ideally with --media), or folders of them; each file's media are \
        read from the paths DCE wrote (its <file>.json_Files folder), never from outside \
        the folder given, and --media is not used. Attachments DCE did not download are \
        listed as missing (not_downloaded).

        For WeCom (会话内容存档): decrypted messages, one JSON object per line or a JSON array. \
        --media DIR holds the files pulled by sdkfileid, each named either by its md5sum in \
        lowercase hex or by the SHA-256 (lowercase hex) of its sdkfileid; each file is checked \
        against the message's md5sum and filesize, and one that is absent or differs is listed \
        as missing (not_found, checksum_mismatch, size_mismatch) and the pack goes on.

        For Telegram: the folder Telegram Desktop's JSON export wrote (result.json with the \
        photos/, files/, voice_messages/… folders beside it), or that result.json itself; a \
        single chat or the whole account. Media are read from the export folder only (not \
        --media); a file the export left out is listed as missing (not_exported) and the \
        pack goes on. Times come from date_unixtime; an old export's local date is read in \
        --source-tz.
        For Slack: the workspace export zip, or the folder it unpacks to (users.json, \
        channels.json, dms.json… and one folder of YYYY-MM-DD.json day files per \
        conversation). Files whose bytes the export holds (slackdump's attachments/ or \
        __uploads/) are bundled; files known only by their url_private link are listed as \
        missing (not_downloaded) and never downloaded. Export tokens (?t=xoxe-…) are removed \
        from every link and counted in the manifest.

        The output is written to a temporary file and renamed at the end, so a failed or \
        interrupted pack leaves nothing at OUT. The same inputs give a byte-identical bundle \
        whatever the clock, time zone, locale or order of the inputs.

        Examples:
          chatbundle pack --source easemob export/ --media media/ --people people.csv -o class.tar.gz
          chatbundle pack --source easemob 2025031009.gz --since 2025-03-01 --until 2025-04-01 \\
            --conversation 1402541206787 -o march.tar.gz
          chatbundle pack --source wecom messages.jsonl --media media/ --people people.csv -o wecom.tar.gz
          chatbundle pack --source discord exports/ -o guild.tar.gz
          chatbundle pack --source telegram DataExport_2025-03-10/ -o telegram.tar.gz
          chatbundle pack --source slack "Acme Slack export.zip" --source-tz America/Los_Angeles -o acme.tar.gz
        """)

    enum Source: String, ExpressibleByArgument, CaseIterable {
      case easemob
      case wecom
      case discord
      case telegram
      case slack

      /// The zone the source's users most likely live in, when --source-tz is not given:
      /// Discord writes offsets and has no home zone; Slack cuts its day files in Los
      /// Angeles time; Easemob and WeCom serve China.
      var defaultTimeZone: String {
        switch self {
        case .easemob, .wecom, .telegram: "Asia/Shanghai"
        case .discord: "UTC"
        case .slack: "America/Los_Angeles"
        }
      }

      /// Whether the importer reads the export as the service lays it out (a folder or an
      /// archive), so it is given the inputs as named rather than the export files found
      /// in them.
      var readsLayout: Bool {
        switch self {
        case .easemob, .wecom: false
        case .discord: true
        case .telegram: true
        case .slack: true
        }
      }
    }

    @Option(help: "The service the export comes from.")
    var source: Source

    @Argument(help: "Export files or directories.")
    var inputs: [String]

    @Option(name: .customLong("media"), help: "Directory holding the original media files.")
    var mediaDirectory: String?

    @Option(help: "CSV (id,name) or JSON mapping user, group and chat-room ids to display names.")
    var people: String?

    @OptionGroup var limits: ScopeOptions

    @Option(
      help:
        "IANA time zone of the source's users, recorded in the bundle (default: Asia/Shanghai for Easemob, WeCom and Telegram, UTC for Discord, America/Los_Angeles for Slack)."
    )
    var sourceTz: String?

    @Flag(help: "Skip malformed records, recording each (file, line, reason) in the manifest, instead of stopping.")
    var skipInvalid = false

    @Option(help: "With --skip-invalid, stop after this many skipped records.")
    var maxSkipped = 10_000

    @Flag(
      help:
        "When one message id has copies with different content, keep the first (by input path and line) and record the others as skipped."
    )
    var keepFirstDuplicate = false

    @OptionGroup var writing: BundleWritingOptions

    @OptionGroup var threading: ThreadOptions

    @Flag(name: .shortAndLong, help: "No progress display and no summary.")
    var quiet = false

    @Option(name: .shortAndLong, help: "The bundle to write (.tar.gz).")
    var output: String

    func validate() throws {
      if inputs.isEmpty { throw ValidationError("give at least one export file or directory") }
      if let maxSkippedProblem = maxSkipped < 0 ? "--max-skipped must not be negative" : nil {
        throw ValidationError(maxSkippedProblem)
      }
    }

    func run() throws {
      // Read first, so that a wrong key path fails before the work, not after it.
      let signingKeys = try writing.signingKeys()
      let zone = sourceTz ?? source.defaultTimeZone
      guard TimeZone(identifier: zone) != nil else { throw ValidationError("unknown time zone '\(zone)'") }
      let existing = writing.existing
      try writing.checkOutput(output, consequence: "packing would overwrite it")
      var options = PackOptions(platform: Identifier(source.rawValue), timeZone: zone)
      options.scope = try limits.scope(zone: zone)
      options.skipInvalid = skipInvalid
      options.maximumSkipped = maxSkipped
      options.keepFirstDuplicate = keepFirstDuplicate
      options.temporaryDirectory = writing.tempDir
      options.signingKeys = signingKeys
      options.custody = writing.custody
      options.threads = threading.count
      let pulled = try pulledDirectories()
      var inputs = inputs
      var mediaDirectory = mediaDirectory
      if let pull = pulled.first {
        inputs = inputs.map { $0 == pull.path || $0 == pull.path + "/" ? pull.historyDirectory : $0 }
        if mediaDirectory == nil, FileManager.default.fileExists(atPath: pull.mediaDirectory) {
          mediaDirectory = pull.mediaDirectory
        }
      }
      if let mediaDirectory {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: mediaDirectory, isDirectory: &isDirectory), isDirectory.boolValue
        else { throw ValidationError("--media \(mediaDirectory) is not a directory") }
      }
      let progress = ProgressDisplay(enabled: !quiet)
      do {
        if let people { options.people = try PeopleFile.load(people) }
        var exportFiles: [String] = []
        if !source.readsLayout {
          let expanded = try InputFiles.expand(inputs)
          for ignored in expanded.ignored where !quiet {
            FileStream.standardError.write("note: not an export file, skipped: \(ignored)".terminalSafe + "\n")
          }
          if expanded.files.isEmpty {
            throw ValidationError("no export files found in \(inputs.joined(separator: ", "))")
          }
          exportFiles = expanded.files
        }
        try refuseOutputAmongInputs(source.readsLayout ? inputs : exportFiles)
        let builder = try BundleBuilder(options: options, outputPath: output, existing: existing)
        builder.progress = { progress.update($0) }
        if let pull = pulled.first {
          builder.missingDetail = { pull.missingDetail(forSourceReference: $0.sourceReference) }
        }
        var fileNumber = 0
        let onFile = { (path: String) in
          fileNumber += 1
          let name = (path as NSString).lastPathComponent
          let count = exportFiles.isEmpty ? "" : "/\(exportFiles.count)"
          progress.currentFile = "\(fileNumber)\(count) \(name)".terminalSafe
        }
        let importer: any SourceImporter =
          switch source {
          case .easemob: EasemobImporter(builder: builder, mediaDirectory: mediaDirectory)
          case .wecom: WeComImporter(builder: builder, mediaDirectory: mediaDirectory)
          case .discord: DiscordImporter(builder: builder)
          case .telegram: TelegramImporter(builder: builder)
          case .slack:
            SlackImporter(
              builder: builder, scratchDirectory: writing.tempDir ?? parentDirectory(of: output),
              onNote: { note in if !quiet { FileStream.standardError.write("note: \(note)".terminalSafe + "\n") } })
          }
        importer.onFile = onFile
        if let layoutImporter = importer as? any LayoutImporter {
          try layoutImporter.importExports(inputs)
        } else {
          try importer.importFiles(exportFiles)
        }
        builder.coverage = pulled.first.map { $0.coverage(scope: options.scope) } ?? importer.coverage
        // The importer owns scratch copies (a zip's media) that the builder reads here.
        let summary = try withExtendedLifetime(importer) { try builder.finish(outputPath: output) }
        progress.finish()
        if !quiet {
          printSummary(summary)
          for key in signingKeys { printSafe("  signed by      \(key.publicKey.groupedFingerprint)") }
        }
      } catch let error as ValidationError {
        progress.finish()
        throw error
      } catch let error as ExitCode {
        progress.finish()
        throw error
      } catch {
        progress.finish()
        FileStream.standardError.write("error: \(error)".terminalSafe + "\n")
        throw ExitCode.failure
      }
    }

    /// Inputs that are a pull's output directory (`pull-state.json` beside `history/`), read
    /// as a whole: history, media and the hours' states.
    private func pulledDirectories() throws -> [PulledDirectory] {
      let pulled = try inputs.compactMap { input throws(ImportError) in try PulledDirectory.open(input) }
      guard pulled.count <= 1 else {
        throw ValidationError(
          "\(pulled.map(\.path).joined(separator: ", ")) are \(pulled.count) pulled directories; pack one at a time")
      }
      if !pulled.isEmpty && source != .easemob {
        throw ValidationError(
          "\(pulled[0].path) is the output of 'chatbundle pull easemob'; pack it with --source easemob")
      }
      return pulled
    }

    /// The bundle must not overwrite an input, nor land where the next pack of the same
    /// inputs would read it as one.
    private func refuseOutputAmongInputs(_ files: [String]) throws {
      if let file = input(among: files + [people, mediaDirectory].compactMap({ $0 }), sameAs: output) {
        throw outputRefusal("-o \(output) is the input \(file); packing would overwrite it")
      }
      guard InputFiles.takes(baseName(of: output)), let parent = FileSystem.canonicalPath(parentDirectory(of: output))
      else {
        return
      }
      for input in inputs {
        guard FileStatus.of(input, followingLinks: true)?.kind == .directory, let root = FileSystem.canonicalPath(input)
        else {
          continue
        }
        guard parent == root || parent.hasPrefix(root == "/" ? "/" : root + "/") else { continue }
        // The walk passes over hidden directories, so a bundle inside one is not read.
        let below = parent.dropFirst(root.count).split(separator: "/")
        if below.contains(where: { $0.hasPrefix(".") }) { continue }
        throw outputRefusal(
          "-o \(output) is inside the input directory \(input) under a name that would be read as an export file "
            + "next time; write the bundle elsewhere or name it .tar.gz")
      }
    }

    private func printSummary(_ summary: PackSummary) {
      var lines = [
        "packed \(summary.output)",
        "  bundle id      \(summary.bundleID)",
        "  conversations  \(summary.conversations)",
        "  messages       \(summary.messages)  (from \(summary.records) records; \(summary.duplicates) duplicates stored once, \(summary.filtered) outside the scope)",
        "  media          \(summary.media) files, \(formatBytes(summary.mediaBytes))",
        "  missing media  \(summary.missing)"
          + (summary.missing > 0 ? "  (listed in the manifest; see 'chatbundle inspect')" : ""),
        "  skipped        \(summary.skipped)",
        "  bundle size    \(formatBytes(summary.bundleBytes))",
      ]
      if summary.skipped == 0 { lines.remove(at: 6) }
      for line in lines { printSafe(line) }
    }
  }
}

/// `--since`/`--until`: RFC 3339, a date (midnight in the source zone), or epoch milliseconds.
func parseTime(_ text: String, option: String, zone: String) throws -> Int64 {
  if !text.isEmpty, text.allSatisfy(\.isNumber), let milliseconds = Int64(text) { return milliseconds }
  var offset: Int64 = 0
  if text.count == 10, let timeZone = TimeZone(identifier: zone),
    let midnightUTC = UTCTime.parse(text)
  {
    offset = Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(midnightUTC) / 1000)))
  }
  guard let value = UTCTime.parse(text, defaultOffsetSeconds: offset) else {
    throw ValidationError(
      "\(option) '\(text)' is not a time: use 2025-03-10, 2025-03-10T09:00:00+08:00 or epoch milliseconds")
  }
  return value
}

func formatBytes(_ bytes: Int64) -> String {
  let units = ["B", "KiB", "MiB", "GiB", "TiB"]
  var value = Double(bytes)
  var unit = 0
  while value >= 1024 && unit < units.count - 1 {
    value /= 1024
    unit += 1
  }
  return unit == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[unit])
}
