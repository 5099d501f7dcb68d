import ArchiveIO

/// Unbuffered writes to the standard streams.
enum FileStream {
  struct Output: Sendable {
    /// A failed write is dropped: a message that cannot reach a closed stderr (EPIPE) must
    /// not end the command, as FileHandle's write would.
    func write(_ text: String) { try? OpenFile.standardError.writeAll(text.utf8) }

    var isTerminal: Bool { OpenFile.standardError.isTerminal }
  }

  static let standardError = Output()
}

extension String {
  /// The text with every character that could steer a terminal escaped as `\u{…}`: C0 and
  /// C1 controls (escape sequences, carriage returns), DEL, and the bidirectional overrides
  /// that make text display in another order than it reads. Names, ids and messages in a
  /// bundle are untrusted, and a verifier's output must not be forgeable by them.
  var terminalSafe: String {
    guard unicodeScalars.contains(where: Self.isUnsafe) else { return self }
    var result = ""
    for scalar in unicodeScalars {
      if Self.isUnsafe(scalar) {
        result += "\\u{" + String(scalar.value, radix: 16) + "}"
      } else {
        result.unicodeScalars.append(scalar)
      }
    }
    return result
  }

  private static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
    let value = scalar.value
    return value < 0x20 || (0x7F...0x9F).contains(value) || (0x202A...0x202E).contains(value)
      || (0x2066...0x2069).contains(value) || value == 0x200E || value == 0x200F || value == 0x061C
  }
}

/// Prints lines to standard output, each made terminal-safe.
func printSafe(_ lines: String...) {
  for line in lines { print(line.terminalSafe) }
}
