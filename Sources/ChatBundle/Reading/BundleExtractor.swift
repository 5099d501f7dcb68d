import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Extracts a bundle while verifying it, into a fresh scratch directory that becomes the
/// destination only if the bundle is valid. Paths come from the manifest after they have
/// passed the path grammar, files are created with O_EXCL|O_NOFOLLOW, and nothing is
/// written outside the scratch directory.
public final class BundleExtractor {
  private let scratch: String
  private var current: Int32 = -1
  private var failure: String?

  init(scratch: String) {
    self.scratch = scratch
  }

  deinit { if current >= 0 { close(current) } }

  /// Everything is extracted, the manifest first.
  static let options = BundleReadingOptions(data: .all)

  func handle(_ event: BundleEvent) {
    guard failure == nil else { return }
    switch event {
    case .manifest(let record):
      let descriptor = create(BundleLayout.manifest)
      guard descriptor >= 0 else { return }
      record.bytes.withUnsafeBytes { writeAll(descriptor, $0) }
      close(descriptor)
    case .entryStarted(let entry):
      // Listed paths have passed the grammar already; checked again because they become
      // file names here.
      guard PathRules.problem(relativePath: entry.path) == nil else {
        failure = "refusing to create '\(entry.path)'"
        return
      }
      current = create(entry.path)
    case .data(let bytes):
      if current >= 0 { bytes.withUnsafeBytes { writeAll(current, $0) } }
    case .entryFinished(let entry):
      if current >= 0 {
        if fsync(current) != 0 { failure = "fsync failed for \(entry.path)" }
        close(current)
        current = -1
      }
    default:
      break
    }
  }

  private func create(_ relative: String) -> Int32 {
    let parts = relative.split(separator: "/")
    var directory = scratch
    for part in parts.dropLast() {
      directory += "/" + part
      if mkdir(directory, 0o755) != 0 && errno != EEXIST {
        failure = "cannot create \(directory): \(String(cString: strerror(errno)))"
        return -1
      }
    }
    let path = scratch + "/" + relative
    let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
    if descriptor < 0 { failure = "cannot create \(path): \(String(cString: strerror(errno)))" }
    return descriptor
  }

  private func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) {
    guard var pointer = bytes.baseAddress else { return }
    var left = bytes.count
    while left > 0 {
      let written = write(descriptor, pointer, left)
      if written < 0 {
        if errno == EINTR { continue }
        failure = "write failed: \(String(cString: strerror(errno)))"
        return
      }
      pointer += written
      left -= written
    }
  }

  public enum Outcome {
    case extracted(VerificationReport)
    case invalid(VerificationReport)
  }

  /// Verifies and extracts `bundle` into `destination`, which must not exist or be empty.
  public static func extract(bundle: String, into destination: String) throws -> Outcome {
    let placement = try OutputPlacement(
      directory: destination, label: "extract", existing: .refuse(hint: nil))
    defer { placement.discard() }
    let built = placement.scratch + "/bundle"
    guard mkdir(built, 0o700) == 0 else {
      throw ChatBundleError.io(path: built, message: "cannot create: \(String(cString: strerror(errno)))")
    }
    let extractor = BundleExtractor(scratch: built)
    let report = BundleReader(path: bundle, options: Self.options).run { extractor.handle($0) }
    if let failure = extractor.failure { throw ChatBundleError.io(path: destination, message: failure) }
    guard report.isValid else { return .invalid(report) }
    try placement.commit(built)
    return .extracted(report)
  }
}
