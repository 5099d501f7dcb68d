import ArchiveIO
import ChatBundle

/// Reads the `--people` file that maps user, group and chat-room ids to display names.
///
/// Accepted shapes: CSV with a header naming an `id` and a `name` column (RFC 4180 quoting,
/// UTF-8, an optional BOM), a JSON object `{"id": "name"}`, or a JSON array of
/// `{"id": …, "name": …}` objects.
public enum PeopleFile {
  public static func load(_ path: String) throws -> [Identifier: String] {
    var bytes: [UInt8] = []
    do {
      let (stream, _, _) = try openPossiblyCompressedFile(path: path)
      var buffer = [UInt8](repeating: 0, count: 1 << 16)
      while true {
        let count = try buffer.withUnsafeMutableBytes { try stream.read(into: $0) }
        if count == 0 { break }
        bytes += buffer[0..<count]
        if bytes.count > 256 << 20 {
          throw ImportError.invalidPeopleFile(path: path, line: nil, message: "larger than 256 MiB")
        }
      }
    } catch let error as ImportError {
      throw error
    } catch {
      throw ImportError.invalidPeopleFile(path: path, line: nil, message: "\(error)")
    }
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
    let first = bytes.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
    if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") { return try parseJSON(bytes, path: path) }
    return try parseCSV(bytes, path: path)
  }

  static func parseJSON(_ bytes: [UInt8], path: String) throws -> [Identifier: String] {
    let value: JSONValue
    do {
      value = try JSONParser.parse(bytes, options: .lenient)
    } catch {
      throw ImportError.invalidPeopleFile(path: path, line: nil, message: "invalid JSON: \(error)")
    }
    var names: [Identifier: String] = [:]
    switch value {
    case .object(let object):
      for member in object.members {
        guard let name = member.value.stringValue else {
          throw ImportError.invalidPeopleFile(
            path: path, line: nil, message: "the name of \"\(member.key)\" is not a string")
        }
        names[Identifier(member.key)] = name
      }
    case .array(let elements):
      for (index, element) in elements.enumerated() {
        guard let object = element.objectValue, let id = object["id"]?.stringValue ?? object["id"]?.numberLiteral,
          let name = object["name"]?.stringValue
        else {
          throw ImportError.invalidPeopleFile(
            path: path, line: nil, message: "element \(index + 1) needs string \"id\" and \"name\"")
        }
        names[Identifier(id)] = name
      }
    default:
      throw ImportError.invalidPeopleFile(path: path, line: nil, message: "expected an object or an array")
    }
    return names
  }

  static func parseCSV(_ bytes: [UInt8], path: String) throws -> [Identifier: String] {
    let rows = try CSVReader.rows(String(decoding: bytes, as: UTF8.self), path: path)
    guard let header = rows.first else { return [:] }
    let lowered = header.fields.map { $0.trimmingSpaces.lowercased() }
    guard let idColumn = lowered.firstIndex(of: "id"), let nameColumn = lowered.firstIndex(of: "name") else {
      throw ImportError.invalidPeopleFile(
        path: path, line: 1, message: "the header must name an 'id' and a 'name' column")
    }
    var names: [Identifier: String] = [:]
    for row in rows.dropFirst() {
      if row.fields.allSatisfy({ $0.isEmpty }) { continue }
      guard row.fields.count > max(idColumn, nameColumn) else {
        throw ImportError.invalidPeopleFile(
          path: path, line: row.line, message: "expected \(header.fields.count) columns")
      }
      let id = row.fields[idColumn].trimmingSpaces
      guard !id.isEmpty else { throw ImportError.invalidPeopleFile(path: path, line: row.line, message: "empty id") }
      names[Identifier(id)] = row.fields[nameColumn]
    }
    return names
  }
}

/// RFC 4180 fields, with the line each row starts on.
enum CSVReader {
  struct Row {
    var fields: [String]
    var line: Int64
  }

  static func rows(_ text: String, path: String) throws -> [Row] {
    var rows: [Row] = []
    var fields: [String] = []
    var field = ""
    var inQuotes = false
    var line: Int64 = 1
    var rowLine: Int64 = 1
    var iterator = Array(text.unicodeScalars).makeIterator()
    var pending: Unicode.Scalar? = nil
    func next() -> Unicode.Scalar? {
      if let scalar = pending {
        pending = nil
        return scalar
      }
      return iterator.next()
    }
    while let scalar = next() {
      if inQuotes {
        if scalar == "\"" {
          if let following = next() {
            if following == "\"" {
              field.unicodeScalars.append("\"")
            } else {
              inQuotes = false
              pending = following
            }
          } else {
            inQuotes = false
          }
        } else {
          if scalar == "\n" { line += 1 }
          field.unicodeScalars.append(scalar)
        }
        continue
      }
      switch scalar {
      case "\"" where field.isEmpty: inQuotes = true
      case ",":
        fields.append(field)
        field = ""
      case "\r": continue
      case "\n":
        fields.append(field)
        rows.append(Row(fields: fields, line: rowLine))
        fields = []
        field = ""
        line += 1
        rowLine = line
      default: field.unicodeScalars.append(scalar)
      }
    }
    if inQuotes { throw ImportError.invalidPeopleFile(path: path, line: rowLine, message: "unterminated quoted field") }
    if !field.isEmpty || !fields.isEmpty {
      fields.append(field)
      rows.append(Row(fields: fields, line: rowLine))
    }
    return rows
  }
}

extension String {
  var trimmingSpaces: String {
    String(
      unicodeScalars.drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" })
        .reversed().map(Character.init))
  }
}
