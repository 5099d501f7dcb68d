import Foundation

#if canImport(Glibc)
  import Glibc
#endif

package func parentDirectory(of path: String) -> String {
  guard let slash = path.lastIndex(of: "/") else { return "." }
  let parent = String(path[..<slash])
  return parent.isEmpty ? "/" : parent
}

package func baseName(of path: String) -> String {
  guard let slash = path.lastIndex(of: "/") else { return path }
  return String(path[path.index(after: slash)...])
}

/// Creates a new private directory with an unpredictable name (mkdtemp).
package func makeTemporaryDirectory(in parent: String, prefix: String) throws -> String {
  var template = Array((parent + "/" + prefix + "-XXXXXX").utf8CString)
  let created = template.withUnsafeMutableBufferPointer { buffer -> Bool in
    guard let base = buffer.baseAddress else { return false }
    return mkdtemp(base) != nil
  }
  guard created else {
    throw ChatBundleError.io(
      path: parent, message: "cannot create a scratch directory: \(String(cString: strerror(errno)))")
  }
  return String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

package func removeTree(_ path: String) {
  try? FileManager.default.removeItem(atPath: path)
}
