import Dispatch

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// SIGINT and SIGTERM delivered to a handler on a dispatch queue rather than in a signal
/// handler, where file calls are unsafe. The default action (dying at once) is turned off
/// while this is installed, so the handler decides how the process ends.
public final class InterruptSignals {
  private let sources: [any DispatchSourceSignal]

  /// Installs `handler`, called with the signal's number (SIGINT 2, SIGTERM 15).
  public init(_ handler: @escaping @Sendable (Int32) -> Void) {
    sources = [SIGINT, SIGTERM].map { number in
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
      source.setEventHandler { handler(number) }
      source.resume()
      return source
    }
  }

  /// Stops delivering signals to the handler.
  public func cancel() { sources.forEach { $0.cancel() } }
}
