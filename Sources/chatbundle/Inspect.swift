import ArgumentParser

extension ChatBundleCommand {
  struct Inspect: ParsableCommand {
    func run() throws {}
  }
}
