import ArchiveIO

extension BundleReader {
  /// Reports what the strict tar parser found in an entry's raw headers: pax global
  /// headers, keywords outside `path`, `size` and `mtime`, malformed fields, and any
  /// difference from libarchive's reading. A typeflag outside the regular ones (B03) and
  /// `GNU.sparse.*` keywords (B04) are left to the entry checks, which report them in
  /// their place in step 3.
  func addTarAuditIssues(_ audit: TarHeaderAudit, _ name: String) {
    for problem in audit.problems {
      let code = IssueCode(problem)
      if code == .notRegularFile || code == .sparseEntry { continue }
      add(code, name, problem.description)
    }
  }
}
