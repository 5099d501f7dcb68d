import Hummingbird
import Logging
import NIOCore

/// A Hummingbird server on 127.0.0.1 at a port of the system's choosing, for as long as a
/// test's body runs: the fake Easemob server and the test TSA both start this way. Its
/// tasks run on `ServerExecutor`, so tests that wait for a child synchronously cannot
/// starve it; a request still stalled when the body ends is cut off.
public enum LoopbackServer {
  public enum ServerError: Error { case notStarted }

  /// Runs `body` with the server's port; `answer` answers every request.
  public static func serve<Context: RequestContext, Result>(
    label: String, context: Context.Type,
    answer: @escaping @Sendable (Request, Context) async throws -> Response, _ body: (Int) async throws -> Result
  ) async throws -> Result where Context.Source == ApplicationRequestContextSource {
    let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
    var logger = Logger(label: label)
    logger.logLevel = .critical
    let app = Application(
      responder: CallbackResponder(callback: answer),
      configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
      onServerRunning: { channel in
        portSink.yield(channel.localAddress?.port ?? 0)
        portSink.finish()
      },
      logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask(executorPreference: ServerExecutor.shared) {
        defer { portSink.finish() }
        try await app.run()
      }
      var port = 0
      for await value in ports { port = value }
      guard port > 0 else {
        group.cancelAll()
        throw ServerError.notStarted
      }
      do {
        let result = try await body(port)
        group.cancelAll()
        return result
      } catch {
        group.cancelAll()
        throw error
      }
    }
  }
}
