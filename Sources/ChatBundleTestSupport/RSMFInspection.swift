import ArchiveIO
import ChatBundle
import Foundation

/// An `.rsmf` file taken apart for tests: its header fields (encoded words decoded), the
/// plain-text part, the files of `rsmf.zip` and the parsed manifest, with a structural
/// check of the kind Relativity's validator makes.
public struct RSMFInspection {
  public var headers: [(name: String, value: String)] = []
  public var text = ""
  public var zipBytes: [UInt8] = []
  /// The zip's entries in order, with their bytes.
  public var files: [(name: String, bytes: [UInt8])] = []
  public var manifestBytes: [UInt8] = []
  public var manifest: JSONObject = JSONObject()

  public struct Failure: Error, CustomStringConvertible {
    public var description: String
  }

  public func header(_ name: String) -> String? {
    headers.first { $0.name.lowercased() == name.lowercased() }?.value
  }

  public init(path: String) throws {
    let bytes = try readBytes(path)
    guard let split = Self.find([0x0D, 0x0A, 0x0D, 0x0A], in: bytes, from: 0) else {
      throw Failure(description: "\(path): no end of the header")
    }
    headers = Self.parseHeaders(Array(bytes[0..<split]))
    guard let type = header("Content-Type"), let range = type.range(of: "boundary=\"") else {
      throw Failure(description: "\(path): no multipart boundary")
    }
    let boundary = String(type[range.upperBound...].prefix { $0 != "\"" })
    let delimiter = Array(("\r\n--" + boundary).utf8)
    let body = [0x0D, 0x0A] + Array(bytes[(split + 2)...])
    var parts: [[UInt8]] = []
    var position = 0
    var starts: [Int] = []
    while let found = Self.find(delimiter, in: body, from: position) {
      starts.append(found)
      position = found + delimiter.count
    }
    for (index, start) in starts.enumerated() where index + 1 < starts.count {
      let contentStart = start + delimiter.count + 2
      parts.append(Array(body[contentStart..<starts[index + 1]]))
    }
    guard let last = starts.last, Array(body[(last + delimiter.count)...].prefix(2)) == Array("--".utf8) else {
      throw Failure(description: "\(path): the multipart body does not end with its closing delimiter")
    }
    for part in parts {
      guard let end = Self.find([0x0D, 0x0A, 0x0D, 0x0A], in: part, from: 0) else { continue }
      let partHeaders = Self.parseHeaders(Array(part[0..<end]))
      let content = Array(part[(end + 4)...])
      let contentType = partHeaders.first { $0.name.lowercased() == "content-type" }?.value ?? ""
      if contentType.hasPrefix("text/plain") {
        text = String(decoding: Self.decodeQuotedPrintable(content), as: UTF8.self)
      } else if contentType.contains("rsmf.zip") {
        guard let data = Data(base64Encoded: Data(content), options: .ignoreUnknownCharacters) else {
          throw Failure(description: "\(path): rsmf.zip is not base64")
        }
        zipBytes = Array(data)
      }
    }
    let directory = try TemporaryDirectory("rsmf-zip")
    let zipPath = try directory.write("rsmf.zip", zipBytes)
    let reader = try ZipArchiveReader(path: zipPath)
    while let entry = try reader.nextEntry() {
      var data: [UInt8] = []
      try reader.readData { data.append(contentsOf: $0) }
      files.append((entry.name ?? "", data))
    }
    guard let manifestFile = files.first(where: { $0.name == "rsmf_manifest.json" }) else {
      throw Failure(description: "\(path): rsmf.zip has no rsmf_manifest.json")
    }
    manifestBytes = manifestFile.bytes
    guard let object = try JSONParser.parse(manifestBytes).objectValue else {
      throw Failure(description: "\(path): the manifest is not an object")
    }
    manifest = object
  }

  public var events: [JSONObject] { manifest["events"]?.arrayValue?.compactMap(\.objectValue) ?? [] }

