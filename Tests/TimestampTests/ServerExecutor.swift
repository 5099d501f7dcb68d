import Dispatch

/// Runs the test TSA's tasks on a queue of their own, as the fake Easemob server does: the
/// tests wait for `chatbundle` synchronously, and on two cores those waits could leave the
/// cooperative pool no thread for the server the child is talking to.
final class ServerExecutor: TaskExecutor {
  static let shared = ServerExecutor()

  private let queue = DispatchQueue(label: "test-tsa")

  func enqueue(_ job: consuming ExecutorJob) {
    let job = UnownedJob(job)
    queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
  }
}
