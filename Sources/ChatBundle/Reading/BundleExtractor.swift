import ArchiveIO
import Foundation

/// Extracts a bundle while verifying it, into a fresh scratch directory that becomes the
/// destination only if the bundle is valid. Paths come from the manifest after they have
/// passed the path grammar, files are created with O_EXCL|O_NOFOLLOW, and nothing is
/// written outside the scratch directory.
public final class BundleExtractor {
  private let scratch: String
  private var current: OpenFile?
  private var failure: String?

  init(scratch: String) {
    self.scratch = scratch
  }

  /// Everything is extracted, the manifest first.
  static let options = BundleReadingOptions(data: .all)

  func handle(_ event: BundleEvent) {
    guard failure == nil else { return }
    switch event {
    case .manifest(let record):
      guard let file = create(BundleLayout.manifest) else { return }
      write(record.bytes, to: file)
    case .entryStarted(let entry):
      // Listed paths have passed the grammar already; checked again because they become
      // file names here.
      guard PathRules.problem(relativePath: entry.path) == nil else {
        failure = "refusing to create '\(entry.path)'"
        return
      }
      current = create(entry.path)
    case .data(let bytes):
      if let current { write(bytes, to: current) }
    case .entryFinished(let entry):
      if let current {
        if (try? current.sync()) == nil { failure = "fsync failed for \(entry.path)" }
        self.current = nil
      }
    default:
      break
    }
  }

  private func create(_ relative: String) -> OpenFile? {
    do { try makeDirectories(relative.split(separator: "/").dropLast().joined(separator: "/"), in: scratch) } catch {
      failure = "\(error)"
      return nil
    }
    let path = scratch + "/" + relative
    do {
      return try OpenFile(
        path, .writeOnly, options: [.create, .exclusiveCreate, .noFollow],
        permissions: [.ownerReadWrite, .groupRead, .otherRead])
    } catch {
      failure = "cannot create \(path): \(error.message)"
      return nil
    }
  }

  private func write(_ bytes: [UInt8], to file: OpenFile) {
    do { try file.writeAll(bytes) } catch { failure = "write failed: \(error.message)" }
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
    do { try FileSystem.makeDirectory(built, permissions: 0o700) } catch {
      throw ChatBundleError.io(error, "cannot create")
    }
    let extractor = BundleExtractor(scratch: built)
    let report = BundleReader(path: bundle, options: Self.options).run { extractor.handle($0) }
    if let failure = extractor.failure { throw ChatBundleError.io(path: destination, message: failure) }
    guard report.isValid else { return .invalid(report) }
    try placement.commit(built)
    return .extracted(report)
  }
}
