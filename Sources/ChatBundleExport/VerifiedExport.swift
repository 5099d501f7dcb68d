import ChatBundle

/// An exporter: it takes the events of a verifying pass and may fail while it does.
protocol BundleExporter: AnyObject {
  /// What the pass must hand over besides the messages.
  static var readingOptions: BundleReadingOptions { get }
  func handle(_ event: BundleEvent) throws
}

extension BundleExporter {
  static var readingOptions: BundleReadingOptions { BundleReadingOptions() }
}

/// Runs the verifying pass that feeds an exporter, and stops unless the bundle is valid:
/// the exporter's own failure first, then an unreadable file, then an invalid bundle.
/// Returns the report and the bundle id.
func verifiedExport<Exporter: BundleExporter>(
  _ bundle: String, into exporter: Exporter, options: BundleReadingOptions = Exporter.readingOptions
) throws -> (VerificationReport, String) {
  try verifiedExport(bundle, options: options) { try exporter.handle($0) }
}

/// The same pass for an exporter in another module of the package (`export pdf`).
package func verifiedExport(
  _ bundle: String, options: BundleReadingOptions, handle: (BundleEvent) throws -> Void
) throws -> (VerificationReport, String) {
  let report = try BundleReader(path: bundle, options: options).run { try handle($0) }
  if let readError = report.readError { throw ExportError.unreadable("cannot read \(bundle): \(readError)") }
  guard report.isValid, let bundleID = report.bundleID else { throw ExportError.invalidBundle(report) }
  return (report, bundleID)
}

/// Runs a step of an output's placement, reporting its refusal as an export's output error.
package func placing<Result>(_ body: () throws -> Result) throws -> Result {
  do {
    return try body()
  } catch let error as ChatBundleError {
    throw ExportError.output(error.description)
  }
}

/// Where an export that writes a directory builds it: with `force`, a directory of an
/// earlier export of the same kind (`what`; only files ending in `suffix`) is replaced,
/// otherwise anything at `destination` is refused.
package func exportDirectoryPlacement(
  _ destination: String, label: String, force: Bool, suffix: String, what: String
) throws -> OutputPlacement {
  try placing {
    try OutputPlacement(
      directory: destination, label: label,
      existing: force ? .replaceExport(suffix: suffix, what: what) : .refuse(hint: "pass --force to replace it"))
  }
}
