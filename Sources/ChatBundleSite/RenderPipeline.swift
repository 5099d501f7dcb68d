import ArchiveIO
import ChatBundle

/// Hands the reader's events to the site generator on a second thread, in order.
///
/// Verifying (inflate, SHA-256, JSON, schema checks) and rendering (HTML, search tokens,
/// page files) each take about half the work, so on two cores they overlap. Events travel
/// in batches through a queue bounded in batches and bytes, so memory stays flat whatever
/// the bundle's size.
enum RenderPipeline {
  /// Reads `bundle`, rendering into `generator` on the queue's thread; returns once the
  /// generator has handled every event, and hands it back (nil only if that thread lost it).
  static func run(
    _ bundle: String, into generator: sending SiteGenerator, threads: Int
  ) -> (report: VerificationReport, generator: SiteGenerator?) {
    let queue = BatchQueue<BundleEvent, SiteGenerator>(consumer: generator, consume: { $0.handle($1) })
    var options = SiteGenerator.readingOptions
    options.threads = threads
    let report = BundleReader(path: bundle, options: options).run { event in
      queue.append(event, bytes: weight(of: event))
    }
    // `consume` does not throw and there is no `last`, so neither does this.
    let back = try? queue.finish()
    return (report, back ?? nil)
  }

  /// What an event holds in memory, so that batches close by bytes as well as by count: a
  /// run of long messages must not fill the queue with gigabytes.
  static func weight(of event: BundleEvent) -> Int {
    switch event {
    case .data(let bytes): bytes.count
    case .manifest(let record): record.bytes.count
    case .message(let message, _): message.estimatedSize
    default: 0
    }
  }
}
