import ChatBundle
import ChatBundleImport
import ChatBundleTestSupport

/// Packs `files` (name → bytes, under `export/`) and `media` through an importer, then
/// reads the bundle back: the summary, the messages as verify delivers them, the report.
func packThroughImporter(
  platform: String, files: [String: [UInt8]], media: [String: [UInt8]]?, configure: (inout PackOptions) -> Void,
  importer: (BundleBuilder, String?) -> any SourceImporter
) throws -> (PackSummary, [ChatBundle.Message], VerificationReport) {
  let directory = try TemporaryDirectory()
  for (name, bytes) in files { try directory.write("export/" + name, bytes) }
  var mediaDirectory: String?
  if let media {
    for (name, bytes) in media { try directory.write("media/" + name, bytes) }
    mediaDirectory = directory.file("media")
  }
  var options = PackOptions(platform: Identifier(platform), timeZone: "Asia/Shanghai")
  configure(&options)
  let output = directory.file("out.tar.gz")
  let builder = try BundleBuilder(options: options, outputPath: output)
  try importer(builder, mediaDirectory).importFiles(try InputFiles.expand([directory.file("export")]).files)
  let summary = try builder.finish(outputPath: output)
  let (delegate, report) = BundleCollector.read(output)
  return (summary, delegate.messages, report)
}
