import ChatBundle

/// A bundle reader that may fail while it is handed the content.
protocol ExportingDelegate: BundleReadingDelegate {
  var failure: Error? { get }
}

/// Runs the verifying pass that feeds an exporter, and stops unless the bundle is valid:
/// the exporter's own failure first, then an unreadable file, then an invalid bundle.
/// Returns the report and the bundle id.
func verifiedExport(_ bundle: String, into exporter: some ExportingDelegate) throws -> (VerificationReport, String) {
  let verifier = BundleVerifier(path: bundle)
  verifier.delegate = exporter
  let report = verifier.verify()
  if let failure = exporter.failure { throw failure }
  if let readError = report.readError { throw ExportError.unreadable("cannot read \(bundle): \(readError)") }
  guard report.isValid, let bundleID = report.bundleID else { throw ExportError.invalidBundle(report) }
  return (report, bundleID)
}

/// Runs a step of an output's placement, reporting its refusal as an export's output error.
func placing<Result>(_ body: () throws -> Result) throws -> Result {
  do {
    return try body()
  } catch let error as ChatBundleError {
    throw ExportError.output(error.description)
  }
}