  /// What a validator would complain of, empty when nothing: attachments and files, every
  /// reference, time order, and the header fields against the manifest.
  public func structuralProblems() -> [String] {
    var problems: [String] = []
    if header("X-RSMF-Version") != "2.0.0" { problems.append("X-RSMF-Version is not 2.0.0") }
    let participants = manifest["participants"]?.arrayValue?.compactMap { $0.objectValue?["id"]?.stringValue } ?? []
    if Set(participants).count != participants.count { problems.append("participant ids repeat") }
    let known = Set(participants)
    let conversations = manifest["conversations"]?.arrayValue?.compactMap(\.objectValue) ?? []
    let conversationIDs = Set(conversations.compactMap { $0["id"]?.stringValue })
    for conversation in conversations {
      for member in conversation["participants"]?.arrayValue?.compactMap(\.stringValue) ?? []
      where !known.contains(member) {
        problems.append("conversation participant \(member) is not a participant")
      }
    }
    let names = Set(files.map(\.name)).subtracting(["rsmf_manifest.json"])
    var referenced: Set<String> = []
    var ids: [String: Set<String>] = [:]
    for event in events {
      if let id = event["id"]?.stringValue, let conversation = event["conversation"]?.stringValue {
        if ids[conversation, default: []].contains(id) { problems.append("event id \(id) repeats") }
        ids[conversation, default: []].insert(id)
      }
    }
    var previous: Int64 = .min
    for (number, event) in events.enumerated() {
      let label = "event \(number + 1)"
      guard let conversation = event["conversation"]?.stringValue, conversationIDs.contains(conversation) else {
        problems.append("\(label): conversation does not resolve")
        continue
      }
      var people: [String] = []
      if let participant = event["participant"]?.stringValue { people.append(participant) }
      for edit in event["edits"]?.arrayValue ?? [] { people += [edit.objectValue?["participant"]?.stringValue ?? ""] }
      for reaction in event["reactions"]?.arrayValue ?? [] {
        people += reaction.objectValue?["participants"]?.arrayValue?.compactMap(\.stringValue) ?? []
      }
      for person in people where !known.contains(person) {
        problems.append("\(label): participant \(person) does not resolve")
      }
      if let parent = event["parent"]?.stringValue, ids[conversation]?.contains(parent) != true {
        problems.append("\(label): parent \(parent) does not resolve")
      }
      for attachment in event["attachments"]?.arrayValue ?? [] {
        guard let id = attachment.objectValue?["id"]?.stringValue else { continue }
        referenced.insert(id)
        if !names.contains(id) { problems.append("\(label): attachment \(id) is not in rsmf.zip") }
      }
      guard let stamp = event["timestamp"]?.stringValue, let time = UTCTime.parse(stamp) else {
        problems.append("\(label): no timestamp")
        continue
      }
      if time < previous { problems.append("\(label): out of time order") }
      previous = time
    }
    for name in names.subtracting(referenced) { problems.append("\(name) in rsmf.zip is not referenced") }
    if header("X-RSMF-EventCount") != String(events.count) { problems.append("X-RSMF-EventCount differs") }
    if header("X-RSMF-AttachmentCount") != String(names.count) { problems.append("X-RSMF-AttachmentCount differs") }
    if header("X-RSMF-BeginDate") != events.first?["timestamp"]?.stringValue {
      problems.append("X-RSMF-BeginDate differs")
    }
    if header("X-RSMF-EndDate") != events.last?["timestamp"]?.stringValue { problems.append("X-RSMF-EndDate differs") }
    if header("X-RSMF-EventCollectionID") != manifest["eventcollectionid"]?.stringValue {
      problems.append("X-RSMF-EventCollectionID differs")
    }
    if header("X-RSMF-ZipSHA256") != SHA256Digest.hex(of: zipBytes) { problems.append("X-RSMF-ZipSHA256 differs") }
    return problems
  }

