/// Proves that sealed bundles form one chain (spec §7.15): each is valid, all name the same
/// archive, their sequence numbers run 1, 2, 3… without a hole, each after the first names
/// the one before by bundle id, and their periods (`scope.since`/`until`) follow each other
/// without a gap or an overlap. A bundle left out, replaced or reordered breaks it.
///
/// It does not prove that the service served nothing more: the coverage of each bundle
/// says what the service delivered, with every gap named.
public struct ChainVerifier {
  public var bundles: [String]

  public init(bundles: [String]) { self.bundles = bundles }

  public struct Link: Sendable {
    public var path: String
    public var bundleID: String
    public var sequence: Int64
    /// The bundle id its lineage names as the one sealed before it.
    public var previous: String?
    public var since: Int64?
    public var until: Int64?
    public var messages: Int64
    public var gaps: Int
  }

  public struct Report: Sendable {
    public var archive: String?
    public var links: [Link] = []
    public var problems: [String] = []
    public var isValid: Bool { problems.isEmpty && !links.isEmpty }
  }

  public func verify() -> Report {
    var report = Report()
    for path in bundles {
      let verification = BundleVerifier(path: path).verify()
      guard verification.isValid, let manifest = verification.manifest, let id = verification.bundleID else {
        report.problems.append(
          "\(path) is not a valid bundle (\(verification.errorCount) errors); run 'chatbundle verify \(path)'")
        continue
      }
      guard let lineage = manifest.lineage, lineage.operation == .seal, let archive = lineage.archive,
        let sequence = lineage.sequence
      else {
        report.problems.append("\(path) is not a sealed bundle of a continuous archive")
        continue
      }
      if let known = report.archive, known != archive {
        report.problems.append("\(path) belongs to the archive \(archive), the others to \(known)")
      }
      report.archive = report.archive ?? archive
      report.links.append(
        Link(
          path: path, bundleID: id, sequence: sequence, previous: lineage.previous, since: manifest.scope.since,
          until: manifest.scope.until,
          messages: manifest.totals.messages, gaps: manifest.coverage?.gapCount ?? 0))
    }
    report.links.sort { $0.sequence < $1.sequence }
    var previous: Link?
    for (offset, link) in report.links.enumerated() {
      let expected = Int64(offset) + 1
      if link.sequence != expected {
        report.problems.append(
          "sealed bundle \(expected) of the chain is missing (the next given is \(link.sequence), \(link.path))")
        break
      }
      let stated = link.previous
      if let previous {
        if stated != previous.bundleID {
          report.problems.append(
            "\(link.path) (sequence \(link.sequence)) names \(stated ?? "no bundle") as the one before it, but "
              + "sequence \(previous.sequence) is \(previous.bundleID) (\(previous.path))")
        }
        if link.since != previous.until {
          report.problems.append(
            "\(link.path) begins at \(link.since.map { UTCTime.timestamp(milliseconds: $0) } ?? "no time"), "
              + "not where sequence \(previous.sequence) ends "
              + "(\(previous.until.map { UTCTime.timestamp(milliseconds: $0) } ?? "no time"))")
        }
      }
      previous = link
    }
    return report
  }
}
