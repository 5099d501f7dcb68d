import ChatBundle
import ChatBundleTemplates
import Mustache

/// The handover certificate: the facts a recipient files with a bundle, as a printable A4
/// page (Chinese and English side by side, nothing remote) and as JSON. Everything on it
/// comes from one verifying pass and the manifest; the page says what each check proves.
public struct HandoverCertificate {
  public let fileName: String
  public let report: VerificationReport
  public let manifest: Manifest
  public let people: [Identifier: String]
  /// `index/conversations.ndjson` by conversation: the kinds of each.
  public let conversationIndex: [Identifier: JSONObject]
  public let provenance: ProvenanceSummary
  /// What the recipient asked for (a trusted signature, a trusted timestamp) and the bundle
  /// did not give.
  public let unmet: [String]
  /// The zone the certificate's times are shown in.
  public let clock: LocalClock
  /// The manifest's coverage, read once for the page, the checklist and the JSON.
  public let coverage: CoverageSummary

  /// Lists longer than this are cut on the page; the JSON holds them whole.
  static let rowsOnPage = 200

  public init(
    fileName: String, report: VerificationReport, manifest: Manifest, people: [Identifier: String],
    conversationIndex: [Identifier: JSONObject], provenance: ProvenanceSummary, unmet: [String], clock: LocalClock
  ) {
    self.fileName = fileName
    self.report = report
    self.manifest = manifest
    self.people = people
    self.conversationIndex = conversationIndex
    self.provenance = provenance
    self.unmet = unmet
    self.clock = clock
    coverage = CoverageSummary(manifest)
  }

  public var isValid: Bool { report.isValid && unmet.isEmpty }

  // MARK: Facts

  struct Check {
    var name: String
    var checked: String
    var result: String
    var passed: Bool?
  }

  /// `2025-03-10 09:30:05 +08:00`
  func time(_ milliseconds: Int64) -> String {
    let local = clock.local(milliseconds)
    return local.dateTime + " " + local.offset
  }

