import ArgumentParser

extension ChatBundleCommand {
  struct Verify: ParsableCommand {
    func run() throws {}
  }
}
