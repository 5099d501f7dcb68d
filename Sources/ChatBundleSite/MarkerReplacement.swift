/// Appends `source` to `out` with every occurrence of `marker` replaced by `replacement`,
/// copying the runs between them whole: pages and search shards are hundreds of kilobytes.
func appendReplacing(_ marker: [UInt8], with replacement: [UInt8], in source: [UInt8], to out: inout [UInt8]) {
  guard let first = marker.first else {
    out += source
    return
  }
  var copied = 0
  var index = 0
  while let found = source[index...].firstIndex(of: first) {
    index = found + 1
    guard source[found...].starts(with: marker) else { continue }
    out += source[copied..<found]
    out += replacement
    copied = found + marker.count
    index = copied
  }
  out += source[copied...]
}
