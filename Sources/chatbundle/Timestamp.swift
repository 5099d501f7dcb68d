import ArgumentParser
import ChatBundle
import ChatBundleTimestamp
import Foundation

extension ChatBundleCommand {
  struct Timestamp: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Add an RFC 3161 trusted timestamp to a bundle, keeping its bundle id.",
      discussion: """
        Verifies the bundle, asks a timestamp authority (TSA) to sign its bundle id, checks \
        the reply (the imprint is the bundle id, the nonce is the request's, the signature, \
        the TSA certificate's timeStamping usage, and with --tsa-root the chain at the \
        token's time) and adds the token, with the certificates needed to check it offline \
        later, in place or into -o OUT. Only the bundle id and a random nonce are sent.

        A timestamp proves that the bundle id, and so the exact bundle, existed at the \
        token's time according to that TSA. It does not prove who made the bundle (sign it \
        for that) nor that the chat service's data is complete.

        For a TSA reached another way, --query-out FILE writes the request only (send it \
        with e.g. curl -H 'Content-Type: application/timestamp-query' --data-binary @FILE), \
        and --reply FILE attaches the answer (a TimeStampResp or a bare token); give the \
        query with --query FILE to have its nonce checked.

        Exit status: 0 attached (or query written), 1 invalid bundle or token refused, 2 \
        usage, I/O or network error.

        Examples:
          chatbundle timestamp b.tar.gz --tsa https://tsa.example/tsr --tsa-root tsa-ca.pem
          chatbundle timestamp b.tar.gz --query-out b.tsq
          chatbundle timestamp b.tar.gz --reply b.tsr --query b.tsq --tsa-root tsa-ca.pem
        """)

    @Argument(help: "The bundle (.tar.gz).")
    var bundle: String

    @Option(help: "The TSA's URL (http:// or https://).")
    var tsa: String?

    @Option(name: .shortAndLong, help: "Write the timestamped bundle here instead of replacing BUNDLE.")
    var output: String?

    @Option(name: .customLong("query-out"), help: "Only write the DER request here and print its nonce.")
    var queryOut: String?

    @Option(help: "Attach this reply (TimeStampResp or TimeStampToken, DER) obtained elsewhere.")
    var reply: String?

    @Option(help: "With --reply: the query it answers, whose nonce the reply must carry.")
    var query: String?

    @Option(
      name: .customLong("tsa-root"),
      help: "A root CA certificate (PEM or DER) the TSA must chain to at the token's time. Repeatable.")
    var tsaRoots: [String] = []

    @Option(
      name: .customLong("tsa-cert"),
      help: "A certificate (PEM or DER) to keep with the token: the TSA's or an intermediate. Repeatable.")
    var tsaCertificates: [String] = []

    @Option(help: "The TSA policy OID to ask for.")
    var policy: String?

    @Option(help: "Seconds to wait for the TSA.")
    var timeout: Double = 30

    func validate() throws {
      let modes = [tsa, queryOut, reply].compactMap { $0 }.count
      guard modes == 1 else { throw ValidationError("give exactly one of --tsa URL, --query-out FILE, --reply FILE") }
      if query != nil && reply == nil { throw ValidationError("--query goes with --reply") }
      if queryOut != nil && output != nil { throw ValidationError("--query-out writes no bundle; -o does not apply") }
      guard timeout > 0 && timeout <= 3600 else { throw ValidationError("--timeout is 1 to 3600 seconds") }
    }

    func run() async throws {
      try requireReadableFile(bundle)
      let roots = try tsaRoots.flatMap(loadCertificates)
      let extra = try tsaCertificates.flatMap(loadCertificates).map(\.der)
      let report = BundleVerifier(path: bundle).verify()
      guard report.isValid, report.readError == nil, let bundleID = report.bundleID else {
        refuse(report)
      }
      if let queryOut {
        try writeQuery(for: bundleID, to: queryOut)
        return
      }
      let (token, request) = try await obtainToken(for: bundleID)
      let outcome = await TimestampIssuance.accept(
        token: token, for: bundleID, request: request, certificates: extra,
        roots: roots.isEmpty ? nil : roots)
      guard let record = outcome.record else {
        let problem = outcome.check.problem ?? "it is not valid"
        fail("\(bundle) was not timestamped: \(problem)", code: .failure)
      }
      let attached: BundleAttacher.Outcome
      do {
        attached = try BundleAttacher.attach(to: bundle, output: output) { _, verifiedID in
          guard verifiedID == bundleID else {
            throw ChatBundleError.io(path: bundle, message: "the bundle changed while it was being timestamped")
          }
          return .timestamp(record)
        }
      } catch {
        fail("\(error)", code: ExitCode(2))
      }
      if case .refused(let again) = attached { refuse(again) }
      printSafe("timestamped \(output ?? bundle)", "bundle id   \(bundleID)")
      for line in timestampLines(outcome.check.summary, label: "token       ") { printSafe(line) }
    }

    private func writeQuery(for bundleID: String, to path: String) throws {
      let request: TimestampRequest
      do {
        request = try TimestampRequest(bundleID: bundleID, policy: policy)
        try Data(request.derBytes).write(to: URL(fileURLWithPath: path), options: .atomic)
      } catch let error as TimestampError {
        throw ValidationError(error.description)
      } catch {
        fail("cannot write \(path): \(error.localizedDescription)", code: ExitCode(2))
      }
      printSafe("query      \(path)", "bundle id  \(bundleID)", "nonce      \(request.nonceText ?? "none")")
    }

    private func obtainToken(for bundleID: String) async throws -> ([UInt8], TimestampRequest?) {
      if let reply {
        let bytes = try readSmallFile(reply)
        let request = try query.map { path in
          do {
            return try TimestampRequest(derEncoded: try readSmallFile(path))
          } catch let error as TimestampError {
            throw ValidationError("\(path): \(error.description)")
          }
        }
        do {
          return (try TimestampResponse.token(fromReplyOrToken: bytes), request)
        } catch {
          fail("\(reply): \(error.description)", code: .failure)
        }
      }
      guard let tsa else { throw ValidationError("give --tsa URL") }
      let request: TimestampRequest
      let client: TimestampClient
      do {
        request = try TimestampRequest(bundleID: bundleID, policy: policy)
        client = try TimestampClient(url: tsa, timeout: timeout)
      } catch {
        throw ValidationError(error.description)
      }
      do {
        let response = try await client.send(request)
        return (try response.grantedToken(), request)
      } catch {
        if case .transport = error { fail(error.description, code: ExitCode(2)) }
        fail("\(bundle) was not timestamped: \(error.description)", code: .failure)
      }
    }

    private func refuse(_ report: VerificationReport) -> Never {
      for issue in report.issues where issue.severity == .error { printSafe(issue.description) }
      let reason = report.readError.map { "cannot read it: \($0)" } ?? "it is INVALID (\(report.errorCount) errors)"
      fail("\(bundle) was not timestamped: \(reason)", code: report.readError == nil ? .failure : ExitCode(2))
    }
  }
}

