import ChatBundle
import ChatBundleTestSupport
import Foundation
import Testing

/// Every integer a bundle holds, set to the extremes: verify must never trap on the
/// arithmetic that follows (a trap would end the test process, which fails the run), must
/// refuse every value outside 0…2^63−1 with an issue code, and may accept 2^63−1 only where
/// nothing else in the bundle contradicts it.
@Suite struct IntegerSweepTests {
  static let largest = "9223372036854775807"
  static let extremes = [largest, "-1", "-9223372036854775808", "9223372036854775808", "18446744073709551615"]

  /// The paths of every integer in `value`, as key and index steps.
  static func integerPaths(_ value: JSONValue, under path: [JSONPathStep] = []) -> [[JSONPathStep]] {
    switch value {
    case .number(let literal) where !literal.contains(".") && !literal.contains("e"): return [path]
    case .object(let object):
      return object.members.flatMap { integerPaths($0.value, under: path + [.key($0.key)]) }
    case .array(let elements):
      return elements.enumerated().flatMap { integerPaths($1, under: path + [.index($0)]) }
    default: return []
    }
  }

  enum JSONPathStep { case key(String), index(Int) }

  static func isRaw(_ path: [JSONPathStep]) -> Bool {
    guard path.count >= 2, case .key("source") = path[0], case .key("raw") = path[1] else { return false }
    return true
  }

  static func replacing(_ path: ArraySlice<JSONPathStep>, in value: JSONValue, with literal: String) -> JSONValue {
    guard let step = path.first else { return .number(literal) }
    switch (step, value) {
    case (.key(let key), .object(var object)):
      guard let index = object.members.firstIndex(where: { $0.key == key }) else { return value }
      object.members[index].value = replacing(path.dropFirst(), in: object.members[index].value, with: literal)
      return .object(object)
    case (.index(let index), .array(var elements)):
      elements[index] = replacing(path.dropFirst(), in: elements[index], with: literal)
      return .array(elements)
    default:
      return value
    }
  }

  func verify(_ bundle: FixtureBundle, in directory: TemporaryDirectory) throws -> VerificationReport {
    BundleVerifier(path: try directory.write("sweep.tar.gz", bundle.gzipped())).verify()
  }

  @Test func everyManifestInteger() throws {
    let sample = try FixtureBundle.sample()
    let manifest = try JSONParser.parse(sample.manifest.serialized())
    let paths = Self.integerPaths(manifest)
    #expect(paths.count > 20)
    let directory = try TemporaryDirectory()
    for path in paths {
      for literal in Self.extremes {
        var bundle = sample
        bundle.manifestBytes = JSONWriter.serialize(Self.replacing(path[...], in: manifest, with: literal)) + [0x0A]
        let report = try verify(bundle, in: directory)
        if literal != Self.largest {
          #expect(!report.isValid && report.errorCount > 0, "\(path) = \(literal) was accepted")
        }
      }
    }
  }

  @Test func everyIntegerOfEveryLine() throws {
    let sample = try FixtureBundle.sample()
    let directory = try TemporaryDirectory()
    var checked = 0
    for file in sample.files where !file.path.hasPrefix("media/") {
      let lines = file.bytes.split(separator: 0x0A).map(Array.init)
      for (number, line) in lines.enumerated() {
        let value = try JSONParser.parse(line)
        // `source.raw` may hold any JSON at all.
        for path in Self.integerPaths(value) where !Self.isRaw(path) {
          for literal in Self.extremes {
            var bundle = sample
            var edited = lines
            edited[number] = JSONWriter.serialize(Self.replacing(path[...], in: value, with: literal))
            bundle.replace(file.path, with: edited.flatMap { $0 + [0x0A] })
            bundle.reseal()
            let report = try verify(bundle, in: directory)
            if literal != Self.largest {
              #expect(!report.isValid, "\(file.path):\(number + 1) \(path) = \(literal) was accepted")
            }
            checked += 1
          }
        }
      }
    }
    #expect(checked > 300)
  }
}
