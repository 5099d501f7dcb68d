import ArgumentParser

extension ChatBundleCommand {
  struct Extract: ParsableCommand {
    func run() throws {}
  }
}