/// Writes `error: message` and exits with `code`.
private func fail(_ message: String, code: ExitCode) -> Never {
  FileStream.standardError.write("error: \(message)".terminalSafe + "\n")
  ChatBundleCommand.exit(withError: code)
}

private func readSmallFile(_ path: String) throws -> [UInt8] {
  guard let data = FileManager.default.contents(atPath: path) else {
    throw ValidationError("\(path): cannot read it")
  }
  guard data.count <= TimestampClient.replyLimit else {
    throw ValidationError("\(path): too large for a timestamp file")
  }
  return Array(data)
}

func loadCertificates(_ path: String) throws -> [LoadedCertificate] {
  do {
    return try CertificateFile.load(path)
  } catch {
    throw ValidationError(error.description)
  }
}

/// A timestamp as verify and timestamp print it: its time, TSA, policy, serial, and
/// whether it is trusted or why not.
func timestampLines(_ stamp: ProvenanceSummary.Timestamp, label: String) -> [String] {
  let time = stamp.timeText ?? stamp.time.map { UTCTime.timestamp(milliseconds: $0) } ?? "unknown time"
  var lines = [
    "\(label)\(stamp.valid ? "valid" : "INVALID"), \(time) by \(stamp.authority ?? "an unknown TSA")"
  ]
  let indent = String(repeating: " ", count: label.count)
  if stamp.policy != nil || stamp.serialNumber != nil {
    lines.append("\(indent)policy \(stamp.policy ?? "unknown"), serial \(stamp.serialNumber ?? "unknown")")
  }
  let trust: String
  switch (stamp.valid, stamp.trusted) {
  case (false, _): trust = "not valid: \(stamp.problem ?? "unknown problem")"
  case (true, nil): trust = "not checked against a root (pass --tsa-root CA.pem)"
  case (true, true?): trust = "TRUSTED (chains to a given root at its time)"
  case (true, false?): trust = "NOT TRUSTED: \(stamp.problem ?? "no chain to a given root")"
  }
  lines.append(indent + trust)
  return lines
}
