import ArchiveIO
import ChatBundle
import ChatBundleExport
import Foundation

/// Headless Chromium's print engine, run once per document: a profile of its own in the
/// scratch directory, every network request refused (the pages also forbid any load but
/// their own files with a Content-Security-Policy), a time limit, and a check that what
/// it wrote is a PDF.
struct ChromiumPrinter {
  /// Names looked for on PATH, in order, when `--chromium` is not given.
  static let programNames = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]
  static let installHint =
    "install it (Debian or Ubuntu: apt-get install chromium fonts-noto-cjk) or name it with --chromium PATH"

  let executable: String
  /// The `--user-data-dir`, made fresh in the scratch directory.
  let profile: String
  let timeoutSeconds: Int

  /// The program `explicit` names (a path, or a name looked up on PATH), or the first of
  /// `programNames` on PATH.
  static func locate(_ explicit: String?, path: String? = ProcessInfo.processInfo.environment["PATH"]) throws
    -> String
  {
    let directories = (path ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
    func find(_ name: String) -> String? {
      directories.lazy.map { $0 + "/" + name }.first { isProgram($0) }
    }
    if let explicit {
      if explicit.contains("/") {
        guard isProgram(explicit) else {
          throw ExportError.output("--chromium \(explicit): no such program (not an executable file); \(installHint)")
        }
        return explicit
      }
      guard let found = find(explicit) else {
        throw ExportError.output("--chromium \(explicit): no such program on PATH; \(installHint)")
      }
      return found
    }
    for name in programNames {
      if let found = find(name) { return found }
    }
    throw ExportError.output(
      "export pdf prints with headless Chromium, and none was found on PATH (looked for "
        + programNames.joined(separator: ", ") + "); " + installHint)
  }

  private static func isProgram(_ path: String) -> Bool {
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
      && FileManager.default.isExecutableFile(atPath: path)
  }

  /// Prints `html` (a file in the scratch directory) to `pdf`; Chromium's output goes to `log`.
  func print(html: String, to pdf: String, log: String) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = [
      "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
      "--disable-extensions", "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--disable-default-apps", "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9",
      "--user-data-dir=" + profile, "--no-pdf-header-footer", "--generate-pdf-document-outline",
      "--print-to-pdf=" + pdf, URL(fileURLWithPath: html).absoluteString,
    ]
    var environment = ProcessInfo.processInfo.environment
    // Chromium writes the PDF's dates in its zone; UTC keeps their length fixed for
    // `PDFDates.normalize`.
    environment["TZ"] = "UTC"
    process.environment = environment
    guard FileManager.default.createFile(atPath: log, contents: nil),
      let output = FileHandle(forWritingAtPath: log)
    else { throw ExportError.output("cannot create \(log)") }
    defer { try? output.close() }
    process.standardOutput = output
    process.standardError = output
    process.standardInput = FileHandle.nullDevice
    let finished = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in finished.signal() }
    do {
      try process.run()
    } catch {
      throw ExportError.output("cannot run \(executable): \(error.localizedDescription); \(Self.installHint)")
    }
    if finished.wait(timeout: .now() + .seconds(timeoutSeconds)) == .timedOut {
      process.terminate()
      _ = finished.wait(timeout: .now() + .seconds(10))
      throw ExportError.output(
        "\(executable) did not finish printing \(baseName(html)) within \(timeoutSeconds) s; stopped it")
    }
    guard process.terminationStatus == 0, process.terminationReason == .exit else {
      throw ExportError.output(
        "\(executable) failed printing \(baseName(html)) (exit \(process.terminationStatus)): " + Self.tail(of: log))
    }
    let head = (try? OpenFile(pdf, .readOnly).read(count: 5, at: 0)) ?? []
    guard head == Array("%PDF-".utf8) else {
      throw ExportError.output(
        "\(executable) exited without writing a PDF for \(baseName(html)): " + Self.tail(of: log))
    }
  }

  private func baseName(_ path: String) -> String { String(path.split(separator: "/").last ?? "") }

  /// The last lines Chromium wrote, for an error message.
  static func tail(of log: String) -> String {
    let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
    let lines = text.split(separator: "\n").suffix(3).joined(separator: " | ")
    return lines.isEmpty ? "no output" : String(lines.suffix(600))
  }
}
