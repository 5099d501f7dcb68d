/// What `redact --pattern` looks for in a message's strings. The built-in patterns check
/// what they can (an ID card's check digit, a bank card's Luhn sum, a mobile number's
/// prefix), so that ordinary numbers, timestamps and ids are not hit.
public enum RedactionPattern: Sendable, Hashable, CustomStringConvertible {
  /// A mainland China mobile number: 11 digits starting 13–19, whole or as 3-4-4 with
  /// spaces or hyphens, optionally after +86.
  case chineseMobile
  /// An 18-character resident ID card number (GB 11643): a plausible birth date and the
  /// ISO 7064 MOD 11-2 check character.
  case chineseIDCard
  case email
  /// 16 to 19 digits, whole or in groups of four, that pass the Luhn check.
  case bankCard
  /// A regular expression in Swift's syntax; matches are taken as they are.
  case regex(String)

  /// The names `--pattern` takes for the built-in patterns.
  public init(name: String) {
    switch name {
    case "phone", "mobile": self = .chineseMobile
    case "idcard": self = .chineseIDCard
    case "email": self = .email
    case "bankcard": self = .bankCard
    default: self = .regex(name)
    }
  }

  public var description: String {
    switch self {
    case .chineseMobile: "phone"
    case .chineseIDCard: "idcard"
    case .email: "email"
    case .bankCard: "bankcard"
    case .regex(let source): "regex \(source)"
    }
  }
}

