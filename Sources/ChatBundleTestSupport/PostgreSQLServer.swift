import Foundation

/// A throwaway PostgreSQL server on 127.0.0.1 for one test: a new cluster in a temporary
/// directory, trust authentication for one user, stopped and removed when done. Run as
/// the `postgres` user when the tests run as root, since PostgreSQL refuses root.
public final class PostgreSQLServer {
  public let port: Int
  public let directory: TemporaryDirectory
  private let binaries: URL
  private let asUser: String?
  private let server: Process

  /// The server programs, or nil (with the reason) when PostgreSQL is not installed.
  public static func binaries() -> URL? {
    let root = URL(fileURLWithPath: "/usr/lib/postgresql")
    let versions = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
    for version in versions.sorted(by: { (Int($0) ?? 0) > (Int($1) ?? 0) }) {
      let bin = root.appendingPathComponent(version).appendingPathComponent("bin")
      if FileManager.default.isExecutableFile(atPath: bin.appendingPathComponent("initdb").path) { return bin }
    }
    return nil
  }

  public static var psql: URL? {
    ["/usr/bin/psql", "/usr/local/bin/psql"].map(URL.init(fileURLWithPath:)).first {
      FileManager.default.isExecutableFile(atPath: $0.path)
    }
  }

  public struct StartFailure: Error, CustomStringConvertible {
    public var description: String
  }

  public init() throws {
    guard let binaries = Self.binaries() else { throw StartFailure(description: "PostgreSQL is not installed") }
    self.binaries = binaries
    directory = try TemporaryDirectory("pg")
    asUser = getuid() == 0 ? "postgres" : nil
    // The server's user must reach its data and socket directory.
    try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: directory.path)
    try Self.run(
      binaries, asUser, "initdb",
      ["-D", directory.file("data"), "-A", "trust", "-U", "chatbundle", "--no-locale", "-E", "UTF8"])
    // The server runs in the foreground as this process's child (pg_ctl's daemon would
    // outlive its parent's bookkeeping); it is ready when pg_isready says so. A port that
    // another program holds makes it exit: another is tried.
    var started: (Int, Process)?
    for _ in 0..<5 where started == nil {
      let candidate = Int.random(in: 20_000...60_000)
      let server = Process()
      let postgres = binaries.appendingPathComponent("postgres").path
      let arguments = [
        "-D", directory.file("data"), "-p", String(candidate), "-k", directory.path, "-c",
        "listen_addresses=127.0.0.1", "-c", "fsync=off",
      ]
      if let asUser {
        server.executableURL = URL(fileURLWithPath: "/usr/sbin/runuser")
        server.arguments = ["-u", asUser, "--", postgres] + arguments
      } else {
        server.executableURL = URL(fileURLWithPath: postgres)
        server.arguments = arguments
      }
      server.standardInput = FileHandle.nullDevice
      server.standardOutput = FileHandle.nullDevice
      server.standardError = FileHandle.nullDevice
      try server.run()
      for _ in 0..<100 where server.isRunning {
        let ready = try? Self.run(
          binaries, nil, "pg_isready", ["-h", "127.0.0.1", "-p", String(candidate), "-q"])
        if ready != nil {
          started = (candidate, server)
          break
        }
        Thread.sleep(forTimeInterval: 0.2)
      }
      if started == nil && server.isRunning { server.terminate() }
    }
    guard let started else { throw StartFailure(description: "the PostgreSQL server did not start") }
    port = started.0
    server = started.1
  }

  deinit {
    try? Self.run(binaries, asUser, "pg_ctl", ["-D", directory.file("data"), "-m", "immediate", "-w", "stop"])
    if server.isRunning { server.terminate() }
    server.waitUntilExit()
  }

  /// The server that `pg_ctl start` leaves running inherits its output, so a pipe would
  /// never reach its end: the programs' output goes to a file instead, read on failure.
  private static func run(_ binaries: URL, _ asUser: String?, _ program: String, _ arguments: [String]) throws {
    let tool = binaries.appendingPathComponent(program)
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("pg-\(UUID().uuidString).out")
    defer { try? FileManager.default.removeItem(at: output) }
    FileManager.default.createFile(atPath: output.path, contents: nil)
    guard let handle = try? FileHandle(forWritingTo: output) else {
      throw StartFailure(description: "cannot write \(output.path)")
    }
    let process = Process()
    if let asUser {
      process.executableURL = URL(fileURLWithPath: "/usr/sbin/runuser")
      process.arguments = ["-u", asUser, "--", tool.path] + arguments
    } else {
      process.executableURL = tool
      process.arguments = arguments
    }
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = handle
    process.standardError = handle
    try process.run()
    process.waitUntilExit()
    try? handle.close()
    guard process.terminationStatus == 0 else {
      let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
      throw StartFailure(description: "\(program) failed: \(text)")
    }
  }

  /// Runs psql against database `postgres` as the cluster's user.
  @discardableResult
  public func psql(_ arguments: [String]) throws -> ProcessResult {
    guard let psql = Self.psql else { throw StartFailure(description: "psql is not installed") }
    return try runProcess(
      psql, ["-h", "127.0.0.1", "-p", String(port), "-U", "chatbundle", "-d", "postgres", "-X", "-q"] + arguments)
  }
}
