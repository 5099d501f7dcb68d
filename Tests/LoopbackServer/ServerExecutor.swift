import Dispatch

/// Runs a test server's tasks on a queue of their own. The test process shares Swift's
/// cooperative pool (one thread per core) with suites that wait for a child process
/// synchronously; on two cores two such waits would leave the server no thread, and the
/// `chatbundle` it is serving would hang. A serial queue, because libdispatch gives every
/// serial queue a thread when it has work, however busy its pool is; the server's load is
/// a handful of requests.
final class ServerExecutor: TaskExecutor {
  static let shared = ServerExecutor()

  private let queue = DispatchQueue(label: "loopback-server")

  func enqueue(_ job: consuming ExecutorJob) {
    let job = UnownedJob(job)
    queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
  }
}