/// Finds a pattern's matches in a string, as UTF-8 byte ranges.
package struct RedactionMatcher {
  let pattern: RedactionPattern
  private let regex: Regex<AnyRegexOutput>?
  /// A regex without metacharacters is searched for as bytes: most user patterns are a
  /// name or a number, and a byte search is a hundred times quicker than the Regex engine.
  private let literal: [UInt8]?

  package init(_ pattern: RedactionPattern) throws {
    self.pattern = pattern
    if case .regex(let source) = pattern {
      do {
        regex = try Regex(source)
      } catch {
        throw ChatBundleError.invalidOption("--pattern \(source) is not a regular expression: \(error)")
      }
      let metacharacters = Set("\\^$.|?*+()[]{}".utf8)
      literal = source.utf8.contains(where: metacharacters.contains) || source.isEmpty ? nil : Array(source.utf8)
    } else {
      regex = nil
      literal = nil
    }
  }

  /// The matches in `text`, in order, not overlapping; each a range of UTF-8 byte offsets.
  package func matches(in text: String) -> [Range<Int>] {
    if let literal { return Self.occurrences(of: literal, in: Array(text.utf8)) }
    if let regex {
      var ranges: [Range<Int>] = []
      for match in text.matches(of: regex) where !match.range.isEmpty {
        let start = text.utf8.distance(from: text.startIndex, to: match.range.lowerBound)
        let end = text.utf8.distance(from: text.startIndex, to: match.range.upperBound)
        ranges.append(start..<end)
      }
      return ranges
    }
    // Every built-in pattern needs eleven digits, or an @: most strings have neither.
    var digits = 0
    var at = false
    for byte in text.utf8 {
      if Self.isDigit(byte) { digits += 1 } else if byte == 0x40 { at = true }
    }
    if pattern == .email ? !at : digits < 11 { return [] }
    let bytes = Array(text.utf8)
    switch pattern {
    case .chineseMobile: return Self.mobileNumbers(bytes)
    case .chineseIDCard: return Self.idCards(bytes)
    case .email: return Self.emails(bytes)
    case .bankCard: return Self.bankCards(bytes)
    case .regex: return []
    }
  }

  /// Where `needle` occurs in `haystack`, left to right, not overlapping.
  static func occurrences(of needle: [UInt8], in haystack: [UInt8]) -> [Range<Int>] {
    guard let first = needle.first, needle.count <= haystack.count else { return [] }
    var ranges: [Range<Int>] = []
    var index = 0
    while index + needle.count <= haystack.count {
      if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) {
        ranges.append(index..<(index + needle.count))
        index += needle.count
      } else {
        index += 1
      }
    }
    return ranges
  }

  private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

  private static func isASCIIAlphanumeric(_ byte: UInt8) -> Bool {
    isDigit(byte) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A)
  }

  /// Reads digits from `start`, in groups of the given sizes separated by one space or
  /// hyphen (the same throughout), or with no separator at all; returns the digits and
  /// where they end.
  private static func groupedDigits(_ bytes: [UInt8], from start: Int, groups: [Int]) -> (
    digits: [UInt8], end: Int
  )? {
    let total = groups.reduce(0, +)
    if start + total <= bytes.count, bytes[start..<(start + total)].allSatisfy(isDigit) {
      return (Array(bytes[start..<(start + total)]), start + total)
    }
    var digits: [UInt8] = []
    var index = start
    var separator: UInt8?
    for (number, size) in groups.enumerated() {
      if number > 0 {
        guard index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x2D else { return nil }
        if let separator, separator != bytes[index] { return nil }
        separator = bytes[index]
        index += 1
      }
      guard index + size <= bytes.count, bytes[index..<(index + size)].allSatisfy(isDigit) else { return nil }
      digits += bytes[index..<(index + size)]
      index += size
    }
    return (digits, index)
  }

  static func mobileNumbers(_ bytes: [UInt8]) -> [Range<Int>] {
    var ranges: [Range<Int>] = []
    var index = 0
    while index < bytes.count {
      defer { index += 1 }
      guard bytes[index] == 0x31, index + 1 < bytes.count, bytes[index + 1] >= 0x33, bytes[index + 1] <= 0x39 else {
        continue
      }
      // "+86" directly before is a prefix, any other digit before makes it part of a longer number.
      let afterCountryCode =
        index >= 3 && bytes[index - 3] == 0x2B && bytes[index - 2] == 0x38 && bytes[index - 1] == 0x36
      if index > 0, isDigit(bytes[index - 1]), !afterCountryCode { continue }
      guard let (_, end) = groupedDigits(bytes, from: index, groups: [3, 4, 4]) else { continue }
      if end < bytes.count, isDigit(bytes[end]) { continue }
      ranges.append(index..<end)
      index = end - 1
    }
    return ranges
  }

  private static let idCardWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  private static let idCardCheck = Array("10X98765432".utf8)

  static func idCards(_ bytes: [UInt8]) -> [Range<Int>] {
    var ranges: [Range<Int>] = []
    var index = 0
    while index + 18 <= bytes.count {
      defer { index += 1 }
      if index > 0, isASCIIAlphanumeric(bytes[index - 1]) { continue }
      let digits = bytes[index..<(index + 17)]
      guard digits.allSatisfy(isDigit) else { continue }
      let last = bytes[index + 17]
      guard isDigit(last) || last == 0x58 || last == 0x78 else { continue }
      if index + 18 < bytes.count, isASCIIAlphanumeric(bytes[index + 18]) { continue }
      let values = digits.map { Int($0 - 0x30) }
      let sum = zip(values, idCardWeights).reduce(0) { $0 + $1.0 * $1.1 }
      guard idCardCheck[sum % 11] == (last == 0x78 ? 0x58 : last) else { continue }
      let year = values[6..<10].reduce(0) { $0 * 10 + $1 }
      let month = values[10] * 10 + values[11]
      let day = values[12] * 10 + values[13]
      guard (1900...2099).contains(year), (1...12).contains(month), (1...31).contains(day) else { continue }
      ranges.append(index..<(index + 18))
      index += 17
    }
    return ranges
  }

  static func bankCards(_ bytes: [UInt8]) -> [Range<Int>] {
    var ranges: [Range<Int>] = []
    var index = 0
    while index < bytes.count {
      defer { index += 1 }
      guard isDigit(bytes[index]), index == 0 || !isDigit(bytes[index - 1]) else { continue }
      var run = index
      while run < bytes.count, isDigit(bytes[run]) { run += 1 }
      var found: (digits: [UInt8], end: Int)?
      if (16...19).contains(run - index) {
        found = (Array(bytes[index..<run]), run)
      } else if run - index == 4 {
        // Groups of four, the last of three or four: the 16 to 19 digits cards print.
        for groups in [[4, 4, 4, 4, 3], [4, 4, 4, 4], [4, 4, 4, 3], [4, 4, 4, 4, 4]] {
          if let candidate = groupedDigits(bytes, from: index, groups: groups),
            candidate.end == bytes.count || !isDigit(bytes[candidate.end]),
            (16...19).contains(candidate.digits.count)
          {
            found = candidate
            break
          }
        }
      }
      guard let found, luhn(found.digits) else {
        index = run - 1
        continue
      }
      ranges.append(index..<found.end)
      index = found.end - 1
    }
    return ranges
  }

  static func luhn(_ digits: [UInt8]) -> Bool {
    var sum = 0
    for (offset, byte) in digits.reversed().enumerated() {
      var value = Int(byte - 0x30)
      if offset % 2 == 1 {
        value *= 2
        if value > 9 { value -= 9 }
      }
      sum += value
    }
    return sum % 10 == 0
  }

  private static func isLocalPart(_ byte: UInt8) -> Bool {
    isASCIIAlphanumeric(byte) || byte == 0x2E || byte == 0x5F || byte == 0x25 || byte == 0x2B || byte == 0x2D
  }

  private static func isDomainPart(_ byte: UInt8) -> Bool { isASCIIAlphanumeric(byte) || byte == 0x2D || byte == 0x2E }

  static func emails(_ bytes: [UInt8]) -> [Range<Int>] {
    var ranges: [Range<Int>] = []
    var index = 0
    while index < bytes.count {
      defer { index += 1 }
      guard bytes[index] == 0x40 else { continue }
      var start = index
      while start > (ranges.last?.upperBound ?? 0), isLocalPart(bytes[start - 1]) { start -= 1 }
      while start < index, bytes[start] == 0x2E { start += 1 }
      guard start < index else { continue }
      var end = index + 1
      while end < bytes.count, isDomainPart(bytes[end]) { end += 1 }
      while end > index + 1, bytes[end - 1] == 0x2E || bytes[end - 1] == 0x2D { end -= 1 }
      let labels = bytes[(index + 1)..<end].split(separator: 0x2E, omittingEmptySubsequences: false)
      guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty }), let top = labels.last, top.count >= 2,
        top.allSatisfy({ !isDigit($0) && $0 != 0x2D })
      else { continue }
      ranges.append(start..<end)
      index = end - 1
    }
    return ranges
  }
}
