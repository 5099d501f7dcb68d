import Foundation

/// Unbuffered writes to the standard streams.
enum FileStream {
  struct Output {
    let handle: FileHandle
    func write(_ text: String) { handle.write(Data(text.utf8)) }
  }

  static let standardError = Output(handle: .standardError)
}
