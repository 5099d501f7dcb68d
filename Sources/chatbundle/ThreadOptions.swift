import ArgumentParser
import ChatBundle

/// `--threads`: how many threads a command parses records and compresses on. The output is
/// the same on any number; only the time changes.
struct ThreadOptions: ParsableArguments {
  @Option(
    help: """
      Threads that parse records and compress (reading, hashing and writing pages have threads of their own); \
      the output is byte for byte the same on any number. Default: the processors this process may use, at most 8.
      """)
  var threads: Int?

  func validate() throws {
    if let threads, !(1...256).contains(threads) { throw ValidationError("--threads takes 1 to 256") }
  }

  /// The number to use.
  var count: Int { threads ?? BundleReadingOptions().threads }
}
