import Foundation

/// Every file below `root` whose name ends in one of `suffixes`, concatenated: a site's
/// pages and scripts, or an export's CSV files, for checking that a text appears somewhere.
public func concatenatedText(under root: String, endingIn suffixes: [String]) throws -> String {
  var all = ""
  let files = (FileManager.default.enumerator(atPath: root)?.allObjects ?? []).compactMap { $0 as? String }.sorted()
  for relative in files where suffixes.contains(where: relative.hasSuffix) {
    all += try String(contentsOfFile: root + "/" + relative, encoding: .utf8)
  }
  return all
}
