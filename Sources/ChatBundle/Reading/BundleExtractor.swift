import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Extracts a bundle while verifying it, into a fresh scratch directory that becomes the
/// destination only if the bundle is valid. Paths come from the manifest after they have
/// passed the path grammar, files are created with O_EXCL|O_NOFOLLOW, and nothing is
/// written outside the scratch directory.
public final class BundleExtractor: BundleReadingDelegate {
  private let scratch: String
  private var current: Int32 = -1
  private var failure: String?

  init(scratch: String) {
    self.scratch = scratch
  }

  deinit { if current >= 0 { close(current) } }

  public func didReadManifest(_ manifest: Manifest, bundleID: String, bytes: [UInt8]) {
    let descriptor = create(BundleLayout.manifest)
    guard descriptor >= 0 else { return }
    bytes.withUnsafeBytes { writeAll(descriptor, $0) }
    close(descriptor)
  }

  public func willReadEntry(_ entry: Manifest.FileEntry) -> Bool {
    guard failure == nil, PathRules.problem(relativePath: entry.path) == nil else { return false }
    current = create(entry.path)
    return current >= 0
  }

  public func didReadData(_ chunk: UnsafeRawBufferPointer, of entry: Manifest.FileEntry) {
    if current >= 0 { writeAll(current, chunk) }
  }

  public func didFinishEntry(_ entry: Manifest.FileEntry) {
    if current >= 0 {
      if fsync(current) != 0 { failure = "fsync failed for \(entry.path)" }
      close(current)
      current = -1
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
    let manager = FileManager.default
    var isDirectory: ObjCBool = false
    let exists = manager.fileExists(atPath: destination, isDirectory: &isDirectory)
    if exists {
      guard isDirectory.boolValue, (try manager.contentsOfDirectory(atPath: destination)).isEmpty else {
        throw ChatBundleError.io(path: destination, message: "exists and is not an empty directory")
      }
    }
    let trimmed = destination.hasSuffix("/") && destination.count > 1 ? String(destination.dropLast()) : destination
    let scratch = try makeTemporaryDirectory(in: parentDirectory(of: trimmed), prefix: ".chatbundle-extract")
    var keepScratch = false
    ScratchRegistry.shared.register(scratch)
    defer {
      if !keepScratch { removeTree(scratch) }
      ScratchRegistry.shared.unregister(scratch)
    }
    let extractor = BundleExtractor(scratch: scratch)
    let verifier = BundleVerifier(path: bundle)
    verifier.delegate = extractor
    let report = verifier.verify()
    if let failure = extractor.failure { throw ChatBundleError.io(path: destination, message: failure) }
    guard report.isValid else { return .invalid(report) }
    if exists {
      for name in try manager.contentsOfDirectory(atPath: scratch) {
        try manager.moveItem(atPath: scratch + "/" + name, toPath: trimmed + "/" + name)
      }
    } else {
      guard rename(scratch, trimmed) == 0 else {
        throw ChatBundleError.io(
          path: destination, message: "cannot move into place: \(String(cString: strerror(errno)))")
      }
      keepScratch = true
      chmod(trimmed, 0o755)
    }
    return .extracted(report)
  }
}