  /// Validates manifests against the RSMF 2.0.0 JSON Schema with python3's `jsonschema`
  /// (formats checked); returns its complaints, empty when all are valid.
  public static func schemaProblems(manifests: [(name: String, bytes: [UInt8])], schema: String) throws -> [String] {
    let directory = try TemporaryDirectory("rsmf-schema")
    var paths: [String] = []
    for (index, manifest) in manifests.enumerated() {
      paths.append(try directory.write("m\(index).json", manifest.bytes))
    }
    let script = """
      import json, sys, jsonschema
      schema = json.load(open(sys.argv[1], encoding="utf-8"))
      validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
      bad = 0
      for path in sys.argv[2:]:
          for error in validator.iter_errors(json.load(open(path, encoding="utf-8"))):
              bad += 1
              print(path, "/".join(map(str, error.absolute_path)), error.message)
      sys.exit(1 if bad else 0)
      """
    let result = try runProcess(
      URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script, schema] + paths)
    guard result.status != 0 else { return [] }
    var problems = result.standardOutput.split(separator: "\n").map(String.init)
    for (index, manifest) in manifests.enumerated() {
      problems = problems.map { $0.replacingOccurrences(of: directory.file("m\(index).json"), with: manifest.name) }
    }
    return problems.isEmpty ? [result.standardError] : problems
  }

  /// Whether python3 with `jsonschema` is here.
  public static var hasJSONSchema: Bool {
    (try? runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", "import jsonschema"]).status) == 0
  }

  /// `../shared/reference/rsmf/rsmf_schema_2_0_0.json`, when this checkout has it.
  public static var schemaPath: String? {
    let path = repositoryRoot().deletingLastPathComponent().appendingPathComponent(
      "shared/reference/rsmf/rsmf_schema_2_0_0.json"
    ).path
    return FileManager.default.fileExists(atPath: path) ? path : nil
  }

  /// Every `.rsmf` of an export inspected, with the structural check's and the JSON
  /// Schema's complaints (the schema only when python3's jsonschema and the schema file are
  /// here: `schemaChecked` says whether it ran).
  public static func check(directory path: String) throws -> (
    files: [(name: String, file: RSMFInspection)], problems: [String], schemaChecked: Bool
  ) {
    let files = try directory(path)
    var problems: [String] = files.isEmpty ? ["no .rsmf files in \(path)"] : []
    for (name, file) in files { problems += file.structuralProblems().map { name + ": " + $0 } }
    guard let schema = schemaPath, hasJSONSchema else { return (files, problems, false) }
    problems += try schemaProblems(manifests: files.map { ($0.name, $0.file.manifestBytes) }, schema: schema)
    return (files, problems, true)
  }

  /// Every `.rsmf` in a directory, inspected, in name order.
  public static func directory(_ path: String) throws -> [(name: String, file: RSMFInspection)] {
    try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".rsmf") }.sorted().map {
      ($0, try RSMFInspection(path: path + "/" + $0))
    }
  }

  static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
    guard needle.count <= haystack.count else { return nil }
    var index = start
    while index + needle.count <= haystack.count {
      if haystack[index] == needle[0] && Array(haystack[index..<index + needle.count]) == needle { return index }
      index += 1
    }
    return nil
  }

  static func parseHeaders(_ bytes: [UInt8]) -> [(name: String, value: String)] {
    let text = String(decoding: bytes, as: UTF8.self)
    var result: [(String, String)] = []
    for line in text.components(separatedBy: "\r\n") {
      if line.hasPrefix(" ") || line.hasPrefix("\t"), !result.isEmpty {
        result[result.count - 1].1 += "\r\n" + line
      } else if let colon = line.firstIndex(of: ":") {
        result.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
      }
    }
    return result.map { ($0.0, decodeWords($0.1)) }
  }

  /// Unfolds a value and decodes its `=?UTF-8?B?…?=` words (white space between two
  /// encoded words is dropped, as RFC 2047 says).
  static func decodeWords(_ value: String) -> String {
    let unfolded = value.replacingOccurrences(of: "\r\n", with: "").trimmingCharacters(in: .whitespaces)
    var out = ""
    var rest = Substring(unfolded)
    var lastWasWord = false
    while !rest.isEmpty {
      if rest.hasPrefix("=?UTF-8?B?"), let end = rest.dropFirst(10).range(of: "?=") {
        let payload = rest[rest.index(rest.startIndex, offsetBy: 10)..<end.lowerBound]
        let data = Data(base64Encoded: String(payload)) ?? Data()
        if lastWasWord { out = String(out.reversed().drop { $0 == " " }.reversed()) }
        out += String(decoding: data, as: UTF8.self)
        rest = rest[end.upperBound...]
        lastWasWord = true
      } else {
        let character = rest.removeFirst()
        out.append(character)
        if character != " " { lastWasWord = false }
      }
    }
    return out
  }

  static func decodeQuotedPrintable(_ bytes: [UInt8]) -> [UInt8] {
    func hex(_ byte: UInt8) -> UInt8? {
      switch byte {
      case 0x30...0x39: byte - 0x30
      case 0x41...0x46: byte - 0x41 + 10
      default: nil
      }
    }
    var out: [UInt8] = []
    var index = 0
    while index < bytes.count {
      let byte = bytes[index]
      if byte == 0x3D, index + 2 < bytes.count, bytes[index + 1] == 0x0D, bytes[index + 2] == 0x0A {
        index += 3
      } else if byte == 0x3D, index + 2 < bytes.count, let high = hex(bytes[index + 1]), let low = hex(bytes[index + 2])
      {
        out.append(high << 4 | low)
        index += 3
      } else if byte == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A {
        out.append(0x0A)
        index += 2
      } else {
        out.append(byte)
        index += 1
      }
    }
    return out
  }
}
