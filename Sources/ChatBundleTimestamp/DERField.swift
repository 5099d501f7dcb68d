import SwiftASN1

/// Small readers for the DER fields the timestamp structures share. Each checks the tag
/// and throws `TimestampError.malformed` naming the field, so that no malformed input
/// traps or is taken for something else.
enum DERField {
  /// Parses `bytes` as exactly one DER element.
  static func parse(_ bytes: some Collection<UInt8>, _ what: String) throws(TimestampError) -> ASN1Node {
    do {
      return try DER.parse(Array(bytes))
    } catch {
      throw .malformed("\(what) is not DER")
    }
  }

  /// Runs a SwiftASN1 reader, turning its errors into a `malformed` naming `what`.
  static func read<T>(_ what: String, _ body: () throws -> T) throws(TimestampError) -> T {
    do {
      return try body()
    } catch let error as TimestampError {
      throw error
    } catch {
      throw .malformed("\(what) is malformed")
    }
  }

  /// An INTEGER's content bytes, checked to be minimal (DER), as the value's identity:
  /// two DER integers are equal exactly when these bytes are.
  static func integerBytes(_ node: ASN1Node, _ what: String) throws -> [UInt8] {
    guard node.identifier == .integer, case .primitive(let bytes) = node.content, let first = bytes.first else {
      throw TimestampError.malformed("\(what) is not an INTEGER")
    }
    if bytes.count > 1 {
      let second = bytes[bytes.index(after: bytes.startIndex)]
      if (first == 0 && second & 0x80 == 0) || (first == 0xFF && second & 0x80 != 0) {
        throw TimestampError.malformed("\(what) is not a minimal INTEGER")
      }
    }
    return Array(bytes)
  }

  /// A small non-negative INTEGER (versions, accuracy), range-checked.
  static func smallInteger(_ node: ASN1Node, _ what: String, in range: ClosedRange<Int>) throws -> Int {
    let bytes = try integerBytes(node, what)
    guard bytes.count <= 4, bytes[0] & 0x80 == 0 else { throw TimestampError.malformed("\(what) is out of range") }
    var value = 0
    for byte in bytes { value = value << 8 | Int(byte) }
    guard range.contains(value) else { throw TimestampError.malformed("\(what) is out of range") }
    return value
  }

  /// An AlgorithmIdentifier: its OID and its parameters (nil when absent).
  static func algorithm(_ node: ASN1Node, _ what: String) throws -> (ASN1ObjectIdentifier, ASN1Node?) {
    try DER.sequence(node, identifier: .sequence) { nodes in
      let oid = try ASN1ObjectIdentifier(derEncoded: &nodes)
      let parameters = nodes.next()
      guard nodes.next() == nil else { throw TimestampError.malformed("\(what) has extra fields") }
      return (oid, parameters)
    }
  }

  /// A hash AlgorithmIdentifier, whose parameters must be absent or NULL (RFC 5754).
  static func digestAlgorithm(_ node: ASN1Node, _ what: String) throws -> ASN1ObjectIdentifier {
    let (oid, parameters) = try algorithm(node, what)
    if let parameters {
      guard parameters.identifier == .null, case .primitive(let bytes) = parameters.content, bytes.isEmpty else {
        throw TimestampError.malformed("\(what) has parameters a hash does not take")
      }
    }
    return oid
  }

  static func octets(_ node: ASN1Node, _ what: String) throws -> [UInt8] {
    guard node.identifier == .octetString, case .primitive(let bytes) = node.content else {
      throw TimestampError.malformed("\(what) is not an OCTET STRING")
    }
    return Array(bytes)
  }

  static func next(_ nodes: inout ASN1NodeCollection.Iterator, _ what: String) throws -> ASN1Node {
    guard let node = nodes.next() else { throw TimestampError.malformed("\(what) is missing") }
    return node
  }

  static func hex(_ bytes: some Sequence<UInt8>) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    for byte in bytes {
      text.append(digits[Int(byte >> 4)])
      text.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: text, as: UTF8.self)
  }
}