  var kindCounts: [(kind: String, count: Int64)] {
    var totals: [String: Int64] = [:]
    for line in conversationIndex.values {
      for member in line["kinds"]?.objectValue?.members ?? [] {
        totals[member.key, default: 0] =
          totals[member.key, default: 0].addingReportingOverflow(
            member.value.int64Value ?? 0
          ).partialValue
      }
    }
    return totals.sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }.map { ($0.key, $0.value) }
  }

  var checklist: [Check] {
    let codes = Set(report.issues.map(\.code.rawValue))
    func any(_ prefix: String) -> Bool { codes.contains { $0.hasPrefix(prefix) } }
    let trustedSigner = provenance.isSignedByTrustedKey
    let authenticity: Check
    if trustedSigner {
      authenticity = Check(
        name: "真实性 Authenticity",
        checked: "Ed25519 signatures over the bundle id, against the keys the recipient trusts",
        result: "signed by a trusted key 已由受信任的密钥签名", passed: true)
    } else if provenance.isSigned {
      authenticity = Check(
        name: "真实性 Authenticity", checked: "Ed25519 signatures over the bundle id; no trusted key was given",
        result: "signed, key not checked against a trusted one 已签名，未核对密钥", passed: nil)
    } else {
      authenticity = Check(
        name: "真实性 Authenticity", checked: "signatures and timestamps carried by the bundle",
        result: "unsigned: who made it cannot be shown 未签名", passed: false)
    }
    let gapCount = coverage.gaps.count
    let integrity = Check(
      name: "完整性 Integrity",
      checked:
        "every file's size and SHA-256 against the manifest; exactly the listed files; the indexes and the missing list re-derived exactly; coverage stated by the source",
      result: (report.isValid ? "VALID 有效" : "INVALID 无效") + (gapCount > 0 ? "; \(gapCount) gaps in coverage 覆盖缺口" : "")
        + (manifest.totals.missing > 0 ? "; \(manifest.totals.missing) media not bundled" : ""),
      passed: report.isValid ? (gapCount == 0 && manifest.totals.missing == 0 ? true : nil) : false)
    let usability = Check(
      name: "可用性 Usability",
      checked:
        "the format version is readable; every message parses under the format's rules; the time zone is known; the bundle renders offline with chatbundle render",
      result: any("D") || any("C0") ? "problems found (see the issue codes)" : "readable 可读",
      passed: !(any("D") || any("C0")))
    let security = Check(
      name: "安全性 Security",
      checked:
        "no unsafe path, link or special entry; the archive reads the same in every tar reader; limits on what a hostile bundle can make a reader do",
      result: any("A") || any("B") ? "problems found (see the issue codes)" : "no unsafe entry 无不安全条目",
      passed: !(any("A") || any("B")))
    return [authenticity, integrity, usability, security]
  }

  // MARK: Output

  public func jsonValue() -> JSONValue {
    var object = JSONObject()
    object.append("certificate", "chatbundle handover certificate")
    object.append("tool_version", ChatBundleVersion.current)
    object.append("bundle_id", report.bundleID)
    object.append("file_name", fileName)
    object.append("file_bytes", report.fileBytes)
    object.append("file_sha256", report.fileSHA256)
    object.append("format_version", manifest.formatVersion.description)
    object.append("valid", JSONValue.bool(isValid))
    object.append("verification", report.jsonValue())
    object.append("requirements_unmet", JSONValue.array(unmet.map(JSONValue.string)))
    object.append("provenance", provenance.jsonValue())
    var custody = JSONObject()
    for field in (manifest.custody ?? Custody()).fields { custody.append(field.key, field.value) }
    object.append("custody", JSONValue.object(custody))
    // The manifest's own JSON for the lists it already has a form for, made once: its
    // `files` may hold hundreds of thousands of entries.
    let manifestObject = manifest.jsonValue().objectValue
    object.append("scope", manifestObject?["scope"])
    object.append("coverage", coverage.jsonValue())
    object.append(
      "kinds", JSONValue.object(JSONObject(kindCounts.map { JSONObject.Member($0.kind, .integer($0.count)) })))
    object.append(
      "conversations",
      JSONValue.array(
        manifest.conversations.map { entry in
          .object(
            JSONObject([
              "id": .string(entry.id.text), "title": .string(entry.title(names: people)),
              "kind": .string(entry.kind.rawValue), "messages": .integer(entry.messageCount),
              "first": .string(UTCTime.timestamp(milliseconds: entry.firstTimestamp)),
              "last": .string(UTCTime.timestamp(milliseconds: entry.lastTimestamp)),
            ]))
        }))
    object.append("missing", manifestObject?["missing"])
    object.append("skipped", manifestObject?["skipped"])
    object.append(
      "checklist",
      JSONValue.array(
        checklist.map { check in
          var fields = JSONObject()
          fields.append("property", check.name)
          fields.append("checked", check.checked)
          fields.append("result", check.result)
          fields.append("passed", check.passed.map(JSONValue.bool) ?? .null)
          return .object(fields)
        }))
    return .object(object)
  }

  /// The page, from the built-in template or `template`.
  public func html(template: String? = nil) throws -> String {
    var library = MustacheLibrary()
    do {
      try library.register(template ?? CertificateTemplate.text, named: "certificate")
    } catch {
      throw RenderError.templates("certificate: \(error)")
    }
    return library.render(context(), withTemplate: "certificate") ?? ""
  }

  func context() -> [String: Any] {
    let bundleID = report.bundleID ?? "unknown"
    let custody = manifest.custody ?? Custody()
    let summary = coverage
    var coverageLines: [String] = []
    if !summary.isStated { coverageLines.append("not stated by the source 来源未说明") }
    if summary.periodCount > 0 {
      coverageLines.append("\(summary.periodCount) source periods: " + summary.periodStatesText)
    }
    if let sequence = summary.sequenceText { coverageLines.append(sequence) }
    var scope: [String] = []
    if let since = manifest.scope.since { scope.append("from " + time(since)) }
    if let until = manifest.scope.until { scope.append("before " + time(until)) }
    if let conversations = manifest.scope.conversations {
      scope.append("conversations: " + conversations.map(\.text).joined(separator: ", "))
    }
    if let members = manifest.scope.members { scope.append("members: " + members.map(\.text).joined(separator: ", ")) }
    if scope.isEmpty { scope.append("everything in the inputs 导出文件中的全部内容") }
    let delivered =
      summary.firstMessage.flatMap { first in summary.lastMessage.map { time(first) + " – " + time($0) } }
      ?? "no messages"
    func state(_ valid: Bool, _ trusted: Bool?, _ problem: String?) -> (String, String) {
      if !valid { return ("INVALID 无效" + (problem.map { ": " + $0 } ?? ""), "bad") }
      switch trusted {
      case true?: return ("valid, trusted 有效，受信任", "ok")
      case false?: return ("valid, NOT trusted 有效，但不受信任" + (problem.map { ": " + $0 } ?? ""), "bad")
      case nil: return ("valid, trust not checked 有效，未核对信任", "warn")
      }
    }
    let signers: [[String: Any]] = provenance.signers.map { signer in
      let (text, style) = state(signer.valid, signer.trusted, nil)
      var row: [String: Any] = [
        "fingerprint": PublicSigningKey.group(signer.fingerprint), "state": text, "class": style,
      ]
      if let name = signer.name { row["name"] = name }
      return row
    }
    let timestamps: [[String: Any]] = provenance.timestamps.map { stamp in
      let (text, style) = state(stamp.valid, stamp.trusted, stamp.problem)
      var row: [String: Any] = [
        "time": stamp.time.flatMap { (0...BundleLimits.maximumTimestamp).contains($0) ? time($0) : nil } ?? "?",
        "state": text, "class": style,
      ]
      if let authority = stamp.authority { row["authority"] = authority }
      return row
    }
    let conversations = manifest.conversations.prefix(Self.rowsOnPage).map { entry -> [String: Any] in
      [
        "title": entry.title(names: people), "id": entry.id.text, "kind": entry.kind.rawValue,
        "count": entry.messageCount, "first": time(entry.firstTimestamp), "last": time(entry.lastTimestamp),
      ]
    }
    let missing = manifest.missing.prefix(Self.rowsOnPage).map { item -> [String: Any] in
      [
        "message": item.message.text, "field": item.field, "name": item.name ?? item.sourceReference ?? "",
        "reason": item.reason + (item.detail.map { ": " + $0 } ?? ""),
      ]
    }
    let skipped = manifest.skipped.prefix(Self.rowsOnPage).map { item -> [String: Any] in
      ["input": item.input, "line": item.line, "reason": item.reason]
    }
    let issues = report.issues.map(\.description)
    let gaps = summary.gapLines(time: time)
    return [
      "toolVersion": ChatBundleVersion.current, "bundleID": bundleID, "bundleIDShort": String(bundleID.prefix(16)),
      "fileName": fileName, "fileBytes": report.fileBytes, "fileSHA256": report.fileSHA256 ?? "",
      "formatVersion": manifest.formatVersion.description,
      "generator": manifest.generatorName + " " + manifest.generatorVersion,
      "platform": manifest.source.platform.text, "timeZone": manifest.source.timeZone,
      "result": isValid ? "VALID 有效" : (report.isValid ? "VALID, but requirements unmet 有效，但要求未满足" : "INVALID 无效"),
      "resultClass": isValid ? "ok" : "bad", "issues": issues, "hasIssues": !issues.isEmpty, "unmet": unmet,
      "hasUnmet": !unmet.isEmpty, "signers": signers, "timestamps": timestamps,
      "exportedBy": custody.exportedBy ?? "—", "requestedBy": custody.requestedBy ?? "—",
      "purpose": custody.purpose ?? "—", "reference": custody.reference ?? "—", "scope": scope,
      "delivered": delivered, "coverage": coverageLines, "gaps": gaps, "gapCount": gaps.count,
      "conversationCount": manifest.totals.conversations, "messageCount": manifest.totals.messages,
      "mediaCount": manifest.totals.media, "missingCount": manifest.totals.missing,
      "skippedCount": manifest.totals.skipped,
      "kinds": kindCounts.map { ["kind": $0.kind, "count": $0.count] as [String: Any] },
      "conversations": Array(conversations), "hasMoreConversations": manifest.conversations.count > Self.rowsOnPage,
      "moreConversations": max(0, manifest.conversations.count - Self.rowsOnPage),
      "missing": Array(missing), "hasMissing": !manifest.missing.isEmpty,
      "hasMoreMissing": manifest.missing.count > Self.rowsOnPage,
      "moreMissing": max(0, manifest.missing.count - Self.rowsOnPage), "skipped": Array(skipped),
      "hasSkipped": !manifest.skipped.isEmpty, "hasMoreSkipped": manifest.skipped.count > Self.rowsOnPage,
      "moreSkipped": max(0, manifest.skipped.count - Self.rowsOnPage),
      "checklist": checklist.map { check -> [String: Any] in
        [
          "name": check.name, "checked": check.checked, "result": check.result,
          "class": check.passed.map { $0 ? "ok" : "bad" } ?? "warn",
        ]
      },
    ]
  }
}
